import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ROLE_SCOPES, SessionTokenVerifier, hashKey, looksLikeKey,
  type KeyVerification, type Principal, type SessionVerifier,
} from '@millrace/auth-token';
import { KeysService } from './keys/keys.service';
import { SigningKeysService } from './signing-keys/signing-keys.service';
import { Membership } from './users/membership.entity';

/** The auth service verifies keys against its own table: no cache, a revocation counts at once. */
@Injectable()
export class LocalKeyVerification implements KeyVerification {
  constructor(private readonly keys: KeysService) {}

  async verify(key: string): Promise<Principal | null> {
    if (!looksLikeKey(key)) return null;
    return (await this.keys.verify(hashKey(key)))?.principal ?? null;
  }
}

/**
 * Session tokens are checked like everywhere else (signature, iss, aud, exp), and then against
 * the current state: inside the auth service a removed member, a changed role or a logged-out
 * session counts at once, not only when the access token expires.
 */
@Injectable()
export class LocalSessionVerification implements SessionVerifier {
  private readonly tokens: SessionTokenVerifier;

  constructor(signingKeys: SigningKeysService, @InjectDataSource() private readonly db: DataSource) {
    this.tokens = new SessionTokenVerifier(() => signingKeys.jwks(), { maxAgeMs: 60_000, minRefetchIntervalMs: 1_000 });
  }

  async verifySession(token: string): Promise<Principal | null> {
    const principal = await this.tokens.verifySession(token);
    if (!principal?.userId || !principal.sessionId) return null;
    const membership = await this.db.getRepository(Membership).findOneBy({ orgId: principal.tenant, userId: principal.userId });
    if (!membership) return null;
    const [live] = await this.db.query(
      'SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND user_id = $2 AND revoked_at IS NULL LIMIT 1',
      [principal.sessionId, principal.userId],
    );
    if (!live) return null;
    return { ...principal, role: membership.role, scopes: [...ROLE_SCOPES[membership.role]] };
  }
}
