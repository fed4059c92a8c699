/**
 * Timestamp normalisation. Every timestamp becomes epoch milliseconds (UTC).
 *
 * Rules:
 * - ISO 8601 / RFC 3339 with a zone is taken as given; without a zone it is read as UTC.
 * - Numbers (or all-digit strings) are epoch seconds, milliseconds, microseconds or
 *   nanoseconds, chosen by magnitude.
 * - A timestamp more than MAX_FUTURE_MS ahead of, or MAX_PAST_MS behind, the arrival time is
 *   absurd: the arrival time is used and the original is kept by the caller as a field.
 */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
export const MAX_PAST_MS = 400 * 24 * 3600 * 1000;

const ISO_NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export function parseTimestamp(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return fromEpoch(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return fromEpoch(Number(text));
  const normalised = ISO_NO_ZONE.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}

function fromEpoch(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n < 1e11) return Math.round(n * 1000); // seconds (until year 5138)
  if (n < 1e14) return Math.round(n); // milliseconds
  if (n < 1e17) return Math.round(n / 1e3); // microseconds
  return Math.round(n / 1e6); // nanoseconds
}

export interface NormalisedTimestamp {
  ts: number;
  /** Set when the given timestamp was unusable or absurd and the arrival time was used. */
  original?: unknown;
}

export function normaliseTimestamp(value: unknown, receivedAt: number): NormalisedTimestamp {
  if (value === undefined || value === null || value === '') return { ts: receivedAt };
  const ts = parseTimestamp(value);
  if (ts === undefined || ts > receivedAt + MAX_FUTURE_MS || ts < receivedAt - MAX_PAST_MS) {
    return { ts: receivedAt, original: value };
  }
  return { ts };
}
