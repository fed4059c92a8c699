import { HttpStub, json, setup, URLS } from '../../testing/harness';

const env = { ...URLS, MILLRACE_KEY: 'mlr_sk_test' };
const event = (n: number, level = 'info') => JSON.stringify({ id: `B-${n}`, ts: Date.UTC(2025, 0, 5, 10, 0, n), app: 'api', host: 'web-1', level, message: `line ${n}`, tags: [] });

/** An SSE body sent in awkward pieces (frames split across chunks). */
function sse(frames: string[], { split = 7, end = true } = {}): Response {
  const text = `retry: 2000\n\n${frames.join('')}`;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < text.length; i += split) controller.enqueue(new TextEncoder().encode(text.slice(i, i + split)));
      if (end) controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('millrace tail', () => {
  it('prints lines, reconnects after a break with Last-Event-ID, and reports drops on stderr', async () => {
    const stop = new AbortController();
    const sleeps: number[] = [];
    const http = new HttpStub().on('GET', '/v1/tail',
      sse([
        `event: ready\ndata: {"backlog":1,"resumed":false}\n\n`,
        `id: 10-0\ndata: ${event(1)}\n\n`,
        `event: dropped\ndata: {"count":3}\n\n`,
        `id: 10-1\ndata: ${event(2, 'error')}\n\n`,
      ]),
      () => {
        setTimeout(() => stop.abort(), 20);
        return sse([`event: ready\ndata: {"backlog":0,"resumed":true}\n\n`, `id: 11-0\ndata: ${event(3)}\n\n`], { end: false });
      });
    const t = setup({ http, env, signal: stop.signal, sleeps });
    expect(await t.run('tail', '-l', 'error', '-l', 'warn', '-b', '5')).toBe(0);
    expect(t.stdout.text.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ /, ''))).toEqual(['web-1 api INFO  line 1', 'web-1 api ERROR line 2', 'web-1 api INFO  line 3']);
    const [first, second] = http.requests;
    expect(first.url.searchParams.get('q')).toBe('level:error OR level:warn');
    expect(first.url.searchParams.get('backlog')).toBe('5');
    expect(first.headers.get('last-event-id')).toBeNull();
    expect(second.headers.get('last-event-id')).toBe('10-1');
    expect(second.url.searchParams.get('backlog')).toBeNull();
    expect(t.stderr.text).toContain('3 lines dropped here');
    expect(t.stderr.text).toContain('connection lost');
    expect(t.stderr.text).toContain('reconnected: no line was missed');
    expect(sleeps).toEqual([2000]);
  });

  it('--json prints the events as NDJSON', async () => {
    const stop = new AbortController();
    const http = new HttpStub().on('GET', '/v1/tail', () => {
      setTimeout(() => stop.abort(), 20);
      return sse([`event: ready\ndata: {}\n\n`, `id: 1-0\ndata: ${event(1)}\n\n`], { end: false });
    });
    const t = setup({ http, env, signal: stop.signal });
    expect(await t.run('tail', '--json')).toBe(0);
    expect(JSON.parse(t.stdout.text).message).toBe('line 1');
  });

  it('a tail the server could not start exits with 1 and its reason', async () => {
    const http = new HttpStub().on('GET', '/v1/tail', sse([`event: error\ndata: {"message":"the tail could not start: NATS is away"}\n\n`]));
    const t = setup({ http, env });
    expect(await t.run('tail')).toBe(1);
    expect(t.stderr.text).toBe('error: the tail could not start: NATS is away\n');
  });

  it('a tail that cannot start says why: refused key (3), too many tails (1), unreachable (1)', async () => {
    const refused = setup({ http: new HttpStub().on('GET', '/v1/tail', json({ error: { status: 401, message: 'unknown key' } }, 401)), env });
    expect(await refused.run('tail')).toBe(3);
    const busy = setup({ http: new HttpStub().on('GET', '/v1/tail', json({ error: { status: 429, message: 'too many live tails for this organisation (10)' } }, 429, { 'retry-after': '5' })), env });
    expect(await busy.run('tail')).toBe(1);
    expect(busy.stderr.text).toContain('too many live tails');
    const down = setup({ http: Object.assign(new HttpStub(), { fetch: (async () => { throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }); }) as typeof fetch }), env });
    expect(await down.run('tail')).toBe(1);
    expect(down.stderr.text).toContain('cannot reach the query API at http://query.test');
  });
});
