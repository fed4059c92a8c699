import { randomBytes } from 'node:crypto';

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

/** What the sealed session cookie holds. The browser can neither read nor change it. */
export interface SessionData {
  v: 1;
  /** Access token (EdDSA JWT) and when it expires (epoch ms), and its lifetime in seconds. */
  at: string;
  atExp: number;
  atTtl: number;
  /** Refresh token (used once each) and when it expires (epoch ms). */
  rt: string;
  rtExp: number;
  org: string;
  role: Role;
  uid: string;
  email: string;
  /** The CSRF token the page must echo in `X-CSRF-Token` on every state-changing call. */
  csrf: string;
}

/** The answer of auth's POST /v1/sessions, /refresh and /switch. */
export interface AuthTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
  org: string;
  role: Role;
  user: { id: string; email: string };
}

/** What the page learns about its session (never a token). */
export interface SessionView {
  authenticated: true;
  user: { id: string; email: string };
  org: string;
  role: Role;
}

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Expiry of a JWT from its `exp` claim (the token comes straight from auth: no need to verify it here). */
export function tokenExpiry(jwt: string, fallbackMs: number): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : fallbackMs;
  } catch {
    return fallbackMs;
  }
}

export function sessionFromTokens(tokens: AuthTokens, csrf: string, now = Date.now()): SessionData {
  return {
    v: 1,
    at: tokens.accessToken,
    atExp: tokenExpiry(tokens.accessToken, now + tokens.expiresIn * 1000),
    atTtl: tokens.expiresIn,
    rt: tokens.refreshToken,
    rtExp: new Date(tokens.refreshExpiresAt).getTime(),
    org: tokens.org,
    role: tokens.role,
    uid: tokens.user.id,
    email: tokens.user.email,
    csrf,
  };
}

export function viewOf(session: SessionData): SessionView {
  return { authenticated: true, user: { id: session.uid, email: session.email }, org: session.org, role: session.role };
}

/** Refresh when less than the margin is left, the margin capped at a third of the token's lifetime. */
export function needsRefresh(session: SessionData, marginSeconds: number, now = Date.now()): boolean {
  const margin = Math.min(marginSeconds, session.atTtl / 3) * 1000;
  return session.atExp - now <= margin;
}
