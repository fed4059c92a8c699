import { Client } from '@opensearch-project/opensearch';
import { eventIndexName, EVENTS_TEMPLATE, eventsIndexTemplate } from '@millrace/search-index';
import { testStackEnv } from '@millrace/service-kit';
import { hasIsm, isExpired, ismPolicy, sweepExpiredIndices } from '../src/indexing/retention';

const DAY = 86_400_000;
const client = new Client({ node: testStackEnv().OPENSEARCH_URL });
const now = Date.UTC(2026, 10, 21, 12);

afterAll(() => client.close());

describe('retention by whole indices', () => {
  it('expires a day once it is older than its class keeps', () => {
    expect(isExpired('millrace-events-r3-2026.11.17', now)).toBe(true); // 17th: ended 4 days + 12 h ago
    expect(isExpired('millrace-events-r3-2026.11.18', now)).toBe(false); // still within 3 whole days
    expect(isExpired('millrace-events-r30-2026.10.20', now)).toBe(true);
    expect(isExpired('millrace-events-r30-2026.10.22', now)).toBe(false);
    expect(isExpired('someone-elses-index-2020.01.01', now)).toBe(false);
  });

  it('sweeps expired indices from the real cluster and leaves the rest', async () => {
    await client.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate() as never });
    const today = Date.now();
    const expired = eventIndexName('r3', today - 10 * DAY);
    const fresh = eventIndexName('r3', today);
    const keptLong = eventIndexName('r365', today - 100 * DAY);
    for (const index of [expired, fresh, keptLong]) {
      await client.indices.create({ index }).catch((e: { meta?: { statusCode?: number } }) => {
        if (e.meta?.statusCode !== 400) throw e; // already exists
      });
    }
    const deleted = await sweepExpiredIndices(client);
    expect(deleted).toContain(expired);
    expect(deleted).not.toContain(fresh);
    expect((await client.indices.exists({ index: expired })).body).toBe(false);
    expect((await client.indices.exists({ index: fresh })).body).toBe(true);
    expect((await client.indices.exists({ index: keptLong })).body).toBe(true);
    // A second sweep finds nothing more to do.
    expect(await sweepExpiredIndices(client)).not.toContain(expired);
  });

  it('detects whether the cluster has Index State Management, and builds one policy per class', async () => {
    // The local node runs without the plugin: the indexer falls back to its sweep.
    expect(await hasIsm(client)).toBe(false);
    const policy = ismPolicy('r7').policy;
    expect(policy.ism_template).toEqual([{ index_patterns: ['millrace-events-r7-*'], priority: 100 }]);
    expect(policy.states[0].transitions[0]).toEqual({ state_name: 'delete', conditions: { min_index_age: '8d' } });
    expect(policy.states[1].actions).toEqual([{ delete: {} }]);
  });
});
