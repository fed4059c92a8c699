/**
 * Syslog times: RFC 3339 (RFC 5424's TIMESTAMP) and RFC 3164's `Mmm dd hh:mm:ss`, which has no
 * year and no zone. Hand-written scanners: no regex per call, no `Date.parse` (which reads almost
 * anything as a date).
 */

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

// Prototype-free: user text such as `constructor` or `__proto__` must miss, not hit Object.prototype.
const MONTHS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>,
  Object.fromEntries(MONTH_NAMES.map((m, i) => [m.toLowerCase(), i])));

export interface TimeRead {
  /** Epoch milliseconds UTC. */
  ms: number;
  /** Index just after the time. */
  end: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `n` digits at `i` as a number, or -1. (A scanner primitive shared with the parser-worker's readers.) */
export function digitsAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** The month (0-11) whose English abbreviation, in any case, is at `i`; -1 when there is none. */
export function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  const m = MONTHS[s.slice(i, i + 3).toLowerCase()];
  return m === undefined ? -1 : m;
}

/** Whether day `d` exists in month `mo` (0-based) of year `y`. */
function dayExists(y: number, mo: number, d: number): boolean {
  return d >= 1 && d <= 31 && new Date(Date.UTC(y, mo, d)).getUTCDate() === d;
}

/**
 * The one rule for a time written without a year (RFC 3164, glog): of the years around the
 * receive time, the one that puts the time closest to it. A line from 31 December received on
 * 1 January belongs to the year before; one from 1 January received on 31 December (a sender a
 * little ahead) to the year after. A date that exists in none of them (29 February away from a
 * leap year) is `undefined`. Times are UTC.
 */
export function inferYear(month: number, day: number, h: number, mi: number, s: number, ms: number, receivedAt: number): number | undefined {
  const year = new Date(receivedAt).getUTCFullYear();
  let best: number | undefined;
  let bestDistance = Infinity;
  for (let y = year - 1; y <= year + 1; y++) {
    if (!dayExists(y, month, day)) continue;
    const t = Date.UTC(y, month, day, h, mi, s, ms);
    const distance = Math.abs(t - receivedAt);
    if (distance < bestDistance) {
      best = t;
      bestDistance = distance;
    }
  }
  return best;
}

/** Milliseconds of a fraction after `.` or `,` at `i` (any number of digits, cut to 3): [ms, end]. */
export function fractionAt(s: string, i: number): [number, number] {
  const c = s.charCodeAt(i);
  if ((c !== 46 && c !== 44) || !isDigit(s.charCodeAt(i + 1))) return [0, i];
  let j = i + 1;
  let ms = 0;
  let n = 0;
  while (j < s.length && isDigit(s.charCodeAt(j))) {
    if (n < 3) ms = ms * 10 + (s.charCodeAt(j) - 48);
    n++;
    j++;
  }
  for (; n < 3; n++) ms *= 10;
  return [ms, j];
}

/**
 * RFC 3164 `Mmm dd hh:mm:ss` at `i`: the day may be space-padded (`Oct  1`) or a single digit,
 * the month in any case; a fraction (`.123456`) and a year before the time (`Oct 11 2024
 * 22:14:15`, as some appliances send) are accepted. Without a year, `inferYear` decides.
 */
export function readBsdTime(s: string, i: number, receivedAt: number): TimeRead | undefined {
  if (i + 14 > s.length || s.charCodeAt(i + 3) !== 32) return undefined;
  const month = monthAt(s, i);
  if (month < 0) return undefined;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  let day: number;
  if (isDigit(s.charCodeAt(j + 1))) {
    day = digitsAt(s, j, 2);
    j += 2;
  } else {
    day = digitsAt(s, j, 1);
    j += 1;
  }
  if (day < 1 || s.charCodeAt(j) !== 32) return undefined;
  j++;
  let year = -1;
  if (s.charCodeAt(j + 4) === 32) {
    year = digitsAt(s, j, 4);
    if (year < 0) return undefined;
    j += 5;
  }
  const h = digitsAt(s, j, 2);
  const mi = digitsAt(s, j + 3, 2);
  const sec = digitsAt(s, j + 6, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(j + 2) !== 58 || s.charCodeAt(j + 5) !== 58) return undefined;
  if (h > 23 || mi > 59 || sec > 60 || day > 31) return undefined;
  const [ms, end] = fractionAt(s, j + 8);
  if (year >= 0) {
    if (year < 1970 || !dayExists(year, month, day)) return undefined;
    return { ms: Date.UTC(year, month, day, h, mi, sec, ms), end };
  }
  const t = inferYear(month, day, h, mi, sec, ms, receivedAt);
  return t === undefined ? undefined : { ms: t, end };
}

/**
 * An RFC 3339 time filling `s[start, end)`: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`, also with
 * a lower-case `t`/`z`, `±hhmm`, more than six fraction digits, or no zone (then UTC), as real
 * senders write it. Milliseconds are kept (further digits cut).
 */
export function readRfc3339(s: string, start = 0, end = s.length): number | undefined {
  if (end - start < 19 || end - start > 40) return undefined;
  const y = digitsAt(s, start, 4);
  const mo = digitsAt(s, start + 5, 2);
  const d = digitsAt(s, start + 8, 2);
  const t = s.charCodeAt(start + 10);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || s.charCodeAt(start + 4) !== 45 || s.charCodeAt(start + 7) !== 45 || (t !== 84 && t !== 116)) return undefined;
  const h = digitsAt(s, start + 11, 2);
  const mi = digitsAt(s, start + 14, 2);
  const sec = digitsAt(s, start + 17, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60 || s.charCodeAt(start + 13) !== 58 || s.charCodeAt(start + 16) !== 58) return undefined;
  if (!dayExists(y, mo - 1, d)) return undefined;
  let [ms, j] = fractionAt(s, start + 19);
  if (j > end) return undefined;
  let offset = 0;
  if (j < end) {
    const z = s.charCodeAt(j);
    if (z === 90 || z === 122) {
      j++;
    } else if (z === 43 || z === 45) {
      const oh = digitsAt(s, j + 1, 2);
      const colon = s.charCodeAt(j + 3) === 58;
      const om = digitsAt(s, colon ? j + 4 : j + 3, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
      j += colon ? 6 : 5;
    } else {
      return undefined;
    }
  }
  if (j !== end) return undefined;
  ms = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60_000;
  return ms;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `Mmm dd hh:mm:ss` in UTC, the day space-padded (RFC 3164 §4.1.2). */
export function formatBsdTime(ms: number): string {
  const d = new Date(ms);
  const day = d.getUTCDate();
  return `${MONTH_NAMES[d.getUTCMonth()]} ${day < 10 ? ` ${day}` : day} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}
