/**
 * nginx and Apache access logs (NCSA common and combined):
 *   127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326
 *   ... "http://ref/" "Mozilla/5.0 ..."           (combined = nginx's default `main` format)
 * Anything after the user agent (e.g. `rt=0.123 uct="0.000"`) is read as key=value pairs.
 * Fields: http.{method,path,protocol,status,bytes,referer,user_agent}, client.{ip|host,user};
 * `-` means absent. Level from the status: 5xx error, 4xx warn, else info. The message is the
 * whole line, as people expect to see it.
 */
import { isIP } from 'node:net';
import { levelFromStatus } from '../levels';
import { readHttpDate } from '../time';
import type { ParseContext, Parsed } from '../types';
import { setOwn } from '../util';
import { extractPairs } from './logfmt';

// Compiled once. Every part is a negated class or a fixed token, so matching is linear: no
// two quantifiers can compete for the same characters.
const ACCESS = /^(\S+) (\S+) (\S+) \[([^\]]{20,40})\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?(.*)$/;

/** Cheap pre-check: the fourth space-separated token starts with '['. */
function looksLikeAccess(s: string): boolean {
  let spaces = 0;
  const max = Math.min(s.length, 300);
  for (let i = 0; i < max; i++) {
    const c = s.charCodeAt(i);
    if (c === 61 || c === 34) return false; // '=' or '"' before the date: logfmt, not an access log
    if (c === 32) {
      spaces++;
      if (spaces === 3) return s.charCodeAt(i + 1) === 91;
    }
  }
  return false;
}

// nginx writes \xHH for odd bytes: only \" and \\ are escapes to undo
const ESCAPE = /\\(["\\])/g;

function unescape(s: string): string {
  return s.indexOf('\\') < 0 ? s : s.replace(ESCAPE, '$1');
}

export function parseAccessLog(text: string, _ctx: ParseContext): Parsed | undefined {
  if (!looksLikeAccess(text)) return undefined;
  const m = ACCESS.exec(text);
  if (!m) return undefined;
  const time = readHttpDate(m[4], 0);
  if (!time || time.end !== m[4].length) return undefined;
  const http: Record<string, unknown> = {};
  const client: Record<string, unknown> = {};
  const remote = m[1];
  if (isIP(remote)) client.ip = remote;
  else client.host = remote;
  if (m[3] !== '-') client.user = m[3];
  const request = unescape(m[5]);
  const sp1 = request.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : request.indexOf(' ', sp1 + 1);
  if (sp1 > 0 && sp2 > sp1 && request.indexOf(' ', sp2 + 1) < 0) {
    http.method = request.slice(0, sp1);
    http.path = request.slice(sp1 + 1, sp2);
    http.protocol = request.slice(sp2 + 1);
  } else if (request !== '' && request !== '-') {
    http.request = request; // malformed or probe request line: keep it whole
  }
  const status = m[6] === '-' ? undefined : Number(m[6]);
  if (status !== undefined) http.status = status;
  if (m[7] !== '-') http.bytes = Number(m[7]);
  const combined = m[8] !== undefined;
  if (combined) {
    if (m[8] !== '-' && m[8] !== '') http.referer = unescape(m[8]);
    if (m[9] !== '-' && m[9] !== '') http.user_agent = unescape(m[9]);
  }
  const fields: Record<string, unknown> = { http, client };
  const rest = m[10];
  if (rest && rest.indexOf('=') > 0) {
    const pairs = extractPairs(rest, 1);
    if (pairs) {
      for (const key of Object.keys(pairs)) {
        if (key !== 'http' && key !== 'client') setOwn(fields, key, pairs[key]);
      }
    }
  }
  return {
    format: combined ? 'access_combined' : 'access_common',
    message: text,
    fields,
    tsMs: time.ms,
    tsRaw: m[4],
    level: levelFromStatus(status),
  };
}
