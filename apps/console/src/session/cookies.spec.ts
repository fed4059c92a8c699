import type { FastifyRequest } from 'fastify';
import { consoleConfigSchema } from '../config';
import { SessionCookies } from './cookies';
import type { SessionData } from './session';

const config = consoleConfigSchema.parse({ AUTH_URL: 'http://auth:8080', QUERY_API_URL: 'http://query:8080', CONSOLE_SESSION_SECRET: 'x'.repeat(40) });
const cookies = new SessionCookies(config);

function req(parts: { method?: string; host?: string; origin?: string; csrf?: string; cookies?: Record<string, string> }): FastifyRequest {
  return {
    method: parts.method ?? 'POST',
    headers: { host: parts.host ?? '127.0.0.1:17088', ...(parts.origin ? { origin: parts.origin } : {}), ...(parts.csrf ? { 'x-csrf-token': parts.csrf } : {}) },
    cookies: parts.cookies ?? {},
  } as unknown as FastifyRequest;
}

const session = { v: 1, csrf: 'the-token' } as SessionData;

describe('SessionCookies', () => {
  it('marks cookies Secure, with the __Host- prefix, except on localhost', () => {
    expect(cookies.secure(req({ host: '127.0.0.1:17088' }))).toBe(false);
    expect(cookies.secure(req({ host: 'localhost:8088' }))).toBe(false);
    expect(cookies.secure(req({ host: 'logs.example.com' }))).toBe(true);
    expect(cookies.names(req({ host: 'logs.example.com' }))).toEqual({ session: '__Host-mlr_session', csrf: '__Host-mlr_csrf' });
    const always = new SessionCookies({ ...config, CONSOLE_SECURE_COOKIES: 'always' });
    expect(always.secure(req({ host: 'localhost' }))).toBe(true);
  });

  it('reads only sessions it sealed', () => {
    const sealed = cookies.box.seal(session);
    expect(cookies.read(req({ cookies: { mlr_session: sealed } }))).toEqual(session);
    expect(cookies.read(req({ cookies: { mlr_session: `${sealed.slice(0, -2)}AA` } }))).toBeUndefined();
    expect(cookies.read(req({ cookies: { mlr_session: new SessionCookies({ ...config, CONSOLE_SESSION_SECRET: 'y'.repeat(40) }).box.seal(session) } }))).toBeUndefined();
  });

  it('lets safe methods through and wants the session\'s token on the others', () => {
    expect(() => cookies.checkCsrf(req({ method: 'GET' }), session)).not.toThrow();
    expect(() => cookies.checkCsrf(req({ csrf: 'the-token' }), session)).not.toThrow();
    expect(() => cookies.checkCsrf(req({}), session)).toThrow(/CSRF/);
    expect(() => cookies.checkCsrf(req({ csrf: 'another' }), session)).toThrow(/CSRF/);
    expect(() => cookies.checkCsrf(req({ method: 'DELETE', csrf: 'the-toke' }), session)).toThrow(/CSRF/);
  });

  it('refuses a foreign Origin even with the right token', () => {
    expect(() => cookies.checkCsrf(req({ csrf: 'the-token', origin: 'http://127.0.0.1:17088' }), session)).not.toThrow();
    expect(() => cookies.checkCsrf(req({ csrf: 'the-token', origin: 'https://evil.example' }), session)).toThrow(/CSRF/);
    expect(() => cookies.checkCsrf(req({ csrf: 'the-token', origin: 'null' }), session)).toThrow(/CSRF/);
  });

  it('before log-in, compares the header with the CSRF cookie (double submit)', () => {
    expect(() => cookies.checkCsrf(req({ csrf: 'abc', cookies: { mlr_csrf: 'abc' } }), undefined)).not.toThrow();
    expect(() => cookies.checkCsrf(req({ csrf: 'abc', cookies: { mlr_csrf: 'abd' } }), undefined)).toThrow(/CSRF/);
    expect(() => cookies.checkCsrf(req({ csrf: '', cookies: {} }), undefined)).toThrow(/CSRF/);
  });
});
