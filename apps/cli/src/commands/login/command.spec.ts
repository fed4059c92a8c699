import { statSync } from 'node:fs';
import { apiError, HttpStub, json, setup, URLS } from '../../testing/harness';

const session = (org: string, n = 1) => ({
  tokenType: 'Bearer', accessToken: `access-${org}-${n}`, expiresIn: 900, refreshToken: `mlr_rt_${org}_${n}`,
  refreshExpiresAt: '2030-01-01T00:00:00Z', org, role: 'owner', user: { id: 'u1', email: 'ada@example.com' },
});

describe('millrace login', () => {
  it('logs in with e-mail and password from stdin and saves a 0600 profile', async () => {
    const http = new HttpStub().on('POST', '/v1/sessions', json(session('acme')));
    const t = setup({ http, stdin: 'secret password\n' });
    expect(await t.run('login', 'https://logs.example.com/', '--email', 'ada@example.com', '--password-stdin')).toBe(0);
    expect(http.requests[0].url.href).toBe('https://logs.example.com/v1/sessions');
    expect(http.requests[0].body).toEqual({ email: 'ada@example.com', password: 'secret password' });
    const config = t.store.read();
    expect(config.current).toBe('acme');
    expect(config.profiles.acme).toMatchObject({ org: 'acme', user: 'ada@example.com', queryUrl: 'https://logs.example.com', session: { refreshToken: 'mlr_rt_acme_1' } });
    expect(statSync(t.store.file).mode & 0o777).toBe(0o600);
    expect(statSync(t.store.dir).mode & 0o777).toBe(0o700);
    expect(t.stderr.text).toContain('Logged in to acme as ada@example.com (owner)');
  });

  it('asks on the terminal when e-mail and password are not given', async () => {
    const http = new HttpStub().on('POST', '/v1/sessions', json(session('acme')));
    const asked: string[] = [];
    const t = setup({ http, prompter: { text: async (q) => (asked.push(q), 'ada@example.com'), secret: async (q) => (asked.push(q), 'pw') } });
    expect(await t.run('login', 'https://logs.example.com')).toBe(0);
    expect(asked).toEqual(['E-mail: ', 'Password: ']);
  });

  it('saves one profile per organisation when the user belongs to several', async () => {
    const http = new HttpStub().on('POST', '/v1/sessions', (r) => {
      const org = (r.body as { org?: string }).org;
      return org ? json(session(org)) : apiError(400, 'you belong to several organisations', { details: { orgs: ['acme', 'globex'] } });
    });
    const t = setup({ http, stdin: 'pw' });
    expect(await t.run('login', 'https://logs.example.com', '--email', 'ada@example.com', '--password-stdin')).toBe(0);
    expect(Object.keys(t.store.read().profiles)).toEqual(['acme', 'globex']);
    expect(t.stderr.text).toContain('Also saved: globex');
    expect(await t.run('switch', 'globex')).toBe(0);
    expect(t.store.read().current).toBe('globex');
  });

  it('a wrong password exits with 3 and says so', async () => {
    const http = new HttpStub().on('POST', '/v1/sessions', apiError(401, 'email or password is wrong'));
    const t = setup({ http, stdin: 'nope' });
    expect(await t.run('login', 'https://logs.example.com', '--email', 'ada@example.com', '--password-stdin')).toBe(3);
    expect(t.stderr.text).toContain('log-in refused: email or password is wrong');
    expect(t.store.read().profiles).toEqual({});
  });

  it('a locked account (429) exits with 1 and says when to try again', async () => {
    const http = new HttpStub().on('POST', '/v1/sessions', apiError(429, 'the account is locked after too many wrong passwords', {}, { 'retry-after': '900' }));
    const t = setup({ http, stdin: 'pw' });
    expect(await t.run('login', 'https://logs.example.com', '--email', 'ada@example.com', '--password-stdin')).toBe(1);
    expect(t.stderr.text).toContain('too many requests');
    expect(t.stderr.text).toContain('try again in 15 min');
  });

  it('logs in with a key, checked with /v1/me, URLs from the environment', async () => {
    const http = new HttpStub().on('GET', '/v1/me', (r) => json({ tenant: 'acme', kind: 'service', scopes: ['logs:read'], auth: r.headers.get('authorization') }));
    const t = setup({ http, env: URLS });
    expect(await t.run('login', '--key', 'mlr_sk_abc')).toBe(0);
    expect(http.requests[0].headers.get('authorization')).toBe('Bearer mlr_sk_abc');
    expect(t.store.read().profiles.acme).toMatchObject({ key: 'mlr_sk_abc', queryUrl: 'http://query.test', ingestUrl: 'http://ingest.test', authUrl: 'http://auth.test' });
  });

  it('a refused key exits with 3', async () => {
    const http = new HttpStub().on('GET', '/v1/me', apiError(401, 'unknown key'));
    const t = setup({ http, env: URLS });
    expect(await t.run('login', '--key', 'mlr_sk_bad')).toBe(3);
    expect(t.stderr.text).toContain('the key was refused');
  });

  it('an unreachable server exits with 1 and names it', async () => {
    const http = new HttpStub();
    const t = setup({ http: Object.assign(http, { fetch: (async () => { throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }); }) as typeof fetch }) });
    expect(await t.run('login', 'http://127.0.0.1:9', '--key', 'k')).toBe(1);
    expect(t.stderr.text).toContain('cannot reach the auth service at http://127.0.0.1:9 (connection refused');
  });

  it('without a URL is a usage error', async () => {
    const t = setup();
    expect(await t.run('login', '--key', 'k')).toBe(2);
    expect(t.stderr.text).toContain("give the server's address");
  });
});

describe('sessions', () => {
  it('refreshes an access token about to expire, once, and keeps the new refresh token', async () => {
    let now = 1_000_000;
    const http = new HttpStub()
      .on('POST', '/v1/sessions', json(session('acme', 1)))
      .on('POST', '/v1/sessions/refresh', json(session('acme', 2)))
      .on('GET', '/v1/search', json({ events: [] }));
    const t = setup({ http, stdin: 'pw', now: () => now });
    expect(await t.run('login', 'https://logs.example.com', '--email', 'a@b.c', '--password-stdin')).toBe(0);
    expect(await t.run('search')).toBe(0);
    expect(http.find('GET', '/v1/search')[0].headers.get('authorization')).toBe('Bearer access-acme-1');
    now += 899_000;
    expect(await t.run('search')).toBe(0);
    expect(await t.run('search')).toBe(0);
    expect(http.find('POST', '/v1/sessions/refresh').map((r) => r.body)).toEqual([{ refreshToken: 'mlr_rt_acme_1' }]);
    expect(http.find('GET', '/v1/search').map((r) => r.headers.get('authorization'))).toEqual(['Bearer access-acme-1', 'Bearer access-acme-2', 'Bearer access-acme-2']);
    expect(t.store.read().profiles.acme.session?.refreshToken).toBe('mlr_rt_acme_2');
  });

  it('an ended session asks to log in again (exit 3)', async () => {
    let now = 0;
    const http = new HttpStub()
      .on('POST', '/v1/sessions', json(session('acme')))
      .on('POST', '/v1/sessions/refresh', apiError(401, 'the refresh token was already used'));
    const t = setup({ http, stdin: 'pw', now: () => now });
    await t.run('login', 'https://logs.example.com', '--email', 'a@b.c', '--password-stdin');
    now += 3_600_000;
    expect(await t.run('search')).toBe(3);
    expect(t.stderr.text).toContain('log in again');
  });

  it('--key and MILLRACE_KEY take the place of the profile; URLs from the environment', async () => {
    const http = new HttpStub().on('GET', '/v1/search', json({ events: [] }));
    const t = setup({ http, env: { ...URLS, MILLRACE_KEY: 'mlr_sk_env' } });
    expect(await t.run('search')).toBe(0);
    expect(await t.run('--key', 'mlr_sk_flag', 'search')).toBe(0);
    expect(http.requests.map((r) => [r.url.host, r.headers.get('authorization')])).toEqual([['query.test', 'Bearer mlr_sk_env'], ['query.test', 'Bearer mlr_sk_flag']]);
  });

  it('logout ends the session on the server and removes the profile', async () => {
    const http = new HttpStub().on('POST', '/v1/sessions', json(session('acme'))).on('DELETE', '/v1/sessions/current', new Response(null, { status: 204 }));
    const t = setup({ http, stdin: 'pw' });
    await t.run('login', 'https://logs.example.com', '--email', 'a@b.c', '--password-stdin');
    expect(await t.run('logout')).toBe(0);
    expect(http.find('DELETE', '/v1/sessions/current')[0].headers.get('authorization')).toBe('Bearer access-acme-1');
    expect(t.store.read()).toEqual({ version: 1, profiles: {} });
    expect(await t.run('search')).toBe(3);
  });
});
