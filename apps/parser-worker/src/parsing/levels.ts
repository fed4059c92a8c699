/**
 * Finding a level word in free text: `ERROR ...`, `[warn] ...`, `<info>`, `Error: ...`.
 *
 * Rule: within the first 64 characters, the first word (letters, digits, '_') that is a known
 * level name and is either ALL CAPS, or enclosed in [] <> (), or is the very first word and
 * followed by ':'. Lower-case level words inside a sentence ("an error occurred") do not count.
 */
import { normaliseLevel } from '@millrace/log-schema';

const SCAN = 64;

/** Level names recognised in text, including Serilog's three-letter forms. */
// Prototype-free: user text such as `constructor` or `__proto__` must miss, not hit Object.prototype.
const WORDS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
  trace: 'trace', trc: 'trace', vrb: 'trace', verbose: 'trace',
  debug: 'debug', dbg: 'debug',
  info: 'info', inf: 'info', notice: 'info',
  warn: 'warn', warning: 'warn', wrn: 'warn',
  error: 'error', err: 'error', severe: 'error',
  fatal: 'fatal', ftl: 'fatal', crit: 'fatal', critical: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal', panic: 'fatal',
});

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isUpper(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
  }
  return true;
}

export function detectLevelWord(text: string, from = 0): string | undefined {
  const end = Math.min(text.length, from + SCAN);
  let i = from;
  while (i < end) {
    while (i < end && !isWordChar(text.charCodeAt(i))) i++;
    const start = i;
    while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
    const len = i - start;
    if (len < 3 || len > 9) continue;
    const word = text.slice(start, i);
    const level = WORDS[word.toLowerCase()];
    if (!level) continue;
    if (isUpper(word)) return level;
    const before = start > 0 ? text.charCodeAt(start - 1) : 0;
    const after = i < text.length ? text.charCodeAt(i) : 0;
    if ((before === 91 && after === 93) || (before === 60 && after === 62) || (before === 40 && after === 41)) return level;
    if (start === from && after === 58) return level;
  }
  return undefined;
}

/** The level a word names (any case), or undefined: `WARN` -> warn, `Information` -> undefined. */
export function levelWord(word: string): string | undefined {
  return WORDS[word.toLowerCase()];
}

/** Normalise a level value from a structured field (word, syslog number, pino number). */
export function levelFromValue(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const mapped = WORDS[value.trim().toLowerCase()];
    if (mapped) return mapped;
  }
  return normaliseLevel(value);
}

/** Level implied by an HTTP status: 5xx error, 4xx warn, anything else info. */
export function levelFromStatus(status: number | undefined): string {
  if (status === undefined) return 'info';
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'info';
}
