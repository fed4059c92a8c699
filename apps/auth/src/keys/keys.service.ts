import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import {
  SERVICE_KEY_SCOPES, displayPrefix, generateKey, hashKey,
  type KeyKind, type Principal, type Scope,
} from '@millrace/auth-token';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { ApiKey } from './api-key.entity';
import { KeyEvents } from './key-events';
import type { CreatedKey, KeyView } from './keys.schemas';

/** What lists show: never the secret, never its hash. */
export type { CreatedKey, KeyView } from './keys.schemas';

export interface CreateKey {
  name: string;
  kind: KeyKind;
  scopes?: Scope[];
}

const DEFAULT_SCOPES: Record<KeyKind, Scope[]> = { ingest: ['logs:write'], service: ['logs:read'] };
const LAST_USED_RESOLUTION_MS = 60_000;
const MAX_VERDICT_TTL_SECONDS = 60;

@Injectable()
export class KeysService {
  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly events: KeyEvents,
  ) {}

  /** Create a key in the caller's organisation. Nobody grants a scope they do not hold. */
  async create(actor: Principal, request: CreateKey): Promise<CreatedKey> {
    const scopes = this.grantable(actor, request.kind, request.scopes);
    const secret = generateKey(request.kind);
    const key = await this.keys.save(this.keys.create({
      orgId: actor.tenant, kind: request.kind, name: request.name, scopes, hash: hashKey(secret), prefix: displayPrefix(secret),
      lastUsedAt: null, expiresAt: null, revokedAt: null, previousHash: null, previousExpiresAt: null, rotatedAt: null,
    }));
    return { ...view(key), secret };
  }

  async list(tenant: string): Promise<KeyView[]> {
    const keys = await this.keys.find({ where: { orgId: tenant, revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
    return keys.map(view);
  }

  /**
   * Give a key a new secret. The old one keeps working for `graceSeconds` (default
   * KEY_ROTATION_GRACE_SECONDS; 0 = stops at once). A secret older than that stops now. Only
   * by a caller holding every scope of the key (403 otherwise).
   */
  async rotate(actor: Principal, id: string, graceSeconds = this.config.KEY_ROTATION_GRACE_SECONDS): Promise<CreatedKey> {
    const { key, evicted, fresh } = await this.db.transaction(async (m) => {
      const key = await m.findOne(ApiKey, { where: { id, orgId: actor.tenant, revokedAt: IsNull() }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new NotFoundException(`key ${id} not found in this organisation`);
      requireHeld(actor, key, 'rotate');
      const fresh = generateKey(key.kind);
      const evicted = [key.hash, key.previousHash];
      const now = new Date();
      key.previousHash = graceSeconds > 0 ? key.hash : null;
      key.previousExpiresAt = graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null;
      key.hash = hashKey(fresh);
      key.prefix = displayPrefix(fresh);
      key.rotatedAt = now;
      await m.save(key);
      return { key, evicted, fresh };
    });
    // Caches drop the old secret's verdict and re-ask, learning its remaining grace period.
    await this.events.evict(evicted);
    return { ...view(key), secret: fresh };
  }

  /** Revoke at once: the key and any rotated secret stop working, and every cache is told. Only by a caller holding all its scopes. */
  async revoke(actor: Principal, id: string): Promise<void> {
    const key = await this.keys.findOneBy({ id, orgId: actor.tenant, revokedAt: IsNull() });
    if (!key) throw new NotFoundException(`key ${id} not found in this organisation`);
    requireHeld(actor, key, 'revoke');
    await this.keys.update({ id: key.id }, { revokedAt: new Date() });
    await this.events.evict([key.hash, key.previousHash]);
  }

  /** Resolve a key hash to its principal; revoked and expired secrets resolve to null. */
  async verify(keyHash: string): Promise<{ principal: Principal; ttlSeconds: number } | null> {
    const key = await this.keys.findOne({ where: [{ hash: keyHash, revokedAt: IsNull() }, { previousHash: keyHash, revokedAt: IsNull() }] });
    if (!key) return null;
    const now = Date.now();
    const ends = [key.expiresAt?.getTime()];
    if (key.hash !== keyHash) ends.push(key.previousExpiresAt?.getTime() ?? now);
    const validUntil = Math.min(...ends.filter((t): t is number => t !== undefined));
    if (validUntil <= now) return null;
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Bookkeeping only: a failure here must not fail the verification.
      void this.keys.update({ id: key.id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
    }
    // A secret in its grace period is cached no longer than it remains valid.
    const ttlSeconds = Number.isFinite(validUntil) ? Math.min(MAX_VERDICT_TTL_SECONDS, (validUntil - now) / 1000) : MAX_VERDICT_TTL_SECONDS;
    return {
      principal: { tenant: key.orgId, kind: key.kind, scopes: key.scopes, keyId: key.id },
      ttlSeconds,
    };
  }

  private grantable(actor: Principal, kind: KeyKind, requested: Scope[] | undefined): Scope[] {
    if (kind === 'ingest') {
      if (requested && !(requested.length === 1 && requested[0] === 'logs:write')) {
        throw new BadRequestException('ingestion keys can only write: their scopes are always ["logs:write"]');
      }
      return DEFAULT_SCOPES.ingest;
    }
    const scopes = [...new Set(requested?.length ? requested : DEFAULT_SCOPES.service)];
    const invalid = scopes.filter((s) => !(SERVICE_KEY_SCOPES as readonly string[]).includes(s));
    if (invalid.length) throw new BadRequestException(`service keys cannot carry ${invalid.join(', ')}; choose from ${SERVICE_KEY_SCOPES.join(', ')}`);
    const notHeld = scopes.filter((s) => !actor.scopes.includes(s));
    if (notHeld.length) throw new ForbiddenException(`cannot grant a scope the caller does not hold: ${notHeld.join(', ')}`);
    return scopes;
  }
}

/**
 * Nobody rotates (and so receives the secret of) or revokes a key carrying a scope they do not
 * hold. Ingestion keys only write, the least anyone managing keys may hand out.
 */
function requireHeld(actor: Principal, key: ApiKey, action: 'rotate' | 'revoke'): void {
  if (key.kind === 'ingest') return;
  const notHeld = key.scopes.filter((s) => !actor.scopes.includes(s));
  if (notHeld.length) throw new ForbiddenException(`cannot ${action} a key carrying a scope the caller does not hold: ${notHeld.join(', ')}`);
}

function view(key: ApiKey): KeyView {
  const graceLeft = key.previousHash && key.previousExpiresAt && key.previousExpiresAt.getTime() > Date.now();
  return {
    id: key.id, name: key.name, kind: key.kind, scopes: key.scopes, prefix: key.prefix, createdAt: key.createdAt,
    lastUsedAt: key.lastUsedAt, rotatedAt: key.rotatedAt, previousSecretValidUntil: graceLeft ? key.previousExpiresAt : null,
  };
}
