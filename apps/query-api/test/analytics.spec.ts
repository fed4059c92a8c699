import { Client } from '@opensearch-project/opensearch';
import { eventId, newBatchId } from '@millrace/log-schema';
import { eventIndexName, EVENTS_TEMPLATE, eventsIndexTemplate, toDocument } from '@millrace/search-index';
import { testStackEnv } from '@millrace/service-kit';
import { TenantScope } from '../src/search/scope';
import { GraphsService, OTHER } from '../src/graphs/graphs.service';
import { FieldsService } from '../src/fields/fields.service';
import { ContextService } from '../src/events/context.service';

const client = new Client({ node: testStackEnv().OPENSEARCH_URL });
const scope = new TenantScope(client);
const graphs = new GraphsService(scope);
const run = Date.now().toString(36);
const tenant = `an${run}`;
const intruder = `ax${run}`;
const APPS = ['web', 'api', 'worker'];
const MIN = 60_000;
// 60 events, one every 30 s, inside one aligned hour so bucket boundaries are known.
const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const ids: string[] = [];

beforeAll(async () => {
  await client.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate() as never });
  const batchId = newBatchId();
  const body: object[] = [];
  const add = (t: string, i: number) => {
    const ts = start + i * 30_000;
    const id = eventId(batchId, t === tenant ? i : 1000 + i);
    if (t === tenant) ids.push(id);
    body.push({ index: { _index: eventIndexName('r30', ts), _id: id, routing: t } });
    body.push(toDocument({
      id, tenant: t, ts, receivedAt: ts, app: APPS[i % 3], host: i % 2 ? 'h1' : 'h2', level: 'info', message: `request ${i}`,
      tags: [], fields: { status: 200 + (i % 5) * 100, latency_ms: i * 10, user: { id: `u${i % 4}` } }, source: 'http-json',
    }));
  };
  for (let i = 0; i < 60; i++) add(tenant, i);
  // Another tenant's data in the same indices must never show up.
  for (let i = 0; i < 30; i++) add(intruder, i);
  const { body: result } = await client.bulk({ body, refresh: true });
  expect(result.errors).toBe(false);
});
afterAll(() => client.close());

const q = (query = '') => ({ tenant, query, from: start, to: start + 30 * MIN - 1 });

describe('graphs', () => {
  it('counts over time with fixed buckets, split by a field into top N and other', async () => {
    const h = await graphs.histogram(q(), { name: '5m', ms: 5 * MIN }, { path: 'app', top: 2 });
    expect(h.buckets).toHaveLength(6);
    expect(h.buckets[0]).toBe(start);
    expect(h.total).toEqual([10, 10, 10, 10, 10, 10]);
    expect(h.series).toHaveLength(3);
    expect(h.series![2].key).toBe(OTHER);
    const sums = h.total.map((_, i) => h.series!.reduce((s, series) => s + series.counts[i], 0));
    expect(sums).toEqual(h.total);
  });

  it('gives the top values of a field with the count of the rest', async () => {
    const top = await graphs.top(q(), { path: 'fields.status' }, 2, 'status');
    expect(top.values).toEqual([{ value: 200, count: 12 }, { value: 300, count: 12 }]);
    expect(top.other).toBe(36);
  });

  it('computes numeric statistics and percentiles of a field, overall and per bucket', async () => {
    const stats = await graphs.stats(q(), { path: 'fields.latency_ms' }, { name: '10m', ms: 10 * MIN }, [50, 95]);
    expect(stats.overall).toMatchObject({ count: 60, min: 0, max: 590, avg: 295 });
    expect(stats.overall.percentiles['50']).toBeGreaterThanOrEqual(280);
    expect(stats.overall.percentiles['50']).toBeLessThanOrEqual(310);
    expect(stats.buckets.map((b) => b.count)).toEqual([20, 20, 20]);
    expect(stats.buckets[0]).toMatchObject({ min: 0, max: 190 });
  });

  it('applies the query to graphs too', async () => {
    const h = await graphs.histogram(q('app:web status:>=400'), { name: '30m', ms: 30 * MIN });
    // web = i%3==0; status>=400 = i%5 in {2,3,4}
    const expected = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 === 0 && i % 5 >= 2).length;
    expect(h.total).toEqual([expected]);
  });
});

describe('field discovery', () => {
  it('lists the tenant’s fields with types and examples, from its own events only', async () => {
    const { sampled, fields } = await new FieldsService(scope).discover(q(), 1000);
    expect(sampled).toBe(60);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(Object.keys(byName).sort()).toEqual(['latency_ms', 'status', 'user.id']);
    expect(byName.status).toMatchObject({ types: ['number'], count: 60 });
    expect(byName['user.id'].examples.length).toBeGreaterThan(0);
  });
});

describe('context', () => {
  it('returns the lines before and after an event from the same app and host', async () => {
    const context = await new ContextService(scope).around(tenant, ids[30], 2, 2);
    expect(context.event.message).toBe('request 30');
    // Same app (i%3) and host (i%2): every 6th event.
    expect(context.before.map((e) => e.message)).toEqual(['request 18', 'request 24']);
    expect(context.after.map((e) => e.message)).toEqual(['request 36', 'request 42']);
  });

  it('does not find another tenant’s event', async () => {
    await expect(new ContextService(scope).around(intruder, ids[30], 2, 2)).rejects.toMatchObject({ status: 404 });
  });
});
