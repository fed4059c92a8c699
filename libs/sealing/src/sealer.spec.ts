import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { isSealed, Sealer, SealError, sealingConfigSchema } from './index';

const OLD = 'o'.repeat(40);
const NEW = 'n'.repeat(40);

/** The archive credentials' first format, as the query-api sealed them before this lib. */
function legacyArchiveSeal(secret: string, tenant: string, value: unknown): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'millrace-archives', 'archive destination secrets v1', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`archive:${tenant}`));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

describe('Sealer', () => {
  it('seals so that only the same key and context open it, never the same text twice', () => {
    const sealer = new Sealer(OLD);
    const sealed = sealer.seal('drain:acme', 'https://user:s3cret@logs.example.com/x');
    expect(sealed).toMatch(/^s2\.[0-9a-f]{12}\./);
    expect(sealed).not.toContain('s3cret');
    expect(isSealed(sealed)).toBe(true);
    expect(isSealed('https://logs.example.com')).toBe(false);
    expect(sealer.open('drain:acme', sealed)).toBe('https://user:s3cret@logs.example.com/x');
    expect(sealer.seal('drain:acme', 'x')).not.toBe(sealer.seal('drain:acme', 'x'));
    expect(() => sealer.open('drain:other', sealed)).toThrow(SealError);
    expect(() => new Sealer(NEW).open('drain:acme', sealed)).toThrow(/neither SEALING_KEY nor one of SEALING_OLD_KEYS/);
    const parts = sealed.split('.');
    parts[4] = Buffer.from(Buffer.from(parts[4], 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url');
    expect(() => sealer.open('drain:acme', parts.join('.'))).toThrow(SealError);
    expect(() => sealer.open('drain:acme', 'clear text')).toThrow(/not a sealed value/);
  });

  it('rotates: a new key seals, the old one still opens what it sealed, and says what is stale', () => {
    const before = new Sealer(OLD);
    const sealed = before.sealJson('alert:acme', [{ secret: 'hmac-secret' }]);
    const after = new Sealer(NEW, [OLD]);
    expect(after.keyId).not.toBe(before.keyId);
    expect(after.openJson('alert:acme', sealed)).toEqual([{ secret: 'hmac-secret' }]);
    expect(after.stale(sealed)).toBe(true);
    const resealed = after.sealJson('alert:acme', after.openJson('alert:acme', sealed));
    expect(after.stale(resealed)).toBe(false);
    expect(new Sealer(NEW).openJson('alert:acme', resealed)).toEqual([{ secret: 'hmac-secret' }]);
  });

  it('opens archive credentials of the first format with any of its keys, as stale', () => {
    const legacy = legacyArchiveSeal(OLD, 'acme', { secretAccessKey: 'wJalr' });
    const sealer = new Sealer(NEW, [OLD]);
    expect(sealer.openJson('archive:acme', legacy)).toEqual({ secretAccessKey: 'wJalr' });
    expect(sealer.stale(legacy)).toBe(true);
    expect(() => sealer.open('archive:other', legacy)).toThrow(SealError);
    expect(() => new Sealer(NEW).open('archive:acme', legacy)).toThrow(SealError);
  });

  it('reads its keys from the configuration, refusing short ones', () => {
    expect(Sealer.fromConfig(sealingConfigSchema.parse({}))).toBeUndefined();
    const config = sealingConfigSchema.parse({ SEALING_KEY: NEW, SEALING_OLD_KEYS: ` ${OLD} ,` });
    expect(config.SEALING_OLD_KEYS).toEqual([OLD]);
    expect(Sealer.fromConfig(config)).toBeInstanceOf(Sealer);
    expect(sealingConfigSchema.safeParse({ SEALING_KEY: 'short' }).success).toBe(false);
    expect(sealingConfigSchema.safeParse({ SEALING_KEY: NEW, SEALING_OLD_KEYS: 'short' }).success).toBe(false);
    expect(() => new Sealer('short')).toThrow(/32 characters/);
  });
});
