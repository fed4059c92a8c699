import { HttpStub, json, setup, URLS } from '../../testing/harness';

const env = { ...URLS, MILLRACE_INGEST_KEY: 'mlr_ik_test' };
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}\n`).join('');
const ok = (r: { body?: unknown }) => json({ status: 'ok', lines: (r.body as { lines: unknown[] }).lines.length, batches: 1 });
const unreachable = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

describe('millrace ingest', () => {
  it('sends stdin in batches with app, level, host and tags, each batch with its own Idempotency-Key', async () => {
    const http = new HttpStub().on('POST', '/logs/ingest', ok);
    const t = setup({ http, env, stdin: [lines(1500).slice(0, 5000), lines(1500).slice(5000) + 'last line without newline'] });
    expect(await t.run('ingest', '--app', 'web', '--level', 'warn', '--host', 'h1', '--tags', 'a, b', '--batch-lines', '1000')).toBe(0);
    const sent = http.requests.flatMap((r) => (r.body as { lines: Array<{ line: string; app: string; level: string }> }).lines);
    expect(sent.map((l) => l.line)).toEqual([...lines(1500).trim().split('\n'), 'last line without newline']);
    expect(sent.every((l) => l.app === 'web' && l.level === 'warn')).toBe(true);
    expect(http.requests.map((r) => (r.body as { lines: unknown[] }).lines.length)).toEqual([1000, 501]);
    expect(http.requests[0].url.searchParams.get('hostname')).toBe('h1');
    expect(http.requests[0].url.searchParams.get('tags')).toBe('a,b');
    expect(http.requests[0].headers.get('authorization')).toBe('Bearer mlr_ik_test');
    const keys = http.requests.map((r) => r.headers.get('idempotency-key'));
    expect(new Set(keys).size).toBe(2);
  });

  it('retries a batch with the same Idempotency-Key through 503s and a lost connection, honouring Retry-After', async () => {
    const sleeps: number[] = [];
    const http = new HttpStub();
    let calls = 0;
    http.on('POST', '/logs/ingest', (r) => {
      calls++;
      if (calls === 1) return json({ error: { status: 503, message: 'the log broker cannot store data right now' } }, 503, { 'retry-after': '3' });
      if (calls === 2) throw unreachable;
      if (calls === 3) return json({ error: { status: 429, code: 'rate_limited', message: 'over the rate limit' } }, 429, { 'retry-after': '2' });
      return ok(r);
    });
    const t = setup({ http, env, stdin: lines(10), sleeps });
    expect(await t.run('ingest')).toBe(0);
    expect(new Set(http.requests.map((r) => r.headers.get('idempotency-key'))).size).toBe(1);
    expect(sleeps).toEqual([3000, 500, 2000]);
    expect(t.stderr.text).toContain('stored 10 lines after 4 tries');
  });

  it('exits with 1 when lines could not be stored, and says how many', async () => {
    const http = new HttpStub().on('POST', '/logs/ingest', json({ error: { status: 400, message: 'lines[0]: "line" must be a string' } }, 400));
    const t = setup({ http, env, stdin: lines(3) });
    expect(await t.run('ingest')).toBe(1);
    expect(t.stderr.text).toContain('3 of 3 lines could not be stored (0 were)');
  });

  it('gives up on a batch that might be stored once the broker would no longer recognise it', async () => {
    let clock = 0;
    const http = new HttpStub().on('POST', '/logs/ingest', () => json({ error: { status: 503, message: 'broker timed out' } }, 503));
    const t = setup({ http, env, stdin: lines(2), now: () => clock, sleeps: [] });
    t.factory.sleep = async (ms: number) => void (clock += ms);
    expect(await t.run('ingest')).toBe(1);
    expect(clock).toBeLessThanOrEqual(110_000);
    expect(t.stderr.text).toContain('may not have been stored');
  });

  it('a refused key stops at once with exit 3', async () => {
    const http = new HttpStub().on('POST', '/logs/ingest', json({ error: { status: 403, message: 'this route takes ingestion keys only' } }, 403));
    const t = setup({ http, env, stdin: lines(5) });
    expect(await t.run('ingest')).toBe(3);
    expect(t.stderr.text).toContain('the ingest gateway refused the key');
  });

  it('without an ingestion key says where to put one (exit 3)', async () => {
    const t = setup({ env: URLS, stdin: lines(1) });
    expect(await t.run('ingest')).toBe(3);
    expect(t.stderr.text).toContain('ingestion needs an ingestion key');
  });
});
