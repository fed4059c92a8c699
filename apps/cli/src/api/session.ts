import type { AuthSchemas } from './types';
import type { SessionTokens } from '../config/store';

/** The answer of `POST /v1/sessions` and `POST /v1/sessions/refresh`. */
export type SessionAnswer = AuthSchemas['SessionTokens'];

/** A refresh is due this long before the access token ends. */
export const REFRESH_MARGIN_MS = 60_000;

export function sessionTokens(answer: SessionAnswer, now: number): SessionTokens {
  return {
    accessToken: answer.accessToken,
    accessExpiresAt: now + answer.expiresIn * 1000,
    refreshToken: answer.refreshToken,
    refreshExpiresAt: answer.refreshExpiresAt,
  };
}

export function needsRefresh(tokens: SessionTokens, now: number): boolean {
  return tokens.accessExpiresAt - now < REFRESH_MARGIN_MS;
}
