// Disk full and back-pressure (issue 19 item 6). The INGEST stream at its byte limit refuses new
// batches (discard: new), so the gateway answers 503 with Retry-After and never drops what it
// acknowledged; a retry with the same Idempotency-Key once there is room stores each line once.
// OpenSearch at its flood-stage watermark makes indices read-only (read_only_allow_delete):
// the indexer holds its batches and resumes by itself when the block is lifted, losing nothing.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';
import { stackEnv } from './support/stack';

let platform: Platform;
let org: OrgKeys;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('disk'));
  nc = await connect({ servers: stackEnv().NATS_URL, name: 'e2e-disk-full' });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.drain().catch(() => undefined);
  await platform?.shutdown();
});

const lines = (marker: string, n: number) => Array.from({ length: n }, (_, i) => ({ line: `${marker} line ${i} ${'x'.repeat(200)}`, app: 'disk' }));

async function searchAll(marker: string): Promise<LogEvent[]> {
  const reply = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${marker}&limit=10000&from=-1h`, { key: org.readKey });
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}`);
  return reply.body.events;
}

async function openSearch(method: string, pathAndQuery: string, body?: unknown): Promise<unknown> {
  const reply = await request(method, `${stackEnv().OPENSEARCH_URL}${pathAndQuery}`, { body });
  if (reply.status >= 300) throw new Error(`OpenSearch ${method} ${pathAndQuery} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function expectOnce(marker: string, count: number, timeoutMs = 90_000): Promise<void> {
  const events = await eventually(async () => {
    const found = await searchAll(marker);
    return found.length >= count ? found : undefined;
  }, timeoutMs, 1000);
  expect(events).toHaveLength(count);
  expect(new Set(events.map((e) => e.message)).size).toBe(count);
}

describe('the INGEST stream at its byte limit', () => {
  it('answers 503 with Retry-After, keeps everything it acknowledged, and takes the retry once there is room', async () => {
    const marker = `full${Date.now().toString(36)}`;
    // The router stops draining INGEST, and the stream gets room for about 1 MiB more.
    await platform.stop('broker-router');
    const before = await jsm.streams.info('INGEST');
    const originalMaxBytes = before.config.max_bytes;
    const acked: string[] = [];
    const refused: Array<{ key: string; body: { lines: ReturnType<typeof lines> } }> = [];
    let retryAfter: string | null = null;
    try {
      await jsm.streams.update('INGEST', { ...before.config, max_bytes: before.state.bytes + 1024 * 1024 });
      // 2,500 lines a request: three batches, so a request may be stored in part.
      for (let r = 0; r < 12 && refused.length === 0; r++) {
        const body = { lines: lines(`${marker} r${r}`, 2500) };
        const key = `${marker}-${r}`;
        const reply = await request<{ error?: { message?: string } }>('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body, headers: { 'idempotency-key': key } });
        if (reply.status === 200) acked.push(`${marker} r${r}`);
        else {
          expect(reply.status).toBe(503);
          expect(reply.body.error?.message).toMatch(/buffer full/);
          retryAfter = reply.headers.get('retry-after');
          refused.push({ key, body });
        }
      }
      expect(acked.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await jsm.streams.update('INGEST', { ...(await jsm.streams.info('INGEST')).config, max_bytes: originalMaxBytes });
      await platform.start('broker-router');
    }
    // Room again: the shipper's retries (same keys) go through; each line ends up stored once.
    for (const { key, body } of refused) {
      const reply = await request<{ duplicates?: number }>('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body, headers: { 'idempotency-key': key } });
      expect(reply.status).toBe(200);
    }
    await expectOnce(marker, (acked.length + refused.length) * 2500, 120_000);
  }, 240_000);
});

describe("OpenSearch's flood-stage block (indices read-only, delete allowed)", () => {
  it('makes the indexer wait while the index is blocked and resume by itself when the block is lifted, losing nothing', async () => {
    const warm = `warm${Date.now().toString(36)}`;
    expect((await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: { lines: lines(warm, 1) } })).status).toBe(200);
    await expectOnce(warm, 1);
    const marker = `flood${Date.now().toString(36)}`;
    await openSearch('PUT', '/millrace-events-*/_settings', { 'index.blocks.read_only_allow_delete': true });
    try {
      for (let r = 0; r < 3; r++) expect((await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: { lines: lines(`${marker} r${r}`, 300) } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 6000));
      expect(await searchAll(marker)).toHaveLength(0);
    } finally {
      await openSearch('PUT', '/millrace-events-*/_settings', { 'index.blocks.read_only_allow_delete': null });
    }
    await expectOnce(marker, 900);
    expect(await jsm.streams.getMessage('DLQ', { last_by_subj: `dlq.index.${org.org}` })).toBeNull();
  }, 180_000);

  it('does the same when the disk watermarks themselves put the block on and take it off', async () => {
    const marker = `wmark${Date.now().toString(36)}`;
    // Watermarks as free bytes: above any disk's size (flood stage reached), then tiny (released).
    const watermarks = (flood: boolean) => ({
      transient: {
        'cluster.routing.allocation.disk.threshold_enabled': true,
        'cluster.routing.allocation.disk.watermark.low': flood ? '1000000tb' : '3b',
        'cluster.routing.allocation.disk.watermark.high': flood ? '999999tb' : '2b',
        'cluster.routing.allocation.disk.watermark.flood_stage': flood ? '999998tb' : '1b',
        'cluster.info.update.interval': '10s',
      },
    });
    const reset = { transient: Object.fromEntries(Object.keys(watermarks(false).transient).map((k) => [k, null])) };
    const blocked = async () => {
      const settings = (await openSearch('GET', '/millrace-events-*/_settings/index.blocks.read_only_allow_delete')) as Record<string, { settings?: { index?: { blocks?: { read_only_allow_delete?: string } } } }>;
      return Object.values(settings).some((s) => s.settings?.index?.blocks?.read_only_allow_delete === 'true');
    };
    try {
      await openSearch('PUT', '/_cluster/settings', watermarks(true));
      await eventually(async () => ((await blocked()) ? true : undefined), 60_000, 1000);
      for (let r = 0; r < 2; r++) expect((await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: { lines: lines(`${marker} r${r}`, 250) } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 4000));
      expect(await searchAll(marker)).toHaveLength(0);
      // The disk has room again: OpenSearch releases the block by itself; nobody touches the index.
      await openSearch('PUT', '/_cluster/settings', watermarks(false));
      await eventually(async () => ((await blocked()) ? undefined : true), 60_000, 1000);
    } finally {
      await openSearch('PUT', '/_cluster/settings', reset);
      if (await blocked()) await openSearch('PUT', '/millrace-events-*/_settings', { 'index.blocks.read_only_allow_delete': null });
    }
    await expectOnce(marker, 500, 120_000);
  }, 300_000);
});
