// Every route the query API serves is in its OpenAPI document, with typed inputs and answers:
// a new route without schemas fails here (and in src/openapi.spec.ts, which needs no servers).
import { loadConfig, routeDrift, routesServedBy, testServiceEnv } from '@millrace/service-kit';
import { QueryApiModule } from '../src/app.module';
import { queryApiConfigSchema } from '../src/config';
import { describeQueryApi } from '../src/openapi';

it('documents every route the started query API serves, and nothing it does not', async () => {
  const module = QueryApiModule.forRoot(loadConfig(queryApiConfigSchema, testServiceEnv()));
  const { document, problems } = describeQueryApi(module);
  expect(problems).toEqual([]);
  expect(routeDrift(await routesServedBy(module), document)).toEqual({ undocumented: [], notServed: [], untyped: [] });
});
