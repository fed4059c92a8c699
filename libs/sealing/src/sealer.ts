import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** A sealed value that does not open: another key, another context, altered, or not sealed at all. */
export class SealError extends Error {
  override readonly name = 'SealError';
}

const MIN_KEY = 32;
const FORMAT = 's2';

interface Key {
  id: string;
  aes: Buffer;
  /** The archive credentials' first format (`v1.`), read for as long as rows hold it. */
  legacyArchive: Buffer;
}

function deriveKey(secret: string): Key {
  const aes = Buffer.from(hkdfSync('sha256', secret, 'millrace-sealing', 'secrets at rest v2', 32));
  return {
    id: createHmac('sha256', aes).update('key-id').digest('hex').slice(0, 12),
    aes,
    legacyArchive: Buffer.from(hkdfSync('sha256', secret, 'millrace-archives', 'archive destination secrets v1', 32)),
  };
}

const sealingKey = z.string().min(MIN_KEY, `must be at least ${MIN_KEY} characters (e.g. \`openssl rand -base64 48\`)`);

/**
 * The sealing keys of a service, from a Kubernetes Secret: SEALING_KEY seals (and opens),
 * SEALING_OLD_KEYS (comma-separated) only open, so a rotation is: put the old key into
 * SEALING_OLD_KEYS and a new one into SEALING_KEY; rows are re-sealed with the new key (on
 * start-up and when written), after which the old key can go.
 */
export const sealingConfigSchema = z.object({
  SEALING_KEY: sealingKey.optional(),
  SEALING_OLD_KEYS: z.string().default('').transform((v, ctx) => {
    const keys = v.split(',').map((k) => k.trim()).filter(Boolean);
    for (const k of keys) if (k.length < MIN_KEY) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `every old key must be at least ${MIN_KEY} characters` });
    return keys;
  }),
});
export type SealingConfig = z.infer<typeof sealingConfigSchema>;

/**
 * Seals secrets at rest (alert channel secrets, drain URLs, archive credentials): AES-256-GCM
 * under a key derived with HKDF-SHA256, the key's id in the sealed text (so the right key is
 * found after a rotation) and a context as associated data (a sealed value moved to another
 * column or tenant does not open). Format: `s2.<key id>.<iv>.<tag>.<ciphertext>`.
 */
export class Sealer {
  private readonly current: Key;
  private readonly keys: Map<string, Key>;

  constructor(currentKey: string, oldKeys: readonly string[] = []) {
    if (currentKey.length < MIN_KEY) throw new Error(`the sealing key must be at least ${MIN_KEY} characters`);
    this.current = deriveKey(currentKey);
    this.keys = new Map([this.current, ...oldKeys.map(deriveKey)].map((k) => [k.id, k]));
  }

  /** The sealer of a service's configuration, or undefined when it has no SEALING_KEY. */
  static fromConfig(config: SealingConfig): Sealer | undefined {
    return config.SEALING_KEY ? new Sealer(config.SEALING_KEY, config.SEALING_OLD_KEYS) : undefined;
  }

  /** Id of the key that seals now (a fingerprint; reveals nothing about the key). */
  get keyId(): string {
    return this.current.id;
  }

  seal(context: string, plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.aes, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  open(context: string, sealed: string): string {
    const parts = sealed.split('.');
    if (parts[0] === FORMAT && parts.length === 5) {
      const key = this.keys.get(parts[1]);
      if (!key) throw new SealError(`sealed with key ${parts[1]}, which is neither SEALING_KEY nor one of SEALING_OLD_KEYS`);
      return decrypt(key.aes, context, parts[2], parts[3], parts[4]);
    }
    if (parts[0] === 'v1' && parts.length === 4 && context.startsWith('archive:')) {
      for (const key of this.keys.values()) {
        try {
          return decrypt(key.legacyArchive, context, parts[1], parts[2], parts[3]);
        } catch {
          /* another key */
        }
      }
      throw new SealError('an archive secret of the first format that no sealing key opens');
    }
    throw new SealError('not a sealed value');
  }

  sealJson(context: string, value: unknown): string {
    return this.seal(context, JSON.stringify(value));
  }

  openJson<T>(context: string, sealed: string): T {
    return JSON.parse(this.open(context, sealed)) as T;
  }

  /** Whether a sealed value should be sealed again: by an old key, or in an old format. */
  stale(sealed: string): boolean {
    const parts = sealed.split('.');
    return !(parts[0] === FORMAT && parts[1] === this.current.id);
  }
}

/** Whether a text is a sealed value (of either format), not a clear one. */
export function isSealed(text: string): boolean {
  return /^s2\.[0-9a-f]{12}\.[\w-]+\.[\w-]+\.[\w-]*$/.test(text) || /^v1\.[\w-]+\.[\w-]+\.[\w-]*$/.test(text);
}

function decrypt(key: Buffer, context: string, iv: string, tag: string, body: string): string {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new SealError('the sealed value does not open with this key and context (altered, or sealed for something else)', { cause: error });
  }
}
