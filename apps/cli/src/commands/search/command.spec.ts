import { HttpStub, json, setup, URLS } from '../../testing/harness';

const env = { ...URLS, MILLRACE_KEY: 'mlr_sk_test' };
const event = (n: number, level = 'info') => ({ id: `B-${n}`, ts: Date.UTC(2025, 0, 5, 10, 0, n), app: 'api', host: 'web-1', level, message: `line ${n}`, tags: [], fields: {} });

describe('millrace search', () => {
  it('prints events as lines, with the filters compiled into the query', async () => {
    const http = new HttpStub().on('GET', '/v1/search', json({ events: [event(1, 'error')] }));
    const t = setup({ http, env });
    expect(await t.run('search', 'timeout OR reset', '-a', 'api', '-a', 'web-*', '-l', 'error', '--from', '-1h')).toBe(0);
    const params = http.requests[0].url.searchParams;
    expect(params.get('q')).toBe('(timeout OR reset) AND (app:api OR app:web-*) AND level:error');
    expect(params.get('from')).toBe('-1h');
    expect(params.get('limit')).toBe('100');
    expect(t.stdout.text).toBe('2025-01-05T10:00:01.000Z web-1 api ERROR line 1\n');
  });

  it('--json prints one event per line; --all follows the cursor to the end', async () => {
    const http = new HttpStub().on('GET', '/v1/search', (r) => {
      const cursor = r.url.searchParams.get('cursor');
      return json(cursor === null ? { events: [event(1), event(2)], nextCursor: 'c1' } : cursor === 'c1' ? { events: [event(3)], nextCursor: 'c2' } : { events: [] });
    });
    const t = setup({ http, env });
    expect(await t.run('search', '--all', '--json')).toBe(0);
    expect(t.stdout.text.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['B-1', 'B-2', 'B-3']);
    expect(http.requests.map((r) => r.url.searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
    expect(http.requests[0].url.searchParams.get('limit')).toBe('1000');
  });

  it('-n stops after that many events, across pages', async () => {
    const http = new HttpStub()
      .on('GET', '/v1/search', json({ events: [event(1), event(2)], nextCursor: 'c1' }), json({ events: [event(3)] }));
    const t = setup({ http, env });
    expect(await t.run('search', '-n', '3')).toBe(0);
    expect(http.requests.map((r) => r.url.searchParams.get('limit'))).toEqual(['3', '1']);
  });

  it('colours levels on a terminal, never with NO_COLOR or into a pipe', async () => {
    for (const [tty, extra, coloured] of [[true, {}, true], [true, { NO_COLOR: '1' }, false], [false, {}, false]] as const) {
      const http = new HttpStub().on('GET', '/v1/search', json({ events: [event(1, 'error')] }));
      const t = setup({ http, env: { ...env, ...extra }, tty });
      await t.run('search');
      expect(t.stdout.text.includes('\x1b[31m')).toBe(coloured);
    }
  });

  it('a malformed query is a usage error (2) and nothing is sent', async () => {
    const t = setup({ env });
    expect(await t.run('search', 'status:>=')).toBe(2);
    expect(t.stderr.text).toContain('the query is not valid');
    expect(t.http.requests).toHaveLength(0);
  });

  it('a 429 exits with 1 and tells when to retry', async () => {
    const http = new HttpStub().on('GET', '/v1/search', json({ error: { status: 429, code: 'rate_limited', message: 'slow down' } }, 429, { 'retry-after': '7' }));
    const t = setup({ http, env });
    expect(await t.run('search')).toBe(1);
    expect(t.stderr.text).toContain('the query API answered 429 (too many requests): slow down; try again in 7 s.');
  });

  it('a refused key exits with 3', async () => {
    const http = new HttpStub().on('GET', '/v1/search', json({ error: { status: 401, code: 'unauthorized', message: 'unknown key' } }, 401));
    const t = setup({ http, env });
    expect(await t.run('search')).toBe(3);
  });
});
