import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { firstValueFrom, timeout } from 'rxjs';
import { isTenantId } from '@millrace/log-schema';
import { ACCESS_TOKEN_TTL_SECONDS, AUTH_TOKEN_SUBJECTS, SESSION_ALGORITHM, SESSION_AUDIENCE, SESSION_ISSUER } from './constants';
import { AuthUnavailableError } from './errors';
import { AUTH_CLIENT } from './key-verifier';
import { ROLE_SCOPES, isRole, type Principal } from './principal';

/** Session tokens are verified by signature; the guard asks this for `Authorization: Bearer <jwt>`. */
export interface SessionVerifier {
  /** The principal of a valid token, null for an invalid one; throws AuthUnavailableError. */
  verifySession(token: string): Promise<Principal | null>;
}
export const SESSION_VERIFIER = Symbol('SESSION_VERIFIER');

export interface SessionTokenVerifierOptions {
  /** Keys are refetched at most this old (default 10 min). */
  maxAgeMs?: number;
  /** A token with an unknown `kid` triggers a refetch at most this often (default 5 s). */
  minRefetchIntervalMs?: number;
  /** Clock skew tolerated on exp/iat (default 5 s). */
  clockToleranceSeconds?: number;
}

interface KeySet {
  kids: Set<string>;
  resolve: ReturnType<typeof createLocalJWKSet>;
  fetchedAt: number;
}

/**
 * Verifies session access tokens (EdDSA JWTs) against the auth service's published public keys,
 * checking signature, issuer, audience, expiry and age. The key set is cached and refetched when
 * it grows old or a token names an unknown `kid`. When the keys cannot be fetched, a cached set
 * keeps working; with none, verification throws AuthUnavailableError (503).
 */
export class SessionTokenVerifier implements SessionVerifier {
  private keys?: KeySet;
  private fetching?: Promise<KeySet>;
  private readonly maxAgeMs: number;
  private readonly minRefetchIntervalMs: number;
  private readonly clockTolerance: number;

  constructor(
    private readonly fetchKeys: () => Promise<JSONWebKeySet>,
    options: SessionTokenVerifierOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 5_000;
    this.clockTolerance = options.clockToleranceSeconds ?? 5;
  }

  async verifySession(token: string): Promise<Principal | null> {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== SESSION_ALGORITHM || typeof header.kid !== 'string') return null;
      kid = header.kid;
    } catch {
      return null;
    }
    const keys = await this.keySetFor(kid);
    if (!keys.kids.has(kid)) return null;
    try {
      const { payload } = await jwtVerify(token, keys.resolve, {
        issuer: SESSION_ISSUER,
        audience: SESSION_AUDIENCE,
        algorithms: [SESSION_ALGORITHM],
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: ACCESS_TOKEN_TTL_SECONDS + this.clockTolerance,
        clockTolerance: this.clockTolerance,
      });
      const { sub, tenant, role, sid } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || typeof tenant !== 'string' || !isTenantId(tenant) || !isRole(role)) return null;
      return {
        tenant, kind: 'user', role, scopes: [...ROLE_SCOPES[role]], userId: sub,
        ...(typeof sid === 'string' ? { sessionId: sid } : {}),
      };
    } catch {
      return null;
    }
  }

  private async keySetFor(kid: string): Promise<KeySet> {
    const now = Date.now();
    const cached = this.keys;
    const fresh = cached && now - cached.fetchedAt < this.maxAgeMs;
    if (cached && fresh && (cached.kids.has(kid) || now - cached.fetchedAt < this.minRefetchIntervalMs)) return cached;
    try {
      this.fetching ??= this.fetch().finally(() => (this.fetching = undefined));
      return await this.fetching;
    } catch {
      // The auth service is unreachable: keep using what we have, however old.
      if (cached) return cached;
      throw new AuthUnavailableError();
    }
  }

  private async fetch(): Promise<KeySet> {
    const jwks = await this.fetchKeys();
    if (!jwks || !Array.isArray(jwks.keys)) throw new Error('malformed key set');
    const keys: KeySet = {
      kids: new Set(jwks.keys.map((k) => k.kid).filter((k): k is string => typeof k === 'string')),
      resolve: createLocalJWKSet(jwks),
      fetchedAt: Date.now(),
    };
    this.keys = keys;
    return keys;
  }
}

/** The SessionTokenVerifier wired to the auth service: keys come over NATS `auth.keys.jwks`. */
@Injectable()
export class NatsSessionVerifier implements SessionVerifier {
  private readonly logger = new Logger('SessionVerifier');
  private readonly verifier: SessionTokenVerifier;

  constructor(@Inject(AUTH_CLIENT) client: ClientProxy) {
    this.verifier = new SessionTokenVerifier(async () => {
      try {
        return await firstValueFrom(client.send<JSONWebKeySet>(AUTH_TOKEN_SUBJECTS.jwks, {}).pipe(timeout(2_000)));
      } catch (error) {
        this.logger.warn(`cannot fetch session signing keys: ${(error as Error)?.message ?? error}`);
        throw error;
      }
    });
  }

  verifySession(token: string): Promise<Principal | null> {
    return this.verifier.verifySession(token);
  }
}
