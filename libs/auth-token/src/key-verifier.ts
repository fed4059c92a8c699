import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { Counter, register } from 'prom-client';
import { AUTH_SUBJECTS } from '@millrace/log-schema';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { hashKey, looksLikeKey } from './keys';
import type { KeyRevokedEvent, Principal, VerifyKeyReply } from './principal';
import { AuthUnavailableError } from './errors';
import type { KeyVerification } from './guard';

export const AUTH_CLIENT = Symbol('AUTH_CLIENT');

const POSITIVE_TTL_MS = 60_000;
const NEGATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;
const REQUEST_TIMEOUT_MS = 2_000;

const verifications =
  (register.getSingleMetric('millrace_key_verifications_total') as Counter) ??
  new Counter({ name: 'millrace_key_verifications_total', help: 'Key verifications by source and verdict', labelNames: ['source', 'verdict'] });

interface CacheEntry {
  principal: Principal | null;
  expiresAt: number;
}

/**
 * Verifies keys through the auth service (NATS request-reply) with a short cache. Revocations
 * broadcast by auth evict a key at once. When auth cannot be reached, cached verdicts keep
 * working for their lifetime and unknown keys get 503 (retry), never 401 (drop).
 */
@Injectable()
export class KeyVerifier implements KeyVerification, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('KeyVerifier');
  private readonly cache = new Map<string, CacheEntry>();
  /** Concurrent lookups of the same key share one request. */
  private readonly pending = new Map<string, Promise<Principal | null>>();
  private revocations?: { unsubscribe(): void };

  constructor(
    @Inject(AUTH_CLIENT) private readonly client: ClientProxy,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  onModuleInit(): void {
    const sub = this.nc.subscribe(AUTH_SUBJECTS.keyRevoked, {
      callback: (error, msg) => {
        if (error) return;
        try {
          // Published by a NestJS ClientProxy.emit: the payload sits under `data`.
          const envelope = JSON.parse(new TextDecoder().decode(msg.data)) as { data?: KeyRevokedEvent } & Partial<KeyRevokedEvent>;
          const keyHash = envelope.data?.keyHash ?? envelope.keyHash;
          if (keyHash) this.cache.delete(keyHash);
        } catch {
          this.logger.warn('ignored a malformed revocation message');
        }
      },
    });
    this.revocations = sub;
  }

  async onModuleDestroy(): Promise<void> {
    this.revocations?.unsubscribe();
    await this.client.close();
  }

  /** Resolve a key to its principal, or null when it is not valid. Throws AuthUnavailableError. */
  async verify(key: string): Promise<Principal | null> {
    if (!looksLikeKey(key)) {
      verifications.inc({ source: 'shape', verdict: 'invalid' });
      return null;
    }
    const keyHash = hashKey(key);
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > Date.now()) {
      verifications.inc({ source: 'cache', verdict: cached.principal ? 'valid' : 'invalid' });
      return cached.principal;
    }
    let lookup = this.pending.get(keyHash);
    if (!lookup) {
      lookup = this.ask(keyHash).finally(() => this.pending.delete(keyHash));
      this.pending.set(keyHash, lookup);
    }
    return lookup;
  }

  private async ask(keyHash: string): Promise<Principal | null> {
    let reply: VerifyKeyReply;
    try {
      reply = await firstValueFrom(this.client.send<VerifyKeyReply>(AUTH_SUBJECTS.verifyKey, { keyHash }).pipe(timeout(REQUEST_TIMEOUT_MS)));
    } catch (error) {
      verifications.inc({ source: 'auth', verdict: 'unavailable' });
      this.logger.warn(`auth service unavailable: ${(error as Error).message ?? error}`);
      throw new AuthUnavailableError();
    }
    const principal = reply.valid ? reply.principal : null;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    // A key in its rotation grace period says how long it remains valid: never cache it longer.
    const ttlSeconds = reply.valid ? reply.ttlSeconds : undefined;
    const ttl = principal ? Math.min(POSITIVE_TTL_MS, ttlSeconds && ttlSeconds > 0 ? ttlSeconds * 1000 : POSITIVE_TTL_MS) : NEGATIVE_TTL_MS;
    this.cache.set(keyHash, { principal, expiresAt: Date.now() + ttl });
    verifications.inc({ source: 'auth', verdict: principal ? 'valid' : 'invalid' });
    return principal;
  }

  /** Drop a key from the cache (used when this process learns of a revocation itself). */
  evict(keyHash: string): void {
    this.cache.delete(keyHash);
  }
}
