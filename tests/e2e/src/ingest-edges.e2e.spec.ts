// The edges of "2xx means stored": limits (413, truncation counted), the tenant's rate limit
// (429, with its setting changed through the auth API), the daily quota (429 quota_exceeded,
// the broker-router's broadcast simulated on NATS), Idempotency-Key retries, and NATS stopped in
// the middle of a large request.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { USAGE_SUBJECTS, type LogEvent, type QuotaState } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { gatewayMetric, setOrgSettings } from './support/org-admin';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';
import { stackEnv, stackServer } from './support/stack';

let platform: Platform;
let org: { org: string; ingestKey: string; readKey: string };
let nc: NatsConnection;

async function searchAll(q: string, readKey = org.readKey): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let cursor: string | undefined;
  do {
    const reply = await request<{ events: LogEvent[]; nextCursor?: string }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=10000&from=-1h${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: readKey });
    if (reply.status !== 200) throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    events.push(...reply.body.events);
    cursor = reply.body.events.length > 0 ? reply.body.nextCursor : undefined;
  } while (cursor);
  return events;
}

async function found(q: string, count: number, timeoutMs = 30000): Promise<LogEvent[]> {
  return eventually(async () => {
    const events = await searchAll(q);
    return events.length >= count ? events : undefined;
  }, timeoutMs, 500);
}

function ingest(lines: object[], options: { key?: string; headers?: Record<string, string> } = {}) {
  return request<{ status: string; lines: number; batches: number; duplicates?: number; truncated?: number; error?: { code: string; message: string } }>(
    'POST', `${platform.urls.ingest}/logs/ingest?hostname=edge-host`, { key: options.key ?? org.ingestKey, body: { lines }, headers: options.headers },
  );
}

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('edges'));
  nc = await connect({ servers: stackEnv().NATS_URL, name: 'e2e-edges', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
});

afterAll(async () => {
  await nc?.close().catch(() => undefined);
  await platform?.shutdown();
});

describe('limits', () => {
  it('413 for a body over the limit and for too many lines; a long line is stored truncated and counted in /metrics', async () => {
    const big = await request('POST', `${platform.urls.ingest}/logs/ingest`, { key: org.ingestKey, body: Buffer.alloc(11 * 1024 * 1024, 0x20), headers: { 'content-type': 'application/json' } });
    expect(big.status).toBe(413);
    const many = await request<{ error: { message: string } }>('POST', `${platform.urls.ingest}/v1/ingest`, { key: org.ingestKey, body: 'l\n'.repeat(50_001), headers: { 'content-type': 'text/plain' } });
    expect(many.status).toBe(413);
    expect(many.body.error.message).toMatch(/too many lines/);

    const marker = `trunc${Date.now()}`;
    const before = await gatewayMetric(platform.urls.ingest, 'millrace_ingest_truncated_lines_total', { protocol: 'http-json' });
    const reply = await ingest([{ line: `${marker} ${'z'.repeat(40 * 1024)}`, app: 'limits' }]);
    expect(reply.status).toBe(200);
    expect(reply.body.truncated).toBe(1);
    expect(await gatewayMetric(platform.urls.ingest, 'millrace_ingest_truncated_lines_total', { protocol: 'http-json' })).toBe(before + 1);
    expect(await gatewayMetric(platform.urls.ingest, 'millrace_ingest_refusals_total', { protocol: 'http-json', reason: 'body_too_large' })).toBeGreaterThanOrEqual(1);
    expect(await gatewayMetric(platform.urls.ingest, 'millrace_ingest_refusals_total', { protocol: 'http-text', reason: 'too_many_lines' })).toBeGreaterThanOrEqual(1);
    const [event] = await found(marker, 1);
    expect(event.message.endsWith('…[truncated]')).toBe(true);
    expect(Buffer.byteLength(event.message)).toBeLessThanOrEqual(32 * 1024);
  });
});

describe('tenant limits', () => {
  it('answers 429 with Retry-After when the organisation is over its ingest rate limit', async () => {
    const limited = platform.createOrg(uniqueOrg('ratelimit'));
    await setOrgSettings(platform.urls.auth, limited.org, { ingestRateLimit: 50 });
    const first = await ingest(Array.from({ length: 200 }, (_, i) => ({ line: `burst ${i}` })), { key: limited.ingestKey });
    expect(first.status).toBe(200);
    const second = await ingest([{ line: 'one more' }], { key: limited.ingestKey });
    expect(second.status).toBe(429);
    expect(second.body.error?.code).toBe('rate_limited');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another organisation is not affected.
    expect((await ingest([{ line: 'unlimited' }])).status).toBe(200);
  });

  it('answers 429 quota_exceeded until the reset once the daily quota is used up, and takes lines again after', async () => {
    const quota = platform.createOrg(uniqueOrg('quota'));
    expect((await ingest([{ line: 'before the quota' }], { key: quota.ingestKey })).status).toBe(200);
    const resetAt = Date.now() + 2 * 3600_000;
    const state: QuotaState = { tenant: quota.org, exceeded: true, usedBytes: 5000, limitBytes: 4096, resetAt };
    nc.publish(USAGE_SUBJECTS.quotaState, new TextEncoder().encode(JSON.stringify(state)));
    await nc.flush();
    const refused = await eventually(async () => {
      const r = await ingest([{ line: 'over quota' }], { key: quota.ingestKey });
      return r.status === 429 ? r : undefined;
    }, 5000, 50);
    expect(refused.body.error?.code).toBe('quota_exceeded');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(2 * 3600 - 15);
    nc.publish(USAGE_SUBJECTS.quotaState, new TextEncoder().encode(JSON.stringify({ ...state, exceeded: false, usedBytes: 0, resetAt: resetAt + 86_400_000 })));
    await nc.flush();
    await eventually(async () => ((await ingest([{ line: 'quota reset' }], { key: quota.ingestKey })).status === 200 ? true : undefined), 5000, 50);
  });
});

describe('Idempotency-Key', () => {
  it('a retried request is stored once', async () => {
    const marker = `idem${Date.now()}`;
    const lines = Array.from({ length: 1500 }, (_, i) => ({ line: `${marker} n${i}`, app: 'idem' }));
    const headers = { 'idempotency-key': `k-${marker}` };
    expect((await ingest(lines, { headers })).status).toBe(200);
    const again = await ingest(lines, { headers });
    expect(again.status).toBe(200);
    expect(again.body.duplicates).toBe(2);
    const events = await found(marker, 1500);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await searchAll(marker)).toHaveLength(1500);
    expect(new Set(events.map((e) => e.message)).size).toBe(1500);
  });
});

describe('a broker outage in the middle of a large request', () => {
  it('never answers 2xx unless everything was stored; the retry with the same Idempotency-Key stores every line exactly once', async () => {
    // One batch at a time and a large body, so NATS can be stopped while the request is half published.
    await platform.stop('ingest-gateway');
    await platform.start('ingest-gateway', { PUBLISH_CONCURRENCY: '1', MAX_BODY_BYTES: String(64 * 1024 * 1024), PUBLISH_TIMEOUT_MS: '2000' });
    const marker = `outage${Date.now()}`;
    const count = 20_000;
    const pad = 'p'.repeat(1500);
    const lines = Array.from({ length: count }, (_, i) => ({ line: `${marker} seq${i} ${pad}`, app: 'outage' }));
    const headers = { 'idempotency-key': `outage-${marker}` };
    let stopped = false;
    const sub = nc.subscribe(`ingest.${org.org}`, {
      callback: () => {
        if (stopped) return;
        stopped = true;
        stackServer('stop-one', 'nats');
      },
    });
    let first;
    try {
      first = await ingest(lines, { headers });
    } finally {
      sub.unsubscribe();
      if (!stopped) stackServer('stop-one', 'nats');
      stackServer('start-one', 'nats');
    }
    expect(stopped).toBe(true);
    // Part of it was stored when the broker went away: the answer says so, and is not a 2xx.
    expect(first.status).toBe(503);
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    const retried = await eventually(async () => {
      const r = await ingest(lines, { headers });
      return r.status === 200 ? r : undefined;
    }, 60000, 1000);
    expect(retried.body.lines).toBe(count);
    expect(retried.body.duplicates).toBeGreaterThan(0);
    const events = await found(`${marker} AND app:outage`, count, 180_000);
    await new Promise((r) => setTimeout(r, 3000));
    const again = await searchAll(`${marker} AND app:outage`);
    expect(again).toHaveLength(count);
    const seqs = new Set(again.map((e) => e.message.split(' ')[1]));
    expect(seqs.size).toBe(count);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });
});
