// Every route the query API serves is in its OpenAPI document, with typed inputs and answers:
// a new route without schemas fails here (and in src/openapi.spec.ts, which needs no servers).
import { loadConfig, routesServedBy, testServiceEnv } from '@millrace/service-kit';
import { QueryApiModule } from '../src/app.module';
import { queryApiConfigSchema } from '../src/config';
import { describeQueryApi } from '../src/openapi';

const DOCS = ['get /docs', 'get /docs/openapi.json'];

it('documents every route the started query API serves, and nothing it does not', async () => {
  const module = QueryApiModule.forRoot(loadConfig(queryApiConfigSchema, testServiceEnv()));
  const served = (await routesServedBy(module)).filter((r) => !DOCS.some((d) => r.startsWith(d)));
  const { document, problems } = describeQueryApi(module);
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
