import { Client } from '@opensearch-project/opensearch';
import { eventId, newBatchId } from '@millrace/log-schema';
import { eventIndexName, eventsIndexTemplate, EVENTS_TEMPLATE, toDocument } from '@millrace/search-index';
import { testStackEnv } from '@millrace/service-kit';
import { SearchService } from '../src/search/search.service';
import { TenantScope } from '../src/search/scope';

const client = new Client({ node: testStackEnv().OPENSEARCH_URL });
const service = new SearchService(new TenantScope(client));
const run = Date.now().toString(36);
const tenantA = `qa${run}`;
const tenantB = `qb${run}`;
const now = Date.now();

async function index(tenant: string, count: number, message: (i: number) => string): Promise<void> {
  const batchId = newBatchId();
  const body = [];
  for (let i = 0; i < count; i++) {
    const ts = now - i * 1000;
    body.push({ index: { _index: eventIndexName('r30', ts), _id: eventId(batchId, i), routing: tenant } });
    body.push(toDocument({ id: eventId(batchId, i), tenant, ts, receivedAt: now, app: i % 2 ? 'web' : 'worker', host: 'h', level: i % 3 ? 'info' : 'error', message: message(i), tags: [], fields: { n: i }, source: 'http-json' }));
  }
  const { body: result } = await client.bulk({ body, refresh: true });
  expect(result.errors).toBe(false);
}

beforeAll(async () => {
  await client.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate() as never });
  await index(tenantA, 250, (i) => `request ${i} served`);
  await index(tenantB, 30, (i) => `request ${i} served`);
});
afterAll(() => client.close());

const range = { from: now - 3_600_000, to: now + 1000 };

describe('SearchService against OpenSearch', () => {
  it('only ever returns the caller tenant’s events, whatever the query asks', async () => {
    const page = await service.search({ tenant: tenantB, query: 'request', ...range, limit: 1000, order: 'desc' });
    expect(page.events).toHaveLength(30);
    expect(new Set(page.events.map((e) => e.tenant))).toEqual(new Set([tenantB]));
    const sneaky = await service.search({ tenant: tenantB, query: `tenant:${tenantA} OR app:web`, ...range, limit: 1000, order: 'desc' });
    expect(sneaky.events.every((e) => e.tenant === tenantB)).toBe(true);
  });

  it('pages through every result with cursors, newest first, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let previousTs = Infinity;
    do {
      const page = await service.search({ tenant: tenantA, query: '', ...range, limit: 40, order: 'desc', cursor });
      for (const e of page.events) {
        expect(e.ts).toBeLessThanOrEqual(previousTs);
        previousTs = e.ts;
        seen.push(e.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });

  it('applies the query language: fields, levels and numeric comparisons', async () => {
    const page = await service.search({ tenant: tenantA, query: 'app:web level:error n:>=100', ...range, limit: 1000, order: 'asc' });
    const expected = Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 2 === 1 && i % 3 === 0 && i >= 100);
    expect(page.events.map((e) => e.fields.n).sort((a, b) => Number(a) - Number(b))).toEqual(expected);
  });

  it('keeps no server-side state for searches whose cursor is never followed', async () => {
    // OpenSearch allows a few hundred open points in time; a first page must not open one.
    for (let i = 0; i < 350; i++) {
      const page = await service.search({ tenant: tenantA, query: '', ...range, limit: 5, order: 'desc' });
      expect(page.nextCursor).toBeDefined();
    }
    const { body } = await client.nodes.stats({ metric: 'indices', index_metric: 'search' } as never);
    const open = Object.values((body as { nodes: Record<string, { indices: { search: { point_in_time_current?: number } } }> }).nodes)
      .reduce((sum, node) => sum + (node.indices.search.point_in_time_current ?? 0), 0);
    expect(open).toBeLessThan(50);
  });

  it('turns a malformed query into a 400 that says where', async () => {
    await expect(service.search({ tenant: tenantA, query: 'app:(web', ...range, limit: 10, order: 'desc' })).rejects.toMatchObject({ status: 400 });
  });
});
