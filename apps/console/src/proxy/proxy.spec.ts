import { consoleConfigSchema } from '../config';
import { upstreams } from './proxy';

describe('proxy upstreams', () => {
  const config = consoleConfigSchema.parse({ AUTH_URL: 'http://auth:8080/', QUERY_API_URL: 'http://query:8080', CONSOLE_SESSION_SECRET: 'x'.repeat(40) });
  const [query, auth] = upstreams(config);

  it('maps /api/query and /api/auth to the two services (without a trailing slash)', () => {
    expect(query).toMatchObject({ prefix: '/api/query', base: 'http://query:8080', name: 'query-api' });
    expect(auth).toMatchObject({ prefix: '/api/auth', base: 'http://auth:8080', name: 'auth' });
  });

  it('keeps auth\'s session routes to the console itself', () => {
    for (const path of ['/v1/sessions', '/v1/sessions/refresh', '/v1/sessions?x=1', '/v1/sessions/switch']) expect(auth.refused!.test(path)).toBe(true);
    for (const path of ['/v1/keys', '/v1/members', '/v1/sessionsx']) expect(auth.refused!.test(path)).toBe(false);
    expect(query.refused).toBeUndefined();
  });
});
