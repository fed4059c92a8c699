import fc from 'fast-check';
import { Client } from '@opensearch-project/opensearch';
import { compileMatcher, formatQuery, matchableEventArbitrary, queryArbitrary, toOpenSearch, type MatchableEvent } from '@millrace/query-language';
import { eventId, newBatchId } from '@millrace/log-schema';
import { eventsIndexTemplate, toDocument } from '@millrace/search-index';
import { testStackEnv } from '@millrace/service-kit';
import { tenantScoped } from '../src/search/scope';

/**
 * The two back ends of the query language must agree: every generated query is run by the real
 * OpenSearch over generated events and by the in-memory matcher over the same events, and both
 * must select exactly the same ids. The index gets the production template, so field types are
 * those of real data.
 */
const client = new Client({ node: testStackEnv().OPENSEARCH_URL });
const run = Date.now().toString(36);
const index = `millrace-events-r3-difftest${run}`;
const tenant = `diff${run}`;
const EVENTS = 400;
const QUERIES = Number(process.env.DIFF_QUERIES ?? 400);
const now = Date.now();

let events: Array<MatchableEvent & { id: string }>;

beforeAll(async () => {
  // The template applies to millrace-events-*; create the index explicitly so it exists at once.
  await client.indices.create({ index, body: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: eventsIndexTemplate().template.mappings } as never });
  const batchId = newBatchId();
  events = fc.sample(matchableEventArbitrary(fc), { numRuns: EVENTS, seed: 42 }).map((e, i) => ({ ...e, id: eventId(batchId, i), ts: now - i * 1000 }));
  const body: object[] = [];
  for (const e of events) {
    body.push({ index: { _index: index, _id: e.id, routing: tenant } });
    body.push(toDocument({ ...e, tenant, receivedAt: now, level: e.level, source: e.source } as never));
  }
  const { body: result } = await client.bulk({ body, refresh: true });
  const failed = (result.items as Array<Record<string, { error?: unknown }>>).filter((item) => Object.values(item)[0].error);
  expect(failed).toEqual([]);
}, 60000);

afterAll(async () => {
  await client.indices.delete({ index }).catch(() => undefined);
  await client.close();
});

describe('query language: OpenSearch and the in-memory matcher agree', () => {
  it(`on ${QUERIES} generated queries over ${EVENTS} generated events`, async () => {
    const queries = fc.sample(queryArbitrary(fc, { maxDepth: 3 }), { numRuns: QUERIES, seed: 7 });
    const disagreements: string[] = [];
    let nonTrivial = 0;
    // msearch: many queries per round trip, still one answer per query.
    for (let start = 0; start < queries.length; start += 50) {
      const chunk = queries.slice(start, start + 50);
      const body: object[] = [];
      for (const q of chunk) {
        body.push({ index, routing: tenant });
        body.push({ query: tenantScoped(tenant, toOpenSearch(q), 0, now + 1000), size: EVENTS, _source: false, docvalue_fields: ['id'] });
      }
      const { body: result } = await client.msearch({ body } as never);
      const responses = (result as unknown as { responses: Array<{ error?: unknown; hits?: { hits: Array<{ _id: string }> } }> }).responses;
      chunk.forEach((q, i) => {
        const text = formatQuery(q);
        const response = responses[i];
        if (response.error) {
          disagreements.push(`${text}: OpenSearch failed: ${JSON.stringify(response.error).slice(0, 300)}`);
          return;
        }
        const fromOpenSearch = new Set(response.hits!.hits.map((h) => h._id));
        const matcher = compileMatcher(q);
        const inMemory = new Set(events.filter((e) => matcher(e)).map((e) => e.id));
        if (inMemory.size > 0 && inMemory.size < EVENTS) nonTrivial++;
        const onlyOs = [...fromOpenSearch].filter((id) => !inMemory.has(id));
        const onlyMem = [...inMemory].filter((id) => !fromOpenSearch.has(id));
        if (onlyOs.length || onlyMem.length) {
          const sample = events.find((e) => e.id === (onlyOs[0] ?? onlyMem[0]));
          disagreements.push(`${text}: ${onlyOs.length} only in OpenSearch, ${onlyMem.length} only in memory; e.g. ${JSON.stringify(sample)}`);
        }
      });
    }
    expect(disagreements).toEqual([]);
    // The generators must produce selective queries, or agreement would prove little.
    expect(nonTrivial).toBeGreaterThan(QUERIES / 4);
  }, 120000);
});
