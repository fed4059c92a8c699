/**
 * Strict timestamp readers for the formats found in log files.
 *
 * Why not Date.parse: V8's fallback parser accepts almost anything ("foo 12" is a date in
 * 2001), which would turn random field values into timestamps. Every reader here is a
 * hand-written scanner: no regex per call, no backtracking, and it says exactly how many
 * characters it consumed so format parsers can continue after the timestamp.
 *
 * Missing zone: UTC. Missing year (syslog, glog): `inferYear` of `@millrace/syslog`, the one
 * rule every service uses: the year that puts the time closest to the arrival time (December
 * lines read in January are last year's).
 */
import { parseTimestamp } from '@millrace/log-schema';
import { digitsAt as digits, fractionAt as fraction, inferYear, monthAt, readBsdTime } from '@millrace/syslog';

export interface TimeMatch {
  /** Epoch milliseconds UTC. */
  ms: number;
  /** Index just after the timestamp. */
  end: number;
}

const WEEKDAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, sec: number): boolean {
  return y >= 1970 && y <= 9999 && mo >= 0 && mo <= 11 && d >= 1 && d <= 31 && h >= 0 && h <= 24 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 60;
}

/**
 * Zone designator at i: Z, ±hh:mm, ±hhmm, ±hh, optionally after one space, or " UTC"/" GMT".
 * Returns [offset minutes, end] or undefined when there is none.
 */
function zone(s: string, i: number): [number, number] | undefined {
  let j = i;
  let c = s.charCodeAt(j);
  if (c === 90 || c === 122) return [0, j + 1]; // Z z
  if (c === 32) {
    const word = s.slice(j + 1, j + 4);
    if ((word === 'UTC' || word === 'GMT') && !isLetter(s.charCodeAt(j + 4))) return [0, j + 4];
    j++;
    c = s.charCodeAt(j);
    if (c === 90 && !isLetter(s.charCodeAt(j + 1))) return [0, j + 1];
    // only a signed 4-digit zone may follow a space: "- name -" (Python) must not look like one
    if ((c === 43 || c === 45) && digits(s, j + 1, 4) >= 0 && !isDigit(s.charCodeAt(j + 5))) {
      return [sign(c) * (digits(s, j + 1, 2) * 60 + digits(s, j + 3, 2)), j + 5];
    }
    return undefined;
  }
  if (c !== 43 && c !== 45) return undefined;
  const hh = digits(s, j + 1, 2);
  if (hh < 0 || hh > 14) return undefined;
  if (s.charCodeAt(j + 3) === 58) {
    const mm = digits(s, j + 4, 2);
    if (mm < 0) return undefined;
    return [sign(c) * (hh * 60 + mm), j + 6];
  }
  const mm = digits(s, j + 3, 2);
  if (mm >= 0 && !isDigit(s.charCodeAt(j + 5))) return [sign(c) * (hh * 60 + mm), j + 5];
  if (isDigit(s.charCodeAt(j + 3))) return undefined;
  return [sign(c) * hh * 60, j + 3];
}

function sign(c: number): number {
  return c === 45 ? -1 : 1;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * `2006-01-02T15:04:05.000Z`, `2006-01-02 15:04:05,000`, `2006/01/02 15:04:05`, with or
 * without fraction and zone, or a bare date `2006-01-02`. Separator between date and time:
 * 'T' or one space. Zone-less times are UTC.
 */
export function readIsoLike(s: string, i = 0): TimeMatch | undefined {
  const y = digits(s, i, 4);
  if (y < 0) return undefined;
  const sep = s.charCodeAt(i + 4);
  if (sep !== 45 && sep !== 47) return undefined; // - /
  const mo = digits(s, i + 5, 2);
  if (mo < 0 || s.charCodeAt(i + 7) !== sep) return undefined;
  const d = digits(s, i + 8, 2);
  if (d < 0) return undefined;
  let j = i + 10;
  const t = s.charCodeAt(j);
  if (t !== 84 && t !== 32 && t !== 116) {
    // date only
    if (isDigit(t) || !validDate(y, mo - 1, d, 0, 0, 0)) return undefined;
    return { ms: Date.UTC(y, mo - 1, d), end: j };
  }
  const h = digits(s, j + 1, 2);
  if (h < 0 || s.charCodeAt(j + 3) !== 58) {
    if (t === 84 || !validDate(y, mo - 1, d, 0, 0, 0)) return undefined;
    return { ms: Date.UTC(y, mo - 1, d), end: j };
  }
  const mi = digits(s, j + 4, 2);
  if (mi < 0) return undefined;
  j += 6;
  let sec = 0;
  if (s.charCodeAt(j) === 58) {
    sec = digits(s, j + 1, 2);
    if (sec < 0) return undefined;
    j += 3;
  }
  if (!validDate(y, mo - 1, d, h, mi, sec)) return undefined;
  const [ms, afterFrac] = fraction(s, j);
  j = afterFrac;
  let offset = 0;
  const z = zone(s, j);
  if (z) [offset, j] = z;
  return { ms: Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60000, end: j };
}

/** Apache/nginx `02/Jan/2006:15:04:05 -0700`. */
export function readHttpDate(s: string, i = 0): TimeMatch | undefined {
  const d = digits(s, i, 2);
  if (d < 0 || s.charCodeAt(i + 2) !== 47) return undefined;
  const mo = monthAt(s, i + 3);
  if (mo < 0 || s.charCodeAt(i + 6) !== 47) return undefined;
  const y = digits(s, i + 7, 4);
  if (y < 0 || s.charCodeAt(i + 11) !== 58) return undefined;
  const h = digits(s, i + 12, 2);
  const mi = digits(s, i + 15, 2);
  const sec = digits(s, i + 18, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 14) !== 58 || s.charCodeAt(i + 17) !== 58) return undefined;
  if (!validDate(y, mo, d, h, mi, sec)) return undefined;
  const [ms, j0] = fraction(s, i + 20);
  let j = j0;
  let offset = 0;
  const z = zone(s, j);
  if (z) [offset, j] = z;
  return { ms: Date.UTC(y, mo, d, h, mi, sec, ms) - offset * 60000, end: j };
}

/** A time of day `15:04:05[.frac]` at i: [h, mi, sec, ms, end]. */
function timeOfDay(s: string, i: number): [number, number, number, number, number] | undefined {
  const h = digits(s, i, 2);
  const mi = digits(s, i + 3, 2);
  const sec = digits(s, i + 6, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return undefined;
  const [ms, end] = fraction(s, i + 8);
  return [h, mi, sec, ms, end];
}

/**
 * Syslog (RFC 3164) `Oct 11 22:14:15` / `Oct  1 22:14:15[.frac]`, optionally `Oct 11 2003
 * 22:14:15`: the reader of `@millrace/syslog`, so a field value reads as a syslog header does.
 */
export function readSyslogDate(s: string, i: number, receivedAt: number): TimeMatch | undefined {
  return readBsdTime(s, i, receivedAt);
}

/** ctime as in Apache error logs: `Wed Oct 11 14:32:52[.123456] 2000`. */
export function readCtime(s: string, i: number): TimeMatch | undefined {
  if (!WEEKDAYS.has(s.slice(i, i + 3).toLowerCase()) || s.charCodeAt(i + 3) !== 32) return undefined;
  const mo = monthAt(s, i + 4);
  if (mo < 0 || s.charCodeAt(i + 7) !== 32) return undefined;
  let j = i + 8;
  if (s.charCodeAt(j) === 32) j++;
  let d = digits(s, j, 2);
  if (d >= 0) j += 2;
  else {
    d = digits(s, j, 1);
    if (d < 0) return undefined;
    j += 1;
  }
  if (s.charCodeAt(j) !== 32) return undefined;
  const tod = timeOfDay(s, j + 1);
  if (!tod) return undefined;
  const [h, mi, sec, ms, end] = tod;
  if (s.charCodeAt(end) !== 32) return undefined;
  const y = digits(s, end + 1, 4);
  if (y < 0 || !validDate(y, mo, d, h, mi, sec)) return undefined;
  return { ms: Date.UTC(y, mo, d, h, mi, sec, ms), end: end + 5 };
}

/** RFC 1123 / 2822 `Mon, 02 Jan 2006 15:04:05 GMT|-0700`. */
export function readRfc2822(s: string, i: number): TimeMatch | undefined {
  if (!WEEKDAYS.has(s.slice(i, i + 3).toLowerCase()) || s.charCodeAt(i + 3) !== 44 || s.charCodeAt(i + 4) !== 32) return undefined;
  let j = i + 5;
  let d = digits(s, j, 2);
  if (d >= 0) j += 2;
  else {
    d = digits(s, j, 1);
    if (d < 0) return undefined;
    j += 1;
  }
  if (s.charCodeAt(j) !== 32) return undefined;
  const mo = monthAt(s, j + 1);
  if (mo < 0 || s.charCodeAt(j + 4) !== 32) return undefined;
  const y = digits(s, j + 5, 4);
  if (y < 0 || s.charCodeAt(j + 9) !== 32) return undefined;
  const tod = timeOfDay(s, j + 10);
  if (!tod) return undefined;
  const [h, mi, sec, ms, end] = tod;
  if (!validDate(y, mo, d, h, mi, sec)) return undefined;
  let offset = 0;
  let k = end;
  const z = zone(s, k);
  if (z) [offset, k] = z;
  return { ms: Date.UTC(y, mo, d, h, mi, sec, ms) - offset * 60000, end: k };
}

/** glog `0102 15:04:05.678901` (month+day, no year). */
export function readGlogDate(s: string, i: number, receivedAt: number): TimeMatch | undefined {
  const mo = digits(s, i, 2);
  const d = digits(s, i + 2, 2);
  if (mo < 1 || d < 0 || s.charCodeAt(i + 4) !== 32) return undefined;
  const tod = timeOfDay(s, i + 5);
  if (!tod) return undefined;
  const [h, mi, sec, ms, end] = tod;
  if (!validDate(2000, mo - 1, d, h, mi, sec)) return undefined;
  const t = inferYear(mo - 1, d, h, mi, sec, ms, receivedAt);
  return t === undefined ? undefined : { ms: t, end };
}

function isAllDigits(s: string): boolean {
  if (s.length === 0) return false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  let dot = false;
  if (i === s.length) return false;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && !dot) { dot = true; continue; }
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A timestamp value given on its own (a JSON or logfmt field, the line's `ts`, a rule's date
 * field). Numbers and digit strings are epoch s/ms/µs/ns by magnitude; strings must be one of
 * the known formats in full. Returns undefined for anything else.
 */
export function parseTimeValue(value: unknown, receivedAt: number): number | undefined {
  if (typeof value === 'number') return parseTimestamp(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length < 4 || s.length > 64) return undefined;
  if (isAllDigits(s)) return parseTimestamp(s);
  const c = s.charCodeAt(0);
  let m: TimeMatch | undefined;
  if (isDigit(c)) {
    m = readIsoLike(s, 0) ?? readHttpDate(s, 0);
    // Other ISO 8601 shapes (week dates, "+01" zones with seconds...): Date.parse is safe
    // enough once the string starts with a four-digit year and a dash.
    if ((!m || m.end !== s.length) && digits(s, 0, 4) >= 0 && s.charCodeAt(4) === 45) {
      const ms = parseTimestamp(s);
      if (ms !== undefined) return ms;
    }
  } else if (isLetter(c)) {
    m = readSyslogDate(s, 0, receivedAt) ?? readCtime(s, 0) ?? readRfc2822(s, 0);
  }
  if (!m || m.end !== s.length) return undefined;
  return m.ms;
}
