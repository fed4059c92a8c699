/**
 * logfmt (`ts=... level=info msg="hello world" status=200`) and key=value pairs in text.
 *
 * The rule (so English sentences with one '=' stay plain text):
 * - A pair is a token `key=value` where key starts with a letter, '_' or '@' and continues
 *   with letters, digits, '_', '.', '-', '/', '@'; value is "double-quoted" (backslash
 *   escapes), 'single-quoted', or runs to the next white space. Tokens are separated by
 *   white space.
 * - logfmt: the first token is a pair, there are at least 2 pairs, and pairs are at least
 *   half of all tokens; or the line is a single pair and nothing else (`status=200`).
 *   Message = `msg`/`message`/... value followed by any bare words; without such a key, the
 *   whole line.
 * - kv (any other text, and the message part of text formats): at least 2 pairs anywhere
 *   -> they become fields, the message stays the whole text. One pair counts only when it is
 *   unambiguous: it ends the line (`connection closed reason=timeout`), its key has at least
 *   two characters, its value is quoted or does not end like a sentence (`.`, `?`, `!`, `:`),
 *   and no other word has an `=` in it. So prose keeps its words: `a=b is wrong`,
 *   `if x=1 then`, `the sum is x=3`, `2+2=4 so total=4.` give no field.
 * Values: unquoted integers/decimals become numbers (not ones with leading zeros or too many
 * digits to be exact), true/false become booleans, everything else (and anything quoted)
 * stays a string.
 */
import type { ParseContext, Parsed } from '../types';
import { setOwn } from '../util';
import { consumeReserved } from './reserved';

export interface KvScan {
  fields: Record<string, unknown>;
  pairs: number;
  tokens: number;
  firstIsPair: boolean;
  /** Bare words (non-pair tokens) in order. */
  bare: string[];
  /** The last token is a pair. */
  lastIsPair: boolean;
  /** Tokens that contain `=` without being a pair (`2+2=4`, `==>`). */
  otherEquals: number;
  /** Key of the last pair, and whether its value was quoted and how its unquoted text ends. */
  lastKey: string;
  lastQuoted: boolean;
  lastEnd: number;
}

function isKeyStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64;
}
function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45 || c === 47;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Scan the whole text into pairs and bare words. Linear, no regex. */
export function scanPairs(s: string, trimPunctuation: boolean, collectBare: boolean): KvScan {
  const fields: Record<string, unknown> = {};
  const bare: string[] = [];
  let pairs = 0;
  let tokens = 0;
  let firstIsPair = false;
  let lastIsPair = false;
  let otherEquals = 0;
  let lastKey = '';
  let lastQuoted = false;
  let lastEnd = 0;
  const n = s.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(s.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    tokens++;
    // key?
    let isPair = false;
    if (isKeyStart(s.charCodeAt(i))) {
      let k = i + 1;
      while (k < n && isKeyChar(s.charCodeAt(k))) k++;
      if (k < n && s.charCodeAt(k) === 61) {
        isPair = true;
        const key = s.slice(i, k);
        let j = k + 1;
        let value: unknown;
        const q = s.charCodeAt(j);
        if (q === 34 || q === 39) {
          // quoted: find the closing quote, honouring backslash escapes
          let out = '';
          let segStart = j + 1;
          let m = j + 1;
          let closed = false;
          while (m < n) {
            const c = s.charCodeAt(m);
            if (c === 92 && m + 1 < n) {
              out += s.slice(segStart, m);
              const e = s.charCodeAt(m + 1);
              out += e === 110 ? '\n' : e === 116 ? '\t' : e === 114 ? '\r' : s[m + 1];
              m += 2;
              segStart = m;
              continue;
            }
            if (c === q) { closed = true; break; }
            m++;
          }
          if (closed) {
            value = out + s.slice(segStart, m);
            j = m + 1;
            lastQuoted = true;
          } else {
            // unterminated quote: take the rest of the token literally
            let e = j;
            while (e < n && !isSpace(s.charCodeAt(e))) e++;
            value = s.slice(j, e);
            j = e;
            lastQuoted = false;
            lastEnd = e > k + 1 ? s.charCodeAt(e - 1) : 0;
          }
        } else {
          let e = j;
          while (e < n && !isSpace(s.charCodeAt(e))) e++;
          let raw = s.slice(j, e);
          if (trimPunctuation && raw.length > 1) {
            const last = raw.charCodeAt(raw.length - 1);
            if (last === 44 || last === 59) raw = raw.slice(0, -1); // , ;
          }
          value = typeValue(raw);
          j = e;
          lastQuoted = false;
          lastEnd = e > k + 1 ? s.charCodeAt(e - 1) : 0;
        }
        if (!Object.prototype.hasOwnProperty.call(fields, key)) setOwn(fields, key, value);
        pairs++;
        if (tokens === 1) firstIsPair = true;
        lastIsPair = true;
        lastKey = key;
        i = j;
      }
    }
    if (!isPair) {
      let equals = false;
      while (i < n && !isSpace(s.charCodeAt(i))) {
        if (s.charCodeAt(i) === 61) equals = true;
        i++;
      }
      if (equals) otherEquals++;
      lastIsPair = false;
      if (collectBare) bare.push(s.slice(start, i));
    }
  }
  return { fields, pairs, tokens, firstIsPair, bare, lastIsPair, otherEquals, lastKey, lastQuoted, lastEnd };
}

/** Unquoted value -> number / boolean / string. */
export function typeValue(raw: string): unknown {
  const n = raw.length;
  if (n === 0) return '';
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const c = raw.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45) return maybeNumber(raw);
  return raw;
}

function maybeNumber(raw: string): unknown {
  let i = raw.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  if (i >= raw.length) return raw;
  while (i < raw.length && isDigitCode(raw.charCodeAt(i))) i++;
  const intLen = i - intStart;
  if (intLen === 0) return raw;
  if (intLen > 1 && raw.charCodeAt(intStart) === 48) return raw; // leading zero: an id, keep it
  if (i === raw.length) return intLen <= 15 ? Number(raw) : raw;
  if (raw.charCodeAt(i) !== 46) return raw;
  i++;
  const fracStart = i;
  while (i < raw.length && isDigitCode(raw.charCodeAt(i))) i++;
  if (i === fracStart || i !== raw.length) return raw;
  return intLen + (i - fracStart) <= 17 ? Number(raw) : raw;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The whole line as logfmt, when it qualifies (see the rule above). */
export function parseLogfmt(text: string, ctx: ParseContext): Parsed | undefined {
  const scan = scanPairs(text, false, true);
  const single = scan.pairs === 1 && scan.tokens === 1 && unambiguousSingle(scan);
  if (!scan.firstIsPair || (!single && (scan.pairs < 2 || scan.pairs * 2 < scan.tokens))) return undefined;
  const parsed: Parsed = { format: 'logfmt', message: text, fields: scan.fields };
  const before = parsed.message;
  consumeReserved(parsed, scan.fields, ctx.receivedAt, true);
  if (parsed.message !== before && scan.bare.length > 0) parsed.message += ' ' + scan.bare.join(' ');
  return parsed;
}

/**
 * key=value pairs inside free text: returns the fields when there are at least `minPairs`
 * pairs (default two), or one unambiguous pair (see the rule above). Callers check `text.indexOf('=')` first so lines
 * without '=' cost nothing.
 */
export function extractPairs(text: string, minPairs = 2): Record<string, unknown> | undefined {
  const scan = scanPairs(text, true, false);
  if (scan.pairs >= minPairs) return scan.fields;
  return scan.pairs === 1 && unambiguousSingle(scan) ? scan.fields : undefined;
}

/** `.`, `?`, `!`, `:` and `=`: a value ending so is more likely a sentence or an equation. */
function endsLikeProse(c: number): boolean {
  return c === 46 || c === 63 || c === 33 || c === 58 || c === 61 || c === 0;
}

function unambiguousSingle(scan: KvScan): boolean {
  if (!scan.lastIsPair || scan.otherEquals > 0) return false;
  if (scan.tokens === 1) return !endsLikeProse(scan.lastEnd) || scan.lastQuoted;
  return scan.lastKey.length >= 2 && (scan.lastQuoted || !endsLikeProse(scan.lastEnd));
}
