import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals archive destination credentials with AES-256-GCM. The key is derived (HKDF-SHA256) from
 * the ARCHIVE_ENCRYPTION_KEY setting that the query-api (which seals) and the archiver (which
 * opens) both hold, so credentials are encrypted at rest in PostgreSQL and in transit on NATS.
 * The tenant is the additional authenticated data: a sealed secret copied to another tenant's
 * row does not open.
 *
 * Format: `v1.<iv>.<tag>.<ciphertext>`, base64url parts.
 *
 * Kept identical in apps/query-api/src/archives/secret-box.ts (see contract.ts).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the archive encryption key must be at least 32 characters');
    this.key = Buffer.from(hkdfSync('sha256', secret, 'millrace-archives', 'archive destination secrets v1', 32));
  }

  seal(tenant: string, value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`archive:${tenant}`));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws when the sealed value was not sealed for this tenant with this key, or was altered. */
  open<T>(tenant: string, sealed: string): T {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed archive secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`archive:${tenant}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const clear = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return JSON.parse(clear.toString('utf8')) as T;
  }
}
