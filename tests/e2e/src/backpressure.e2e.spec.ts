import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';
import { stackEnv, stackServer } from './support/stack';

let platform: Platform;
let org: OrgKeys;
let nc: NatsConnection;

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('bp'));
  nc = await connect({ servers: stackEnv().NATS_URL, name: 'e2e-backpressure' });
});
afterAll(async () => {
  await nc?.drain().catch(() => undefined);
  await platform?.shutdown();
});

describe('OpenSearch back-pressure', () => {
  it('holds events while OpenSearch is down and indexes every one of them when it returns, none dead-lettered', async () => {
    const marker = `bp${Date.now()}`;
    stackServer('stop-one', 'opensearch');
    try {
      // The gateway keeps accepting: the broker, not the search cluster, is what 2xx promises.
      for (let r = 0; r < 5; r++) {
        const lines = Array.from({ length: 200 }, (_, i) => ({ line: `${marker} r${r} line ${i}`, app: 'bp' }));
        expect((await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: { lines } })).status).toBe(200);
      }
      // Let the indexer meet the outage for a while (several retry rounds).
      await new Promise((r) => setTimeout(r, 8000));
    } finally {
      stackServer('start-one', 'opensearch');
    }
    const total = await eventually(async () => {
      const res = await request<{ total: number[] }>('GET', `${platform.urls.query}/v1/graphs/histogram?q=${encodeURIComponent(`app:bp ${marker}`)}&from=-1h&interval=1h`, { key: org.readKey });
      const sum = res.status === 200 ? res.body.total.reduce((a, b) => a + b, 0) : 0;
      return sum === 1000 ? sum : undefined;
    }, 120000, 1000);
    expect(total).toBe(1000);
    // Nothing was given up on.
    const jsm = await jetstreamManager(nc);
    expect(await jsm.streams.getMessage('DLQ', { last_by_subj: `dlq.index.${org.org}` })).toBeNull();
    // And each line is there once.
    const page = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${marker}%20r0&limit=1000&from=-1h`, { key: org.readKey });
    expect(page.body.events).toHaveLength(200);
  }, 240000);
});
