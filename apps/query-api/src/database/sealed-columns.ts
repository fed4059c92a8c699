import type { ValueTransformer } from 'typeorm';
import { Logger } from '@nestjs/common';
import { isSealed, SealError, type Sealer } from '@millrace/sealing';

let current: Sealer | undefined;

/** Set once at start-up (SEALING_KEY, SEALING_OLD_KEYS), before any row is read or written. */
export function useSealer(sealer: Sealer): void {
  current = sealer;
}

function sealer(): Sealer {
  if (!current) throw new Error('secrets cannot be sealed or opened: SEALING_KEY is not set');
  return current;
}

/** Contexts (associated data) of the sealed columns: a value moved to another column does not open. */
export const SEAL_CONTEXT = { drainUrl: 'query.drains.url', alertChannels: 'query.alerts.channels', archiveSecret: (tenant: string) => `archive:${tenant}` } as const;

const logger = new Logger('Sealing');

/**
 * A value no key opens (sealed with a key that is gone) reads as `unreadable`, logged, so one
 * such row does not take every other one down with it (the configuration feeds read all rows).
 */
function opened<T>(context: string, open: () => T, unreadable: T): T {
  try {
    return open();
  } catch (error) {
    if (!(error instanceof SealError)) throw error;
    logger.error(`a stored secret (${context}) opens with neither SEALING_KEY nor SEALING_OLD_KEYS: ${error.message}`);
    return unreadable;
  }
}

/** A text column kept sealed in PostgreSQL and clear in memory; a clear legacy value is read as it is (the migration seals those). */
export function sealedText(context: string): ValueTransformer {
  return {
    to: (value: unknown) => (typeof value === 'string' ? sealer().seal(context, value) : value),
    from: (value: unknown) => (typeof value === 'string' && isSealed(value) ? opened(context, () => sealer().open(context, value), '') : value),
  };
}

/** A jsonb column kept as `{"sealed": "s2…"}`; a clear legacy value is read as it is. */
export function sealedJson(context: string, unreadable: unknown = []): ValueTransformer {
  return {
    to: (value: unknown) => (value === undefined || value === null ? value : { sealed: sealer().sealJson(context, value) }),
    from: (value: unknown) => {
      const sealed = value && typeof value === 'object' && !Array.isArray(value) ? (value as { sealed?: unknown }).sealed : undefined;
      return typeof sealed === 'string' ? opened(context, () => sealer().openJson(context, sealed), unreadable) : value;
    },
  };
}

type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * Seal what is still clear and re-seal what an old key sealed, in every sealed column: drain
 * URLs, alert channels, archive credentials. Each row is replaced only if it still holds the
 * value read (compare and set), so a concurrent change wins. A row no key opens is left as it is
 * and counted (`unreadable`). Used by the migration that seals existing rows and on every
 * start-up (after a key rotation).
 */
export async function resealAll(query: Query, s: Sealer): Promise<{ changed: number; unreadable: number }> {
  const result = { changed: 0, unreadable: 0 };
  const each = async (rows: Array<Record<string, unknown>>, stale: (row: Record<string, unknown>) => boolean, write: (row: Record<string, unknown>) => Promise<unknown[]>) => {
    for (const row of rows) {
      if (!stale(row)) continue;
      try {
        result.changed += (await write(row)).length;
      } catch (error) {
        if ((error as Error).name !== 'SealError') throw error;
        result.unreadable++;
      }
    }
  };
  await each(await query('SELECT id, url FROM drains'), (r) => !isSealed(String(r.url)) || s.stale(String(r.url)), (r) => {
    const url = String(r.url);
    const clear = isSealed(url) ? s.open(SEAL_CONTEXT.drainUrl, url) : url;
    return query('UPDATE drains SET url = $1 WHERE id = $2 AND url = $3 RETURNING id', [s.seal(SEAL_CONTEXT.drainUrl, clear), r.id, url]);
  });
  const sealedOf = (text: string): string | undefined => {
    const value = JSON.parse(text) as unknown;
    const sealed = value && typeof value === 'object' && !Array.isArray(value) ? (value as { sealed?: unknown }).sealed : undefined;
    return typeof sealed === 'string' ? sealed : undefined;
  };
  await each(await query('SELECT id, channels::text AS channels FROM alerts'), (r) => {
    const sealed = sealedOf(String(r.channels));
    return sealed === undefined || s.stale(sealed);
  }, (r) => {
    const text = String(r.channels);
    const sealed = sealedOf(text);
    const clear = sealed === undefined ? JSON.parse(text) : s.openJson(SEAL_CONTEXT.alertChannels, sealed);
    const next = JSON.stringify({ sealed: s.sealJson(SEAL_CONTEXT.alertChannels, clear) });
    return query('UPDATE alerts SET channels = $1::jsonb WHERE id = $2 AND channels::text = $3 RETURNING id', [next, r.id, text]);
  });
  await each(await query('SELECT tenant, sealed_secret FROM archive_configs WHERE sealed_secret IS NOT NULL'), (r) => s.stale(String(r.sealed_secret)), (r) => {
    const old = String(r.sealed_secret);
    const context = SEAL_CONTEXT.archiveSecret(String(r.tenant));
    return query('UPDATE archive_configs SET sealed_secret = $1 WHERE tenant = $2 AND sealed_secret = $3 RETURNING tenant', [s.seal(context, s.open(context, old)), r.tenant, old]);
  });
  return result;
}
