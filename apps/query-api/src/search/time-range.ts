/** A time bound was given in a form we cannot read. */
export class TimeRangeError extends Error {
  override readonly name = 'TimeRangeError';
  readonly status = 400;

  /** The parameter at fault (`from`, `to`, …). */
  constructor(message: string, readonly param: string) {
    super(message);
  }
}

/** Times from 1970 to the end of year 9999: what every index, cursor and date format can hold. */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Read a time bound: `now`, relative (`-15m`, `now-1h`, `now-2d`), epoch seconds or
 * milliseconds, or ISO 8601 (no zone = UTC).
 */
export function parseTimeBound(value: string, now: number, name: string): number {
  const ms = readTimeBound(value, now, name);
  if (!(ms >= 0 && ms <= LATEST_MS)) {
    throw new TimeRangeError(`${name} "${value.slice(0, 64)}" is out of range: times go from 1970 to 9999`, name);
  }
  return ms;
}

function readTimeBound(value: string, now: number, name: string): number {
  const text = value.trim();
  if (text === 'now') return now;
  const relative = /^(?:now)?-(\d+)([smhdw])$/.exec(text);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]];
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n < 1e11 ? n * 1000 : n;
  }
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(text) ? `${text.replace(' ', 'T')}${text.length > 10 ? 'Z' : ''}` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new TimeRangeError(`${name} "${value.slice(0, 64)}" is not a time: use now, -15m, now-1h, epoch milliseconds or ISO 8601`, name);
  }
  return ms;
}

export function parseTimeRange(from: string | undefined, to: string | undefined, defaultFrom: string, now = Date.now()): { from: number; to: number } {
  const range = { from: parseTimeBound(from ?? defaultFrom, now, 'from'), to: to ? parseTimeBound(to, now, 'to') : now };
  if (range.from > range.to) throw new TimeRangeError(`from (${new Date(range.from).toISOString()}) is after to (${new Date(range.to).toISOString()})`, 'from');
  return range;
}
