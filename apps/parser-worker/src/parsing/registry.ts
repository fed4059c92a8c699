/**
 * Picks the parser for a line by its first non-blank character, so each line pays for at most
 * two or three cheap attempts:
 *   '{'            JSON
 *   '['            bracketed timestamp (Apache error log, Monolog, `[ts] LEVEL:`)
 *   digit or ':'   CRI container line, access log (client address first), then
 *                  timestamp-led app formats
 *   letter         glog / Ruby Logger / Python basicConfig, access log with a host name or
 *                  hex IPv6 first
 * Syslog messages are not read here: the pipeline takes their header off first (formats/syslog.ts)
 * and parses MSG with this, exactly as for a syslog line the gateway received over TCP.
 * Container wrappers (CRI lines, Docker json-file with a JSON payload) are unwrapped.
 * Whatever is left: logfmt when the line is mostly key=value pairs, else plain text (with
 * key=value pairs extracted when there are at least two). Text formats also get key=value
 * pairs from their message part. Nothing here throws: unrecognised input is plain text.
 */
import { parseAccessLog } from './formats/access-log';
import { parseTimestamped } from './formats/app-logs';
import { parseBracketed } from './formats/bracket';
import { refineHeroku } from './formats/heroku';
import { parseJson } from './formats/json';
import { parseLevelPrefixed } from './formats/level-prefixed';
import { extractPairs, parseLogfmt } from './formats/logfmt';
import type { FormatName, ParseContext, Parsed } from './types';
import { readIsoLike } from './time';
import { hasOwn, setOwn } from './util';

/** Formats whose message is free text that may carry `key=value` pairs worth extracting. */
const TEXT_MESSAGE_FORMATS = new Set<FormatName>([
  'log4j', 'logback', 'spring', 'python', 'go', 'glog', 'rails', 'bracket', 'monolog', 'timestamped', 'apache_error',
]);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function detect(body: string, c: number, ctx: ParseContext): Parsed | undefined {
  if (c === 123) return parseJson(body, ctx);
  if (c === 91) return parseBracketed(body, ctx);
  if (isDigit(c)) return parseAccessLog(body, ctx) ?? parseTimestamped(body, ctx);
  if (c === 58) return parseAccessLog(body, ctx);
  if (isLetter(c)) return parseLevelPrefixed(body, ctx) ?? parseAccessLog(body, ctx);
  return undefined;
}

/**
 * Container runtime wrappers around an application's own line:
 * - CRI (containerd, CRI-O; what Kubernetes nodes write): `<RFC 3339 time> stdout|stderr F|P <line>`
 * - Docker's json-file: `{"log":"<line>\n","stream":"stdout","time":"..."}` whose line is JSON
 * The inner line is parsed on its own; it keeps its format, message, level and time (the
 * wrapper's time is used only when the inner line has none) and gains a `stream` field.
 */
const CRI = /^(\S+) (stdout|stderr) ([FP]) /;

function unwrapCri(body: string, ctx: ParseContext): Parsed | undefined {
  // cheap pre-check: an RFC 3339 time is at most ~35 characters, then " stdout " / " stderr "
  const sp = body.indexOf(' ');
  if (sp < 10 || sp > 40 || body.charCodeAt(sp + 1) !== 115 || (body.charCodeAt(sp + 4) !== 111 && body.charCodeAt(sp + 4) !== 101)) return undefined;
  const m = CRI.exec(body);
  if (!m) return undefined;
  const ts = readIsoLike(m[1], 0);
  if (!ts || ts.end !== m[1].length) return undefined;
  const inner = parseLine(body.slice(m[0].length), ctx, false);
  if (!hasOwn(inner.fields, 'stream')) setOwn(inner.fields, 'stream', m[2]);
  if (inner.tsMs === undefined) {
    inner.tsMs = ts.ms;
    inner.tsRaw = m[1];
  }
  return inner;
}

function unwrapDocker(outer: Parsed, ctx: ParseContext): Parsed {
  const inner = parseJson(outer.message, ctx);
  if (!inner) return outer;
  const stream = outer.fields.stream;
  if (typeof stream === 'string' && !hasOwn(inner.fields, 'stream')) setOwn(inner.fields, 'stream', stream);
  if (inner.tsMs === undefined && outer.tsMs !== undefined) {
    inner.tsMs = outer.tsMs;
    inner.tsRaw = outer.tsRaw;
  }
  return inner;
}

/** Parse one line (already stripped of trailing newlines). Never throws. */
export function parseLine(text: string, ctx: ParseContext, unwrap = true): Parsed {
  let i = 0;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 0xfeff) break; // blanks and a stray byte-order mark
    i++;
  }
  if (i === text.length) return { format: 'plain', message: text, fields: {} };
  const body = i === 0 ? text : text.slice(i);
  const c = body.charCodeAt(0);
  if (unwrap && isDigit(c)) {
    const inner = unwrapCri(body, ctx);
    if (inner) return inner;
  }
  let parsed = detect(body, c, ctx);
  if (parsed && unwrap && parsed.format === 'json' && parsed.keys?.message === 'log' && parsed.message.charCodeAt(0) === 123) {
    parsed = unwrapDocker(parsed, ctx);
  }
  if (parsed) {
    if (TEXT_MESSAGE_FORMATS.has(parsed.format) && parsed.message.indexOf('=') > 0) mergePairs(parsed);
    return parsed;
  }
  if (body.indexOf('=') > 0) {
    if (i === 0) {
      const logfmt = parseLogfmt(body, ctx);
      if (logfmt) return refineHeroku(logfmt);
    }
    const pairs = extractPairs(text);
    if (pairs) return { format: 'kv', message: text, fields: pairs };
  }
  return { format: 'plain', message: text, fields: {} };
}

/** key=value pairs in a text message join the fields; the format's own fields win. */
function mergePairs(parsed: Parsed): void {
  const pairs = extractPairs(parsed.message);
  if (!pairs) return;
  for (const key of Object.keys(pairs)) {
    if (!hasOwn(parsed.fields, key)) setOwn(parsed.fields, key, pairs[key]);
  }
}
