import yaml from 'js-yaml';
import { apiError, HttpStub, json, setup, URLS } from '../../testing/harness';

const env = { ...URLS, MILLRACE_KEY: 'mlr_sk_test' };
const view = { id: 'v1', name: 'api errors', query: 'app:api level:error', from: '-1h', to: null };

describe('configuration commands', () => {
  it('list prints a table, or every field with -o json / -o yaml', async () => {
    const http = new HttpStub().on('GET', '/v1/views', json([view]));
    const t = setup({ http, env });
    expect(await t.run('views', 'list')).toBe(0);
    expect(t.stdout.text).toBe('ID  NAME        FROM  TO   QUERY\nv1  api errors  -1h   now  app:api level:error\n');
    const j = setup({ http, env });
    await j.run('views', 'list', '-o', 'json');
    expect(JSON.parse(j.stdout.text)).toEqual([view]);
    const y = setup({ http, env });
    await y.run('views', 'ls', '--output', 'yaml');
    expect(yaml.load(y.stdout.text)).toEqual([view]);
  });

  it('create merges --data and the flags (flags win); update sends only what changes', async () => {
    const http = new HttpStub()
      .on('POST', '/v1/views', (r) => json({ id: 'v2', ...(r.body as object) }, 201))
      .on('PATCH', '/v1/views/v2', (r) => json({ ...view, ...(r.body as object) }));
    const t = setup({ http, env });
    expect(await t.run('views', 'create', '--data', '{"name":"x","query":"a"}', '--query', 'level:error', '--from', '-6h')).toBe(0);
    expect(http.requests[0].body).toEqual({ name: 'x', query: 'level:error', from: '-6h' });
    expect(await t.run('views', 'update', 'v2', '--name', 'renamed')).toBe(0);
    expect(http.requests[1].body).toEqual({ name: 'renamed' });
    expect(await t.run('views', 'update', 'v2')).toBe(2);
  });

  it('field errors of a refused body are listed', async () => {
    const http = new HttpStub().on('POST', '/v1/drains', apiError(400, 'invalid request', { details: [{ field: 'url', problem: 'is required' }, { field: 'name', problem: 'is required' }] }));
    const t = setup({ http, env });
    expect(await t.run('drains', 'create')).toBe(1);
    expect(t.stderr.text).toContain('the query API answered 400: invalid request\n  url: is required\n  name: is required');
  });

  it('rules: one list of routing and parsing rules; create and delete go to the API that holds the kind', async () => {
    const http = new HttpStub()
      .on('GET', '/v1/routing-rules', json([{ id: 'r1', name: 'health', kind: 'exclude', query: 'app:lb', action: 'drop', enabled: true }]))
      .on('GET', '/v1/parsing-rules', json([{ id: 'p1', name: 'orders', app: 'shop', query: null, pattern: { kind: 'regex', source: 'order (?<id>\\d+)' }, enabled: true }]))
      .on('POST', '/v1/parsing-rules', (r) => json({ id: 'p2', ...(r.body as object) }, 201))
      .on('GET', '/v1/routing-rules/p1', apiError(404, 'no routing rule p1'))
      .on('GET', '/v1/parsing-rules/p1', json({ id: 'p1', name: 'orders' }))
      .on('DELETE', '/v1/parsing-rules/p1', new Response(null, { status: 204 }));
    const t = setup({ http, env });
    expect(await t.run('rules', 'list')).toBe(0);
    expect(t.stdout.text).toContain('r1  exclude  health  true     drop');
    expect(t.stdout.text).toContain('p1  parse    orders  true     regex order (?<id>\\d+)  app:shop');
    expect(await t.run('rules', 'create', '--kind', 'parse', '--name', 'n', '--app', 'shop', '--pattern', '^(?<a>x)', '--grok')).toBe(0);
    expect(http.find('POST', '/v1/parsing-rules')[0].body).toEqual({ name: 'n', app: 'shop', pattern: { kind: 'grok', source: '^(?<a>x)' } });
    expect(await t.run('rules', 'delete', 'p1')).toBe(0);
    expect(http.find('DELETE', '/v1/parsing-rules/p1')).toHaveLength(1);
  });

  it('keys go to the auth service; get finds a key in the list', async () => {
    const key = { id: 'k1', name: 'web', kind: 'ingest', scopes: ['logs:write'], prefix: 'mlr_ik_ab', createdAt: '2025-01-01', lastUsedAt: null };
    const http = new HttpStub().on('GET', '/v1/keys', json({ keys: [key] }));
    const t = setup({ http, env });
    expect(await t.run('keys', 'get', 'k1', '-o', 'json')).toBe(0);
    expect(JSON.parse(t.stdout.text)).toEqual(key);
    expect(http.requests[0].url.host).toBe('auth.test');
    expect(await t.run('keys', 'get', 'nope')).toBe(1);
  });
});
