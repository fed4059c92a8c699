import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { displayPrefix, generateKey, hashKey, type KeyKind, type Principal, type Scope } from '@millrace/auth-token';
import { ApiKey } from './api-key.entity';

/** What a new key's creator sees, once: the only time the secret exists outside the caller. */
export interface CreatedKey {
  id: string;
  name: string;
  kind: KeyKind;
  scopes: Scope[];
  prefix: string;
  secret: string;
}

const DEFAULT_SCOPES: Record<KeyKind, Scope[]> = { ingest: ['logs:write'], service: ['logs:read'] };
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class KeysService {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  async create(orgId: string, kind: KeyKind, name: string, scopes?: Scope[]): Promise<CreatedKey> {
    const secret = generateKey(kind);
    // Ingestion keys can only write, whatever is asked.
    const granted = kind === 'ingest' ? DEFAULT_SCOPES.ingest : (scopes?.length ? scopes : DEFAULT_SCOPES.service);
    const key = await this.keys.save(this.keys.create({
      orgId, kind, name, scopes: granted, hash: hashKey(secret), prefix: displayPrefix(secret),
      lastUsedAt: null, expiresAt: null, revokedAt: null,
    }));
    return { id: key.id, name, kind, scopes: granted, prefix: key.prefix, secret };
  }

  /** Resolve a key hash to its principal; revoked and expired keys resolve to null. */
  async verify(keyHash: string): Promise<{ principal: Principal; ttlSeconds: number } | null> {
    const key = await this.keys.findOne({ where: { hash: keyHash, revokedAt: IsNull() } });
    if (!key) return null;
    const now = Date.now();
    if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
    if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Bookkeeping only: a failure here must not fail the verification.
      void this.keys.update({ id: key.id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
    }
    // A key in its rotation grace period is cached no longer than it remains valid.
    const ttlSeconds = key.expiresAt ? Math.max(1, Math.floor((key.expiresAt.getTime() - now) / 1000)) : 60;
    return {
      principal: { tenant: key.orgId, kind: key.kind, scopes: key.scopes, keyId: key.id },
      ttlSeconds,
    };
  }
}
