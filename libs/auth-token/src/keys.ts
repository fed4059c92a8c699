import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Key kinds and their prefixes. The prefix lets secret scanners recognise a leaked key and tells
 * a human what a key can do before anyone looks it up.
 */
export const KEY_PREFIXES = {
  ingest: 'mlr_ik_',
  service: 'mlr_sk_',
} as const;
export type KeyKind = keyof typeof KEY_PREFIXES;

/** 32 random bytes (256 bits) base64url-encoded: far beyond guessing, so a fast hash is enough. */
export function generateKey(kind: KeyKind): string {
  return `${KEY_PREFIXES[kind]}${randomBytes(32).toString('base64url')}`;
}

const KEY_SHAPE = /^mlr_(ik|sk)_[A-Za-z0-9_-]{43}$/;

export function looksLikeKey(value: string): boolean {
  return KEY_SHAPE.test(value);
}

export function keyKindOf(key: string): KeyKind | undefined {
  if (!looksLikeKey(key)) return undefined;
  return key.startsWith(KEY_PREFIXES.ingest) ? 'ingest' : 'service';
}

/** Keys are stored and looked up only by this hash; the secret itself is never kept. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What lists show: the kind prefix and the first characters of the secret. */
export function displayPrefix(key: string): string {
  return key.slice(0, 7 + 6);
}

/** Constant-time comparison of two secrets or digests of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}
