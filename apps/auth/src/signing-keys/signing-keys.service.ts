import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';
import { DataSource, IsNull } from 'typeorm';
import {
  ACCESS_TOKEN_TTL_SECONDS, SESSION_ALGORITHM, SESSION_AUDIENCE, SESSION_ISSUER, type Role,
} from '@millrace/auth-token';
import { AUTH_CONFIG, type AuthConfig } from '../config';
import { Sealer } from '@millrace/sealing';
import { SigningKey } from './signing-key.entity';

/** The row's kid is the associated data: a sealed key moved to another row does not open. */
const signingKeyContext = (kid: string) => `auth.signing-key:${kid}`;

export interface AccessClaims {
  userId: string;
  tenant: string;
  role: Role;
  /** The session (refresh-token family). */
  sessionId: string;
}

/**
 * The Ed25519 key that signs session access tokens. Generated on first start and stored in the
 * auth schema with its private half sealed (@millrace/sealing) by AUTH_ENCRYPTION_KEY, the key's
 * id kept beside it: a new AUTH_ENCRYPTION_KEY makes a new signing key. Replicas sharing the
 * setting share the key; the public keys of every non-retired key are published (JWKS).
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys');
  private readonly sealer: Sealer;
  private current?: { kid: string; privateKey: KeyObject };
  /** Seconds an access token lives (SESSION_ACCESS_TTL_SECONDS, 15 min by default). */
  readonly accessTtlSeconds: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUTH_CONFIG) config: AuthConfig,
  ) {
    this.sealer = new Sealer(config.AUTH_ENCRYPTION_KEY);
    this.accessTtlSeconds = config.SESSION_ACCESS_TTL_SECONDS ?? ACCESS_TOKEN_TTL_SECONDS;
  }

  async onModuleInit(): Promise<void> {
    const key = await this.db.transaction(async (m) => {
      // One replica at a time: concurrent first starts must not create two keys.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('auth.signing_keys'))`);
      const existing = await m.findOne(SigningKey, {
        where: { encryptionKeyId: this.sealer.keyId, retiredAt: IsNull() }, order: { createdAt: 'DESC' },
      });
      if (existing) return existing;
      if (await m.existsBy(SigningKey, { retiredAt: IsNull() })) {
        this.logger.warn('no signing key is encrypted with the configured AUTH_ENCRYPTION_KEY: generating a new one (the old public keys stay published)');
      }
      return m.save(await this.generate());
    });
    this.current = { kid: key.kid, privateKey: this.decrypt(key) };
    this.logger.log(`signing session tokens with key ${key.kid}`);
  }

  /** Public keys of every key not retired: what verifiers need. */
  async jwks(): Promise<JSONWebKeySet> {
    const keys = await this.db.getRepository(SigningKey).find({ where: { retiredAt: IsNull() }, order: { createdAt: 'DESC' } });
    return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.algorithm, use: 'sig' })) };
  }

  /** A signed access token: 15 min (SESSION_ACCESS_TTL_SECONDS), `iss` millrace-auth, `aud` millrace, sub + tenant + role + sid. */
  async sign(claims: AccessClaims): Promise<string> {
    if (!this.current) throw new Error('signing keys are not loaded yet');
    return new SignJWT({ tenant: claims.tenant, role: claims.role, sid: claims.sessionId })
      .setProtectedHeader({ alg: SESSION_ALGORITHM, kid: this.current.kid, typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + this.accessTtlSeconds)
      .sign(this.current.privateKey);
  }

  private async generate(): Promise<SigningKey> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    return this.db.getRepository(SigningKey).create({
      kid, algorithm: SESSION_ALGORITHM, publicJwk, privateKeyEncrypted: this.sealer.seal(signingKeyContext(kid), der.toString('base64')), encryptionKeyId: this.sealer.keyId, retiredAt: null,
    });
  }

  private decrypt(key: SigningKey): KeyObject {
    try {
      return createPrivateKey({ key: Buffer.from(this.sealer.open(signingKeyContext(key.kid), key.privateKeyEncrypted), 'base64'), format: 'der', type: 'pkcs8' });
    } catch {
      throw new Error(`cannot decrypt signing key ${key.kid}: AUTH_ENCRYPTION_KEY does not match the key it was stored with`);
    }
  }
}
