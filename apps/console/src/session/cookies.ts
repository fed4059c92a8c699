import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Counter } from 'prom-client';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';
import { newCsrfToken, type SessionData } from './session';
import { SessionBox } from './session-box';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOCAL_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

const csrfRefusals = new Counter({ name: 'millrace_console_csrf_refusals_total', help: 'State-changing requests refused for a missing or wrong CSRF token or a foreign Origin' });

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The session cookie (sealed, httpOnly, SameSite=Strict, Secure except on localhost) and the CSRF
 * cookie the page reads and echoes in `X-CSRF-Token` (double submit: a page of another origin can
 * neither read the cookie nor, under SameSite=Strict, send it). Secure cookies get the `__Host-`
 * prefix, so no subdomain can plant one.
 */
@Injectable()
export class SessionCookies {
  readonly box: SessionBox;

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {
    this.box = new SessionBox(config.CONSOLE_SESSION_SECRET);
  }

  secure(request: FastifyRequest): boolean {
    if (this.config.CONSOLE_SECURE_COOKIES !== 'auto') return this.config.CONSOLE_SECURE_COOKIES === 'always';
    return !LOCAL_HOSTS.test(request.headers.host ?? '');
  }

  names(request: FastifyRequest): { session: string; csrf: string } {
    return this.secure(request) ? { session: '__Host-mlr_session', csrf: '__Host-mlr_csrf' } : { session: 'mlr_session', csrf: 'mlr_csrf' };
  }

  read(request: FastifyRequest): SessionData | undefined {
    const session = this.box.open<SessionData>(request.cookies[this.names(request).session]);
    return session?.v === 1 ? session : undefined;
  }

  write(request: FastifyRequest, reply: FastifyReply, session: SessionData): void {
    const secure = this.secure(request);
    const names = this.names(request);
    const maxAge = Math.max(0, Math.floor((session.rtExp - Date.now()) / 1000));
    reply.setCookie(names.session, this.box.seal(session), { path: '/', httpOnly: true, secure, sameSite: 'strict', maxAge });
    reply.setCookie(names.csrf, session.csrf, { path: '/', httpOnly: false, secure, sameSite: 'strict', maxAge });
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    const secure = this.secure(request);
    const names = this.names(request);
    reply.clearCookie(names.session, { path: '/', httpOnly: true, secure, sameSite: 'strict' });
    reply.clearCookie(names.csrf, { path: '/', secure, sameSite: 'strict' });
  }

  /** A CSRF token for the log-in form before there is a session (kept if the browser has one). */
  ensureCsrfCookie(request: FastifyRequest, reply: FastifyReply): void {
    const names = this.names(request);
    if (request.cookies[names.csrf]) return;
    reply.setCookie(names.csrf, newCsrfToken(), { path: '/', httpOnly: false, secure: this.secure(request), sameSite: 'strict' });
  }

  /**
   * State-changing calls must carry the CSRF token (the session's, or before log-in the cookie's)
   * and, when the browser says where it comes from, come from this origin.
   */
  checkCsrf(request: FastifyRequest, session: SessionData | undefined): void {
    if (isSafeMethod(request.method)) return;
    const origin = request.headers.origin;
    const header = request.headers[CSRF_HEADER];
    const given = Array.isArray(header) ? header[0] : header;
    const expected = session ? session.csrf : request.cookies[this.names(request).csrf];
    const originOk = !origin || sameOrigin(origin, request);
    if (!originOk || !sameToken(given, expected)) {
      csrfRefusals.inc();
      throw new ForbiddenException({ message: 'missing or wrong CSRF token: reload the page', code: 'csrf' });
    }
  }
}

function sameOrigin(origin: string, request: FastifyRequest): boolean {
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
