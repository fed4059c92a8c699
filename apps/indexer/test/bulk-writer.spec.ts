import { Client } from '@opensearch-project/opensearch';
import { encodeEventBatch, eventId, newBatchId, readEventBatch, type LogEvent, type WireEventBatch } from '@millrace/log-schema';
import { testStackEnv } from '@millrace/service-kit';
import { BulkWriter } from '../src/indexing/bulk-writer';
import { ensureTemplates } from '../src/indexing/templates';

const client = new Client({ node: testStackEnv().OPENSEARCH_URL });
const tenant = `ix${Date.now().toString(36)}`;
const writer = new BulkWriter(client);

function events(count: number, fields: (i: number) => Record<string, unknown>, batchId = newBatchId()): LogEvent[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: eventId(batchId, i), tenant, ts: now - i, receivedAt: now, app: 'ix', host: 'h', level: 'info',
    message: `message ${i}`, tags: [], fields: fields(i), source: 'http-json',
  }));
}

/** Events as the indexer reads them off the EVENTS stream. */
const wire = (batch: LogEvent[]): WireEventBatch => readEventBatch(encodeEventBatch({ v: 1, tenant, batchId: batch[0].id.split('-')[0], events: batch }));

async function countWhere(query: object): Promise<number> {
  await client.indices.refresh({ index: 'millrace-events-*' });
  const { body } = await client.count({ index: 'millrace-events-*', routing: tenant, body: { query: { bool: { filter: [{ term: { tenant } }, query] } } } });
  return body.count;
}

beforeAll(async () => {
  await ensureTemplates(client, { shards: 1, replicas: 0 });
});

afterAll(async () => {
  await client.close();
});

describe('BulkWriter against OpenSearch', () => {
  it('indexes a batch, and rewriting it (a redelivery) adds no duplicate', async () => {
    const batch = events(20, (i) => ({ status: 200 + i }));
    expect((await writer.write(wire(batch))).indexed).toBe(20);
    expect((await writer.write(wire(batch))).indexed).toBe(20);
    expect(await countWhere({ match_all: {} })).toBe(20);
    // Numbers are numeric: range queries work.
    expect(await countWhere({ range: { 'fields.status': { gte: 215 } } })).toBe(5);
  });

  it('never rejects a document for its fields: type conflicts are absorbed', async () => {
    expect((await writer.write(wire(events(1, () => ({ shape: 'text', amount: 5 }))))).indexed).toBe(1);
    // `shape` arrives as an object where a keyword was mapped; `amount` as text where a double was.
    const second = events(2, (i) => (i === 0 ? { shape: { nested: true } } : { amount: 'five' }));
    const outcome = await writer.write(wire(second));
    expect(outcome.rejected).toEqual([]);
    expect(outcome.indexed + outcome.degraded).toBe(2);
    expect(await countWhere({ terms: { id: second.map((e) => e.id) } })).toBe(2);
  });

  it('degrades a document over the field limit into _source-only fields instead of losing it', async () => {
    const wide = events(1, () => Object.fromEntries(Array.from({ length: 2500 }, (_, k) => [`f${k}`, k])));
    const outcome = await writer.write(wire(wide));
    expect(outcome).toMatchObject({ indexed: 0, degraded: 1, rejected: [] });
    await client.indices.refresh({ index: 'millrace-events-*' });
    const { body } = await client.search({ index: 'millrace-events-*', routing: tenant, body: { query: { term: { id: wide[0].id } } } });
    const source = (body.hits.hits[0] as { _source: { unindexed_fields?: string } })._source;
    expect(Object.keys(JSON.parse(source.unindexed_fields ?? '{}'))).toHaveLength(2500);
  });

  it('writes each tenant into the indices of its retention class', async () => {
    const classed = new BulkWriter(client, () => 'r7');
    const batch = events(1, () => ({}));
    expect((await classed.write(wire(batch))).indexed).toBe(1);
    await client.indices.refresh({ index: 'millrace-events-r7-*' });
    const { body } = await client.count({ index: 'millrace-events-r7-*', routing: tenant, body: { query: { term: { id: batch[0].id } } } });
    expect(body.count).toBe(1);
  });

  it('skips events marked noIndex', async () => {
    const batch = events(3, () => ({})).map((e, i) => ({ ...e, noIndex: i > 0 }));
    expect((await writer.write(wire(batch))).indexed).toBe(1);
  });
});
