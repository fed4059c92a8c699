/**
 * PII redaction, applied to the message and every string field value (and numeric fields for
 * card numbers) before an event leaves the parser; field values are redacted during the
 * limits pass (limits.ts), before any truncation. A match becomes a visible marker `[REDACTED:<detector>]`; the event lists the
 * detectors that fired in `fields.redacted` (sorted names), and the batch stats count matches
 * per detector.
 *
 * Built-in detectors are hand-written scanners (linear time, no regex backtracking):
 * - email:       local@domain.tld (local part <= 64 chars of [A-Za-z0-9._%+-], domain with a dot
 *                and a 2+ letter TLD)
 * - credit_card: 13-19 digits, optionally in groups of 3+ digits split by single spaces or
 *                dashes, first digit 2-6 (card networks), passing the Luhn check; integers in
 *                numeric fields are checked too
 * - ipv4, ipv6:  off by default; validated addresses only
 * Tenant patterns run on the same safe regex engine as parsing rules (RE2 when available).
 */
import { isIPv6 } from 'node:net';
import { compilePattern, type SafeRegex } from './rules/engine';

export interface RedactionConfig {
  /** Default true. */
  email?: boolean;
  /** Default true. */
  creditCard?: boolean;
  /** Default false. */
  ipv4?: boolean;
  /** Default false. */
  ipv6?: boolean;
  /** Tenant patterns; `name` is the detector name in markers and stats ([a-z0-9_-], <= 32). */
  custom?: Array<{ name: string; pattern: string; ignoreCase?: boolean }>;
}

type Scanner = (text: string, out: Match[]) => void;
interface Match { start: number; end: number }

interface Detector {
  name: string;
  scan: Scanner;
}

export interface CompiledRedaction {
  detectors: Detector[];
  cardNumbers: boolean;
}

export class RedactionConfigError extends Error {
  override readonly name = 'RedactionConfigError';
}

const NAME = /^[a-z0-9_-]{1,32}$/;

export function compileRedaction(config: RedactionConfig): CompiledRedaction {
  const detectors: Detector[] = [];
  if (config.email !== false) detectors.push({ name: 'email', scan: scanEmails });
  if (config.creditCard !== false) detectors.push({ name: 'credit_card', scan: scanCards });
  if (config.ipv4 === true) detectors.push({ name: 'ipv4', scan: scanIpv4 });
  if (config.ipv6 === true) detectors.push({ name: 'ipv6', scan: scanIpv6 });
  for (const custom of config.custom ?? []) {
    if (!NAME.test(custom.name)) throw new RedactionConfigError(`redaction name "${custom.name}" must match ${NAME.source}`);
    let re: SafeRegex;
    try {
      re = compilePattern(custom.pattern, { ignoreCase: custom.ignoreCase, global: true, requireNamedGroup: false });
    } catch (err) {
      throw new RedactionConfigError(`redaction "${custom.name}": ${(err as Error).message}`);
    }
    detectors.push({ name: custom.name, scan: (text, out) => re.forEachMatch(text, (start, end) => { out.push({ start, end }); }) });
  }
  return { detectors, cardNumbers: config.creditCard !== false };
}

export interface RedactionTally {
  counts: Record<string, number>;
}

/** Matches of one detector on one string; reused (redaction is synchronous and not reentrant). */
const matches: Match[] = [];

/** Redact one string; records detector names hit in `hit`. Returns the input when clean. */
export function redactText(text: string, red: CompiledRedaction, hit: Set<string>, tally: RedactionTally): string {
  let result = text;
  for (const d of red.detectors) {
    matches.length = 0;
    d.scan(result, matches);
    if (matches.length === 0) continue;
    hit.add(d.name);
    tally.counts[d.name] = (tally.counts[d.name] ?? 0) + matches.length;
    const marker = `[REDACTED:${d.name}]`;
    let out = '';
    let last = 0;
    for (const m of matches) {
      if (m.start < last || m.end <= m.start) continue;
      out += result.slice(last, m.start) + marker;
      last = m.end;
    }
    result = out + result.slice(last);
  }
  return result;
}

/** A numeric field that is a valid card number becomes the marker; other numbers pass. */
export function redactNumber(value: number, red: CompiledRedaction, hit: Set<string>, tally: RedactionTally): unknown {
  if (!red.cardNumbers || value < 1e12 || !Number.isSafeInteger(value)) return value;
  const digits = String(value);
  if (digits.length >= 13 && digits.length <= 19 && isCardPrefix(digits.charCodeAt(0)) && luhn(digits)) {
    hit.add('credit_card');
    tally.counts.credit_card = (tally.counts.credit_card ?? 0) + 1;
    return '[REDACTED:credit_card]';
  }
  return value;
}

// ---------------------------------------------------------------- e-mail

function isLocalChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
function isDomainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}
function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function scanEmails(text: string, out: Match[]): void {
  let at = text.indexOf('@');
  let floor = 0; // never reach back into a previous match
  while (at >= 0) {
    let s = at;
    while (s > floor && at - s < 64 && isLocalChar(text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++; // no leading dot
    let e = at + 1;
    while (e < text.length && e - at <= 253 && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--; // trailing punctuation
    if (s < at && e > at + 1) {
      let lastDot = e - 1; // bounded search: lastIndexOf could walk back over the whole text
      while (lastDot > at && text.charCodeAt(lastDot) !== 46) lastDot--;
      if (lastDot > at + 1 && e - lastDot - 1 >= 2) {
        let tldOk = true;
        for (let k = lastDot + 1; k < e; k++) if (!isAlpha(text.charCodeAt(k))) { tldOk = false; break; }
        if (tldOk) {
          out.push({ start: s, end: e });
          floor = e;
        }
      }
    }
    at = text.indexOf('@', Math.max(at + 1, floor));
  }
}

// ---------------------------------------------------------------- credit cards

function isCardPrefix(c: number): boolean {
  return c >= 50 && c <= 54; // '2'..'6': the card networks' first digits
}

/** Luhn checksum over a string of digits. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWordChar(c: number): boolean {
  return isDigit(c) || isAlpha(c) || c === 95;
}

/**
 * Whether the text holds 13 digits in a row, counting single spaces or dashes between digits as
 * part of the row: a card number cannot be anywhere else, and most strings have none, so this
 * one tight pass spares them the full scan.
 */
function mayHoldCard(text: string): boolean {
  let run = 0;
  let prevDigit = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run >= 13) return true;
      prevDigit = true;
    } else if (prevDigit && (c === 32 || c === 45)) {
      prevDigit = false;
    } else {
      run = 0;
      prevDigit = false;
    }
  }
  return false;
}

const starts: number[] = [];
const ends: number[] = [];

function scanCards(text: string, out: Match[]): void {
  if (!mayHoldCard(text)) return;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i)) || (i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    // a run of digit groups separated by single ' ' or '-' (bounded: 64 groups)
    starts.length = 0;
    ends.length = 0;
    for (;;) {
      starts.push(i);
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      ends.push(i);
      const sep = text.charCodeAt(i);
      if (starts.length < 64 && (sep === 32 || sep === 45) && isDigit(text.charCodeAt(i + 1))) {
        i++;
        continue;
      }
      break;
    }
    const runEnd = i;
    if (runEnd < n && isWordChar(text.charCodeAt(runEnd))) {
      // the run is glued to a word ("123abc"): drop its last group from consideration
      starts.pop();
      ends.pop();
    }
    // try windows of consecutive groups, leftmost first, longest first
    let a = 0;
    while (a < starts.length) {
      let found = -1;
      let digits = 0;
      for (let b = a; b < starts.length; b++) {
        const len = ends[b] - starts[b];
        if (b > a && (len < 3 || ends[a] - starts[a] < 3)) break; // grouped numbers use groups of 3+
        digits += len;
        if (digits > 19) break;
        if (digits >= 13 && isCardPrefix(text.charCodeAt(starts[a])) && luhn(onlyDigits(text, starts[a], ends[b]))) found = b;
      }
      if (found >= 0) {
        out.push({ start: starts[a], end: ends[found] });
        a = found + 1;
      } else {
        a++;
      }
    }
  }
}

function onlyDigits(text: string, start: number, end: number): string {
  let s = '';
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) s += text[k];
  }
  return s;
}

// ---------------------------------------------------------------- IP addresses

function scanIpv4(text: string, out: Match[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i)) || (i > 0 && (isWordChar(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === 46))) {
      i++;
      continue;
    }
    const start = i;
    let parts = 0;
    let ok = true;
    for (;;) {
      const p = i;
      let v = 0;
      while (i < n && isDigit(text.charCodeAt(i)) && i - p < 4) v = v * 10 + (text.charCodeAt(i++) - 48);
      const len = i - p;
      if (len === 0 || len > 3 || v > 255 || (len > 1 && text.charCodeAt(p) === 48)) { ok = false; break; }
      parts++;
      if (parts === 4) break;
      if (text.charCodeAt(i) !== 46 || !isDigit(text.charCodeAt(i + 1))) { ok = false; break; }
      i++;
    }
    const after = i < n ? text.charCodeAt(i) : 0;
    if (ok && parts === 4 && !isWordChar(after) && !(after === 46 && isDigit(text.charCodeAt(i + 1)))) {
      out.push({ start, end: i });
    } else {
      while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      if (i === start) i++;
    }
  }
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function scanIpv6(text: string, out: Match[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!(isHex(c) || c === 58) || (i > 0 && isWordChar(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    const start = i;
    let colons = 0;
    let hex = 0;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 58) colons++;
      else if (isHex(d)) hex++;
      else if (d !== 46) break;
      i++;
      if (i - start > 45) break;
    }
    let end = i;
    // a trailing ':' is punctuation ("addr: ..."), not part of the address
    while (end > start + 2 && text.charCodeAt(end - 1) === 58 && text.charCodeAt(end - 2) !== 58) end--;
    if (colons >= 2 && hex >= 1 && !isWordChar(end < n ? text.charCodeAt(end) : 0) && isIPv6(text.slice(start, end))) {
      out.push({ start, end });
    }
    if (i === start) i++;
  }
}
