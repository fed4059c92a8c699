import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';
import { stackEnv, stackServer } from './support/stack';

interface SearchPage {
  events: LogEvent[];
  nextCursor?: string;
}

let platform: Platform;
let org: { org: string; ingestKey: string; readKey: string };
let nc: NatsConnection;
let jsm: JetStreamManager;

async function search(q: string, limit = 1000): Promise<LogEvent[]> {
  const reply = await request<SearchPage>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=${limit}&from=-1h`, { key: org.readKey });
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.events;
}

/** Wait until a query finds exactly `count` events (and keep checking briefly that no more arrive). */
async function searchUntil(q: string, count: number, timeoutMs = 20000): Promise<LogEvent[]> {
  return eventually(async () => {
    const events = await search(q);
    return events.length >= count ? events : undefined;
  }, timeoutMs);
}

function ingest(lines: object[], key = org.ingestKey, extraHeaders: Record<string, string> = {}) {
  return request<{ status: string; lines: number }>('POST', `${platform.urls.ingest}/logs/ingest?hostname=e2e-host`, { key, body: { lines }, headers: extraHeaders });
}

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('e2e'));
  nc = await connect({ servers: stackEnv().NATS_URL, name: 'e2e-inspector', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.drain().catch(() => undefined);
  await platform?.shutdown();
});

describe('the walking pipeline', () => {
  it('makes posted lines searchable with their app, host, level and timestamp, newest first', async () => {
    const marker = `walk${Date.now()}`;
    const ts = Date.now() - 60_000;
    const reply = await ingest([
      { line: `first ${marker} plain text`, app: 'billing', level: 'warn', timestamp: ts },
      { line: JSON.stringify({ message: `second ${marker} json`, status: 502, user: { id: 'u1' } }), app: 'api', level: 'error', timestamp: ts + 1000 },
    ]);
    expect(reply.status).toBe(200);
    expect(reply.body.lines).toBe(2);

    const events = await searchUntil(marker, 2);
    expect(events).toHaveLength(2);
    const [newest, oldest] = events;
    expect(newest.message).toBe(`second ${marker} json`);
    expect(newest.app).toBe('api');
    expect(newest.host).toBe('e2e-host');
    expect(newest.level).toBe('error');
    expect(newest.ts).toBe(ts + 1000);
    expect(newest.fields).toMatchObject({ status: 502, user: { id: 'u1' } });
    expect(oldest.message).toBe(`first ${marker} plain text`);
    expect(oldest.app).toBe('billing');
    expect(oldest.level).toBe('warn');
    expect(oldest.ts).toBe(ts);
    expect(oldest.tenant).toBe(org.org);
  });

  it('refuses a request without a key or with a wrong one (401) and stores nothing', async () => {
    const before = (await jsm.streams.info('INGEST')).state.messages;
    const noKey = await request('POST', `${platform.urls.ingest}/logs/ingest`, { body: { lines: [{ line: 'nokey' }] } });
    expect(noKey.status).toBe(401);
    const wrongKey = await ingest([{ line: 'wrongkey' }], 'mlr_ik_' + 'x'.repeat(43));
    expect(wrongKey.status).toBe(401);
    const garbageKey = await ingest([{ line: 'garbage' }], 'not-a-key');
    expect(garbageKey.status).toBe(401);
    // A read key cannot write either.
    const readKey = await ingest([{ line: 'readkey' }], org.readKey);
    expect(readKey.status).toBe(403);
    expect((await jsm.streams.info('INGEST')).state.messages).toBe(before);
    // And an ingestion key cannot search.
    const searchWithIngestKey = await request('GET', `${platform.urls.query}/v1/search?q=x`, { key: org.ingestKey });
    expect(searchWithIngestKey.status).toBe(403);
  });

  it('does not duplicate documents when the indexer dies after writing and before acking', async () => {
    await platform.stop('indexer');
    const marker = `redeliver${Date.now()}`;
    const lines = Array.from({ length: 50 }, (_, i) => ({ line: `${marker} line ${i}`, app: 'redelivery' }));
    expect((await ingest(lines)).status).toBe(200);
    // This indexer writes the batch to OpenSearch, then exits before it can ack.
    await platform.start('indexer', { INDEXER_FAULT_CRASH_BEFORE_ACK: 'true' });
    await eventually(async () => (platform.isRunning('indexer') ? undefined : true), 30000);
    await platform.start('indexer');
    const events = await searchUntil(marker, 50);
    // Give a late duplicate the time to show up before concluding there is none.
    await new Promise((r) => setTimeout(r, 2500));
    const again = await search(marker);
    expect(again).toHaveLength(50);
    expect(new Set(again.map((e) => e.id)).size).toBe(50);
    expect(events.length).toBe(50);
    const consumer = await jsm.consumers.info('EVENTS', 'indexer');
    expect(consumer.num_redelivered + consumer.delivered.consumer_seq).toBeGreaterThan(0);
  });

  it('dead-letters a poison message with its reason while the lines behind it still flow', async () => {
    const js = jetstream(nc);
    await js.publish(`ingest.${org.org}`, new TextEncoder().encode('{"this is": not json'), { msgID: `poison-${Date.now()}` });
    const marker = `afterpoison${Date.now()}`;
    expect((await ingest([{ line: `${marker} still flows`, app: 'poison' }])).status).toBe(200);
    await searchUntil(marker, 1);
    const dead = await eventually(async () => (await jsm.streams.getMessage('DLQ', { last_by_subj: `dlq.route.${org.org}` })) ?? undefined, 15000);
    expect(new TextDecoder().decode(dead.data)).toBe('{"this is": not json');
    expect(dead.header.get('Millrace-Dlq-Reason')).toMatch(/not UTF-8 JSON/);
    expect(dead.header.get('Millrace-Original-Subject')).toBe(`ingest.${org.org}`);
  });

  it('answers 503 with Retry-After while NATS is down, and every line answered 2xx is searchable after', async () => {
    const marker = `outage${Date.now()}`;
    expect((await ingest([{ line: `${marker} before 0`, app: 'outage' }])).status).toBe(200);
    stackServer('stop-one', 'nats');
    try {
      const during = await eventually(async () => {
        const reply = await ingest([{ line: `${marker} during`, app: 'outage' }]);
        return reply.status === 503 ? reply : undefined;
      }, 15000);
      expect(during.status).toBe(503);
      expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
      // Never a 2xx while the broker is away.
      for (let i = 0; i < 3; i++) expect((await ingest([{ line: `${marker} during ${i}`, app: 'outage' }])).status).toBe(503);
    } finally {
      stackServer('start-one', 'nats');
    }
    const after = await eventually(async () => {
      const reply = await ingest([{ line: `${marker} after 1`, app: 'outage' }]);
      return reply.status === 200 ? reply : undefined;
    }, 30000);
    expect(after.status).toBe(200);
    const events = await searchUntil(`${marker} AND app:outage`, 2, 30000);
    const messages = events.map((e) => e.message).sort();
    expect(messages).toEqual([`${marker} after 1`, `${marker} before 0`]);
  });
});
