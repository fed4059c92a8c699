/**
 * Lines that open with a bracketed timestamp:
 *   apache_error  [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416]
 *                 [client 72.15.99.187:50000] AH00128: File does not exist: /x
 *                 (2.2 style: [Wed Oct 11 14:32:52 2000] [error] [client 1.2.3.4] message)
 *   monolog       [2024-01-02 03:04:05] app.ERROR: message {"context":1} []
 *   bracket       [2024-01-02T03:04:05Z] INFO: message   (level word optional)
 * A line like `[INFO] message` has no timestamp and is left to the plain-text path, which
 * finds the bracketed level word.
 */
import { isIP } from 'node:net';
import { levelWord } from '../levels';
import { readCtime, readIsoLike } from '../time';
import type { ParseContext, Parsed } from '../types';

const MONOLOG = /^([\w.-]+)\.([A-Z]+): /;
const LEVEL_FIRST = /^\[?([A-Za-z]{3,9})\]?:?(?: +|$)/;
const APACHE_CODE = /^(AH\d{5}): /;
const DIGITS = /^\d+$/;
const TRACE_N = /^trace\d$/;

export function parseBracketed(text: string, _ctx: ParseContext): Parsed | undefined {
  const ctime = readCtime(text, 1);
  if (ctime) return text.charCodeAt(ctime.end) === 93 ? parseApacheError(text, ctime.ms, ctime.end + 1) : undefined;
  const iso = readIsoLike(text, 1);
  if (!iso || text.charCodeAt(iso.end) !== 93) return undefined;
  const tsRaw = text.slice(1, iso.end);
  let i = iso.end + 1;
  while (text.charCodeAt(i) === 32) i++;
  const rest = text.slice(i);
  let m = MONOLOG.exec(rest);
  if (m && levelWord(m[2])) {
    return { format: 'monolog', message: rest.slice(m[0].length), fields: { channel: m[1] }, tsMs: iso.ms, tsRaw, level: m[2] };
  }
  m = LEVEL_FIRST.exec(rest);
  if (m && levelWord(m[1])) {
    return { format: 'bracket', message: rest.slice(m[0].length), fields: {}, tsMs: iso.ms, tsRaw, level: m[1] };
  }
  return { format: 'bracket', message: rest, fields: {}, tsMs: iso.ms, tsRaw };
}

function parseApacheError(text: string, tsMs: number, start: number): Parsed {
  const tsRaw = text.slice(1, start - 1);
  const fields: Record<string, unknown> = {};
  const apache: Record<string, unknown> = {};
  let level: string | undefined;
  let i = start;
  // a run of " [...]" groups: [module:level] [pid N:tid M] [client ip:port]
  for (let group = 0; group < 6; group++) {
    if (text.charCodeAt(i) !== 32 || text.charCodeAt(i + 1) !== 91) break;
    const close = text.indexOf(']', i + 2);
    if (close < 0) break;
    const inner = text.slice(i + 2, close);
    if (inner.startsWith('pid ')) {
      const [pid, tid] = inner.slice(4).split(':tid ');
      if (DIGITS.test(pid)) fields.pid = Number(pid);
      if (tid !== undefined && DIGITS.test(tid)) fields.tid = Number(tid);
    } else if (inner.startsWith('client ') || inner.startsWith('remote ')) {
      const addr = inner.slice(7);
      const client: Record<string, unknown> = {};
      if (isIP(addr)) client.ip = addr;
      else {
        const colon = addr.lastIndexOf(':');
        const ip = colon > 0 ? addr.slice(0, colon) : addr;
        if (isIP(ip)) client.ip = ip;
        else client.address = addr;
        const port = colon > 0 ? Number(addr.slice(colon + 1)) : NaN;
        if (Number.isInteger(port)) client.port = port;
      }
      fields.client = client;
    } else if (group === 0) {
      const colon = inner.indexOf(':');
      const word = colon >= 0 ? inner.slice(colon + 1) : inner;
      if (colon >= 0) apache.module = inner.slice(0, colon);
      // trace1..trace8 are Apache's finest levels
      level = TRACE_N.test(word) ? 'trace' : word;
    } else {
      break;
    }
    i = close + 1;
  }
  if (text.charCodeAt(i) === 32) i++;
  let message = text.slice(i);
  const code = APACHE_CODE.exec(message);
  if (code) {
    apache.code = code[1];
    message = message.slice(code[0].length);
  }
  if (apache.module !== undefined || apache.code !== undefined) fields.apache = apache;
  return { format: 'apache_error', message, fields, tsMs, tsRaw, level };
}
