// Every route the auth service serves is in its OpenAPI document, with typed inputs and answers:
// a new route without schemas fails here (and in src/openapi.spec.ts, which needs no servers).
import { loadConfig, routesServedBy, testServiceEnv } from '@millrace/service-kit';
import { TEST_ENCRYPTION_KEY } from './support';
import { AuthModule } from '../src/app.module';
import { authConfigSchema } from '../src/config';
import { describeAuth } from '../src/openapi';

const DOCS = ['get /docs', 'get /docs/openapi.json'];

it('documents every route the started auth service serves, and nothing it does not', async () => {
  const module = AuthModule.forRoot(loadConfig(authConfigSchema, testServiceEnv({ AUTH_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY })));
  const served = (await routesServedBy(module)).filter((r) => !DOCS.some((d) => r.startsWith(d)));
  const { document, problems } = describeAuth(module);
  expect(problems).toEqual([]);
  const documented = Object.entries(document.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`)).sort();
  expect(served).toEqual(documented);
  for (const [p, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, { responses: Record<string, { content?: object }> }>)) {
      const success = Object.entries(op.responses).filter(([status]) => /^[12]/.test(status));
      expect([`${method} ${p}`, success.length > 0]).toEqual([`${method} ${p}`, true]);
      for (const [status, answer] of success) if (status !== '204') expect([`${method} ${p} ${status}`, !!answer.content]).toEqual([`${method} ${p} ${status}`, true]);
    }
  }
});
