/** Number and date literals of the query language, and how OpenSearch reads numbers. */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number literal (`5`, `-2.5`, `1e3`); undefined for anything else or non-finite. */
export function parseNumberLiteral(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Prints a number so that `parseNumberLiteral` reads back the same value (including -0). */
export function formatNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Prints epoch milliseconds as an ISO date-time when `parseIsoDate` reads it back exactly. */
export function formatTimestamp(ms: number): string {
  if (Number.isInteger(ms) && Math.abs(ms) <= 8.64e15) {
    const iso = new Date(ms).toISOString();
    if (parseIsoDate(iso) === ms) return iso;
  }
  return formatNumber(ms);
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as epoch milliseconds. A date alone is midnight UTC; a time
 * without a zone is UTC (never the server's local time). Precision is the millisecond, like
 * the `date` type.
 */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => Number(part ?? 0));
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // Dates roll 2024-02-30 over into March; refuse instead of guessing.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const epoch = date.getTime();
  const zone = m[8];
  if (zone === undefined || zone === 'Z') return epoch;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2)) > 59) return undefined;
  return epoch - sign * offset * 60_000;
}

/** A `ts` value: integer epoch milliseconds or an ISO date. */
export function parseTimestampLiteral(text: string): number | undefined {
  const number = parseNumberLiteral(text);
  if (number !== undefined) return Number.isInteger(number) ? number : undefined;
  return parseIsoDate(text);
}

const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/**
 * How OpenSearch reads a query string against a `double` field (Java's Double.parseDouble:
 * surrounding control characters and spaces are ignored, a d/f suffix is allowed), so the
 * matcher accepts exactly the spellings OpenSearch does. Hexadecimal floats are not
 * supported. Undefined when OpenSearch would reject the value (its query is then lenient).
 */
export function parseDoubleAsOpenSearch(text: string): number | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  const trimmed = text.slice(start, end);
  if (!JAVA_DOUBLE.test(trimmed)) return undefined;
  const value = Number(trimmed.replace(/[fFdD]$/, ''));
  // A double field accepts only finite values; the query for anything else matches nothing.
  return Number.isFinite(value) ? value : undefined;
}
