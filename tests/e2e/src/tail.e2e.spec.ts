// Live tail end to end: SSE and WebSocket tails on the real pipeline (gateway → router → parser →
// EVENTS → query-api), backlog, resume with Last-Event-ID, slow and stalled clients, limits,
// and tenant isolation.
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { request, eventually } from './support/http';
import { startPlatform, uniqueOrg, type Platform } from './support/platform';

interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A minimal SSE client on node:http that records every event and can stop reading. */
class SseTail {
  readonly events: SseEvent[] = [];
  status = 0;
  ended = false;
  private buffer = '';
  private res?: http.IncomingMessage;
  private req: http.ClientRequest;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string>) {
    this.req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
    this.opened = new Promise((resolve, reject) => {
      this.req.on('response', (res) => {
        this.res = res;
        this.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.feed(chunk));
        res.on('end', () => (this.ended = true));
        res.on('close', () => (this.ended = true));
        resolve();
      });
      this.req.on('error', reject);
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const e: SseEvent = { event: 'message', data: '' };
      let any = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') e.id = value;
        else if (field === 'event') e.event = value;
        else if (field === 'data') e.data += value;
        else continue;
        any = true;
      }
      if (any && (e.data || e.event !== 'message')) this.events.push(e);
    }
  }

  /** Lines received; `id` is the SSE id (stream position), `eventId` the event's own id. */
  lines(): Array<{ id: string; eventId: string; message: string; app: string; level?: string }> {
    return this.events.filter((e) => e.event === 'message').map((e) => {
      const event = JSON.parse(e.data);
      return { ...event, eventId: event.id, id: e.id! };
    });
  }

  async waitFor<T>(check: (t: SseTail) => T | undefined | false, timeoutMs = 15000): Promise<T> {
    return eventually(async () => check(this) || undefined, timeoutMs, 20);
  }

  ready(): Promise<SseEvent> {
    return this.waitFor((t) => t.events.find((e) => e.event === 'ready'));
  }

  pause(): void {
    this.res?.pause();
  }

  resume(): void {
    this.res?.resume();
  }

  close(): void {
    this.req.destroy();
  }
}

let platform: Platform;
let org: { org: string; ingestKey: string; readKey: string };
let other: { org: string; ingestKey: string; readKey: string };
const open: SseTail[] = [];

function tail(q: string, params: Record<string, string> = {}, key = org.readKey, headers: Record<string, string> = {}): SseTail {
  const search = new URLSearchParams({ q, ...params });
  const t = new SseTail(`${platform.urls.query}/v1/tail?${search}`, { authorization: `Bearer ${key}`, ...headers });
  open.push(t);
  return t;
}

async function ingest(lines: object[], key = org.ingestKey): Promise<void> {
  const reply = await request('POST', `${platform.urls.ingest}/logs/ingest?hostname=tail-host`, { key, body: { lines } });
  if (reply.status !== 200) throw new Error(`ingest answered ${reply.status}: ${JSON.stringify(reply.body)}`);
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${platform.urls.query}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

beforeAll(async () => {
  platform = await startPlatform();
  // Short stall timeout and small buffers so slow and stalled clients show within the test.
  await platform.stop('query-api');
  await platform.start('query-api', { TAIL_STALL_TIMEOUT_MS: '20000', TAIL_BUFFER_LINES: '200', TAIL_MAX_PER_TENANT: '6' });
  org = platform.createOrg(uniqueOrg('tail'));
  other = platform.createOrg(uniqueOrg('tailother'));
});

afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

afterAll(async () => {
  await platform?.shutdown();
});

describe('live tail (SSE)', () => {
  it('sees new lines within a second, only those matching its query', async () => {
    const marker = `live${Date.now()}`;
    const t = tail(`${marker} app:checkout level:error`, { backlog: '0' });
    await t.opened;
    expect(t.status).toBe(200);
    await t.ready();
    const sentAt = Date.now();
    await ingest([
      { line: `${marker} payment failed`, app: 'checkout', level: 'error' },
      { line: `${marker} payment ok`, app: 'checkout', level: 'info' },
      { line: `${marker} other app`, app: 'search', level: 'error' },
      { line: JSON.stringify({ message: `${marker} json failure`, level: 'error', order: 42 }), app: 'checkout' },
    ]);
    const lines = await t.waitFor((x) => (x.lines().length >= 2 ? x.lines() : undefined), 5000);
    const latency = Date.now() - sentAt;
    expect(latency).toBeLessThan(1000);
    expect(lines.map((l) => l.message).sort()).toEqual([`${marker} json failure`, `${marker} payment failed`]);
    // Nothing else turns up afterwards.
    await new Promise((r) => setTimeout(r, 500));
    expect(t.lines()).toHaveLength(2);
    expect(t.lines()[0].id).toMatch(/^\d+-\d+$/);
  });

  it('starts with a backlog of the last N matching lines, oldest first, then goes live', async () => {
    const marker = `backlog${Date.now()}`;
    await ingest(Array.from({ length: 30 }, (_, i) => ({ line: `${marker} n=${i}`, app: i % 2 ? 'odd' : 'even' })));
    // Wait until the lines are on EVENTS (a tail without backlog sees them arrive).
    const probe = tail(marker, { backlog: '1000' });
    await probe.waitFor((x) => x.lines().length === 30);
    const t = tail(`${marker} app:even`, { backlog: '5' });
    const ready = await t.ready();
    expect(JSON.parse(ready.data)).toEqual({ backlog: 5, resumed: false });
    expect(t.lines().map((l) => l.message)).toEqual([20, 22, 24, 26, 28].map((i) => `${marker} n=${i}`));
    await ingest([{ line: `${marker} n=live`, app: 'even' }]);
    await t.waitFor((x) => x.lines().length === 6);
    expect(t.lines()[5].message).toBe(`${marker} n=live`);
    // The default backlog is 100 lines; a backlog above the maximum is refused.
    const all = tail(marker);
    await all.ready();
    expect(all.lines()).toHaveLength(31);
    const tooMany = await request('GET', `${platform.urls.query}/v1/tail?backlog=5000`, { key: org.readKey });
    expect(tooMany.status).toBe(400);
  });

  it('resumes after a reconnect from Last-Event-ID without gaps or repeats', async () => {
    const marker = `resume${Date.now()}`;
    const first = tail(marker, { backlog: '0' });
    await first.ready();
    await ingest(Array.from({ length: 10 }, (_, i) => ({ line: `${marker} ${i}`, app: 'resume' })));
    await first.waitFor((x) => x.lines().length === 10);
    // The client saw 4 lines of the 10 before its connection dropped.
    const lastSeen = first.lines()[3].id;
    first.close();
    await ingest(Array.from({ length: 5 }, (_, i) => ({ line: `${marker} ${10 + i}`, app: 'resume' })));
    const again = tail(marker, {}, org.readKey, { 'last-event-id': lastSeen });
    const ready = await again.ready();
    expect(JSON.parse(ready.data)).toMatchObject({ resumed: true });
    await again.waitFor((x) => x.lines().length === 11);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.lines().map((l) => l.message)).toEqual(Array.from({ length: 11 }, (_, i) => `${marker} ${4 + i}`));
    // The same through the query parameter (clients that cannot set the header).
    const viaParam = tail(marker, { lastEventId: again.lines()[9].id });
    await viaParam.waitFor((x) => x.lines().length === 1);
    expect(viaParam.lines()[0].message).toBe(`${marker} 14`);
  });

  it('tells a slow client how many lines it missed, cuts off a stalled one, and keeps the others whole', async () => {
    const marker = `slow${Date.now()}`;
    const TOTAL = 2500;
    const healthy = tail(marker, { backlog: '0' });
    const slow = tail(marker, { backlog: '0' });
    await Promise.all([healthy.ready(), slow.ready()]);
    // The stalled client: a raw socket that sends the request and never reads a byte.
    const stalled = net.connect(Number(new URL(platform.urls.query).port), '127.0.0.1');
    await new Promise((r) => stalled.once('connect', r));
    stalled.pause();
    stalled.write(`GET /v1/tail?q=${marker}&backlog=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${org.readKey}\r\n\r\n`);
    let stalledClosed = false;
    stalled.on('close', () => (stalledClosed = true));
    stalled.on('error', () => (stalledClosed = true));
    const stalledBefore = await metric('millrace_tail_ends_total', 'reason="stalled"');
    // The slow client stops reading while ~20 MiB of lines flow (less time than the stall
    // timeout): far more than the socket buffers and its 200-line buffer hold.
    slow.pause();
    const big = 'x'.repeat(8000);
    for (let r = 0; r < 5; r++) await ingest(Array.from({ length: 500 }, (_, i) => ({ line: `${marker} ${r * 500 + i} ${big}`, app: 'slow' })));
    await healthy.waitFor((x) => x.lines().length === TOTAL, 60000);
    expect(new Set(healthy.lines().map((l) => l.id)).size).toBe(TOTAL);
    expect(healthy.events.some((e) => e.event === 'dropped')).toBe(false);
    slow.resume();
    // It is told what it missed, at the place it missed it, and everything adds up.
    const missedTotal = (x: SseTail) => x.events.filter((e) => e.event === 'dropped').reduce((sum, e) => sum + (JSON.parse(e.data).count as number), 0);
    await slow.waitFor((x) => x.lines().length + missedTotal(x) === TOTAL, 30000);
    expect(missedTotal(slow)).toBeGreaterThan(0);
    const seqs = slow.lines().map((l) => Number(l.message.split(' ')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(slow.ended).toBe(false);
    // The stalled one is cut off by the server.
    await eventually(async () => ((await metric('millrace_tail_ends_total', 'reason="stalled"')) > stalledBefore ? true : undefined), 45000);
    stalled.resume();
    await eventually(async () => (stalledClosed ? true : undefined), 20000);
    stalled.destroy();
  });

  it('limits concurrent tails per organisation (429) and authenticates like every route', async () => {
    await new Promise((r) => setTimeout(r, 500)); // the previous tests' tails are released
    const tails = Array.from({ length: 6 }, () => tail('*', { backlog: '0' }));
    await Promise.all(tails.map((t) => t.ready()));
    const refused = await request('GET', `${platform.urls.query}/v1/tail?backlog=0`, { key: org.readKey });
    expect(refused.status).toBe(429);
    // Another organisation is not affected by this one's tails.
    const otherTail = tail('*', { backlog: '0' }, other.readKey);
    await otherTail.ready();
    for (const t of tails) t.close();
    await eventually(async () => {
      const t = tail('*', { backlog: '0' });
      await t.opened;
      return t.status === 200 ? t : (t.close(), undefined);
    }, 10000);
    expect((await request('GET', `${platform.urls.query}/v1/tail`)).status).toBe(401);
    expect((await request('GET', `${platform.urls.query}/v1/tail`, { key: org.ingestKey })).status).toBe(403);
    expect((await request('GET', `${platform.urls.query}/v1/tail?q=app:(`, { key: org.readKey })).status).toBe(400);
    // EventSource cannot set headers: the key may come as ?token=.
    const viaToken = new SseTail(`${platform.urls.query}/v1/tail?backlog=0&token=${org.readKey}`, {});
    open.push(viaToken);
    await viaToken.ready();
  });

  it('never shows one organisation another one’s lines', async () => {
    const marker = `iso${Date.now()}`;
    const mine = tail(marker, { backlog: '100' });
    const theirs = tail(marker, { backlog: '100' }, other.readKey);
    await Promise.all([mine.ready(), theirs.ready()]);
    await ingest([{ line: `${marker} from other`, app: 'iso' }], other.ingestKey);
    await ingest([{ line: `${marker} from mine`, app: 'iso' }]);
    await mine.waitFor((x) => x.lines().length === 1);
    await theirs.waitFor((x) => x.lines().length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(mine.lines().map((l) => l.message)).toEqual([`${marker} from mine`]);
    expect(theirs.lines().map((l) => l.message)).toEqual([`${marker} from other`]);
    // A resume id names a stream position, not a tenant: it never opens another tenant's lines.
    const forged = tail(marker, { lastEventId: mine.lines()[0].id.replace(/-\d+$/, '-0').replace(/^(\d+)/, (s) => String(Number(s) - 5)) }, other.readKey);
    await forged.ready();
    await new Promise((r) => setTimeout(r, 500));
    expect(forged.lines().every((l) => l.message !== `${marker} from mine`)).toBe(true);
  });
});

describe('live tail (WebSocket)', () => {
  function connect(q: string, params: Record<string, string>): Promise<{ ws: WebSocket; messages: Array<Record<string, unknown>> }> {
    const url = `${platform.urls.query.replace('http', 'ws')}/v1/tail/ws?${new URLSearchParams({ q, ...params })}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const messages: Array<Record<string, unknown>> = [];
      ws.on('message', (data) => messages.push(JSON.parse(String(data))));
      ws.once('open', () => resolve({ ws, messages }));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  it('streams matching lines as JSON messages, with the key as ?token=', async () => {
    const marker = `ws${Date.now()}`;
    const { ws, messages } = await connect(`${marker} level:warn`, { token: org.readKey, backlog: '0' });
    try {
      await eventually(async () => (messages.some((m) => m.type === 'ready') ? true : undefined), 10000, 20);
      await ingest([{ line: `${marker} careful`, level: 'warn', app: 'ws' }, { line: `${marker} fine`, level: 'info', app: 'ws' }]);
      const line = await eventually(async () => messages.find((m) => m.type === 'line'), 5000, 20);
      expect((line.event as { message: string }).message).toBe(`${marker} careful`);
      expect(line.id).toMatch(/^\d+-\d+$/);
      await new Promise((r) => setTimeout(r, 300));
      expect(messages.filter((m) => m.type === 'line')).toHaveLength(1);
    } finally {
      ws.close();
    }
    await expect(connect('*', { token: 'mlr_sk_' + 'x'.repeat(43) })).rejects.toThrow('HTTP 401');
    await expect(connect('*', { token: org.ingestKey })).rejects.toThrow('HTTP 403');
    await expect(connect('app:(', { token: org.readKey })).rejects.toThrow('HTTP 400');
  });
});
