import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Counter } from 'prom-client';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';
import { AuthClient, passOn } from './auth-client';
import { needsRefresh, newCsrfToken, sessionFromTokens, type AuthTokens, type Role, type SessionData } from './session';

const logins = new Counter({ name: 'millrace_console_logins_total', help: 'Log-in attempts through the console, by outcome', labelNames: ['outcome'] });
const refreshes = new Counter({ name: 'millrace_console_refreshes_total', help: 'Access-token refreshes done by the console, by outcome', labelNames: ['outcome'] });

/** Results of recent refreshes, by the hash of the refresh token they used up (see `fresh`). */
const RECENT_MS = 60_000;
const RECENT_MAX = 10_000;

export class SessionEnded extends HttpException {
  constructor(message = 'your session has ended; log in again') {
    super({ message, code: 'session_expired' }, HttpStatus.UNAUTHORIZED);
  }
}

export interface Organisation {
  org: string;
  name: string;
  role: Role;
}

/**
 * Sessions of people, kept by the console for the browser: log-in, refresh-token rotation done
 * server-side, log-out and switching organisation. The tokens live only in the sealed cookie.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger('Sessions');
  private readonly inFlight = new Map<string, Promise<SessionData>>();
  private readonly recent = new Map<string, { session: SessionData; at: number }>();

  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    private readonly auth: AuthClient,
  ) {}

  async logIn(input: { email: string; password: string; org?: string }, clientAddress: string, requestId: string): Promise<SessionData> {
    let answer = await this.auth.call<AuthTokens>('POST', '/v1/sessions', { body: input, forwardedFor: clientAddress, requestId });
    const orgs = (answer.body as { error?: { details?: { orgs?: unknown } } } | undefined)?.error?.details?.orgs;
    if (answer.status === 400 && !input.org && Array.isArray(orgs) && typeof orgs[0] === 'string') {
      // Several organisations: start in the first; the switcher offers the others.
      answer = await this.auth.call<AuthTokens>('POST', '/v1/sessions', { body: { ...input, org: orgs[0] }, forwardedFor: clientAddress, requestId });
    }
    if (answer.status !== 201 && answer.status !== 200) {
      logins.inc({ outcome: answer.status === 401 ? 'wrong_credentials' : `http_${answer.status}` });
      throw passOn(answer);
    }
    logins.inc({ outcome: 'ok' });
    return sessionFromTokens(answer.body, newCsrfToken());
  }

  /**
   * The session with an access token that is good for a while yet: refreshed (and its refresh
   * token rotated) when it is about to expire. Requests the page sends at the same moment share
   * one refresh, and a request still carrying the previous cookie gets the result of the refresh
   * that used its token up instead of presenting a used token again (which auth treats as theft
   * and answers by ending the session).
   */
  async fresh(session: SessionData, requestId?: string): Promise<{ session: SessionData; changed: boolean }> {
    if (!needsRefresh(session, this.config.CONSOLE_REFRESH_MARGIN_SECONDS)) return { session, changed: false };
    if (session.rtExp <= Date.now()) throw new SessionEnded();
    const key = createHash('sha256').update(session.rt).digest('base64url');
    const done = this.recent.get(key);
    if (done && Date.now() - done.at < RECENT_MS) return { session: done.session, changed: true };
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.refresh(session, requestId).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const next = await pending;
    this.remember(key, next);
    return { session: next, changed: true };
  }

  async logOut(session: SessionData, requestId: string): Promise<void> {
    try {
      const { session: current } = await this.fresh(session, requestId);
      await this.auth.call('DELETE', '/v1/sessions/current', { bearer: current.at, requestId });
    } catch (error) {
      // The cookie is cleared whatever happens; an unreachable auth only means the refresh token expires on its own.
      this.logger.warn({ requestId, err: error instanceof Error ? error.message : String(error) }, 'log-out could not reach auth');
    }
  }

  async switchOrg(session: SessionData, org: string, requestId: string): Promise<SessionData> {
    const { session: current } = await this.fresh(session, requestId);
    const answer = await this.auth.call<AuthTokens>('POST', '/v1/sessions/switch', { bearer: current.at, body: { org }, requestId });
    if (answer.status !== 200 && answer.status !== 201) throw passOn(answer);
    return sessionFromTokens(answer.body, current.csrf);
  }

  async organisations(session: SessionData, requestId: string): Promise<{ session: SessionData; changed: boolean; organisations: Organisation[] }> {
    const fresh = await this.fresh(session, requestId);
    const answer = await this.auth.call<Organisation[]>('GET', '/v1/sessions/organisations', { bearer: fresh.session.at, requestId });
    if (answer.status !== 200) throw passOn(answer);
    return { ...fresh, organisations: answer.body };
  }

  private async refresh(session: SessionData, requestId?: string): Promise<SessionData> {
    const answer = await this.auth.call<AuthTokens>('POST', '/v1/sessions/refresh', { body: { refreshToken: session.rt }, requestId });
    if (answer.status === 200 || answer.status === 201) {
      refreshes.inc({ outcome: 'ok' });
      return sessionFromTokens(answer.body, session.csrf);
    }
    refreshes.inc({ outcome: answer.status === 401 ? 'refused' : `http_${answer.status}` });
    if (answer.status === 401) throw new SessionEnded();
    throw passOn(answer);
  }

  private remember(key: string, session: SessionData): void {
    const now = Date.now();
    this.recent.set(key, { session, at: now });
    if (this.recent.size > RECENT_MAX) {
      for (const [k, v] of this.recent) {
        if (now - v.at >= RECENT_MS || this.recent.size > RECENT_MAX) this.recent.delete(k);
        else break;
      }
    }
  }
}
