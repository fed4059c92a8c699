// Every route auth serves is in its OpenAPI document, with typed inputs and answers: a new route
// without schemas fails here (and in src/openapi.spec.ts, which needs no servers).
import { loadConfig, routeDrift, routesServedBy, testServiceEnv } from '@millrace/service-kit';
import { AuthModule } from '../src/app.module';
import { authConfigSchema } from '../src/config';
import { describeAuth } from '../src/openapi';
import { TEST_ENCRYPTION_KEY } from './support';

it('documents every route the started auth service serves, and nothing it does not', async () => {
  const module = AuthModule.forRoot(loadConfig(authConfigSchema, testServiceEnv({ AUTH_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY })));
  const { document, problems } = describeAuth(module);
  expect(problems).toEqual([]);
  expect(routeDrift(await routesServedBy(module), document)).toEqual({ undocumented: [], notServed: [], untyped: [] });
});
