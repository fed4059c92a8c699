/**
 * Syslog lines carried inside other transports (HTTP, Logplex bodies, files):
 *   RFC 5424: <165>1 2003-10-11T22:14:15.003Z host app procid msgid [id k="v"] msg
 *   RFC 3164: <34>Oct 11 22:14:15 mymachine su[123]: msg
 *   RFC 3164 without PRI: Oct 11 22:14:15 mymachine su[123]: msg
 *   rsyslog high-precision 3164: <34>2003-10-11T22:14:15.003+02:00 host app: msg
 * Header values become host/app/ts; facility/severity/procid/msgid/structured data go to
 * `syslog.*`; the severity gives the level unless the body names one. A body that is itself
 * JSON or logfmt is parsed too (its fields join the event, its level wins).
 */
import { syslogSeverityLevel } from '@millrace/log-schema';
import { readIsoLike, readSyslogDate } from '../time';
import type { ParseContext, Parsed } from '../types';
import { parseJson } from './json';
import { setOwn } from '../util';
import { parseLogfmt } from './logfmt';

const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4',
  'local5', 'local6', 'local7',
];

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Next space-delimited token at i: [token, index after the following space]. */
function token(s: string, i: number): [string, number] | undefined {
  if (i >= s.length) return undefined;
  let j = i;
  while (j < s.length && s.charCodeAt(j) !== 32) j++;
  if (j === i) return undefined;
  return [s.slice(i, j), j < s.length ? j + 1 : j];
}

export function parseSyslog(text: string, ctx: ParseContext): Parsed | undefined {
  // <PRI>: 1-3 digits, 0..191
  let i = 1;
  let pri = 0;
  while (i < text.length && i <= 4 && isDigit(text.charCodeAt(i))) {
    pri = pri * 10 + (text.charCodeAt(i) - 48);
    i++;
  }
  if (i === 1 || i > 4 || text.charCodeAt(i) !== 62 || pri > 191) return undefined;
  i++;
  const syslog: Record<string, unknown> = { facility: FACILITIES[pri >> 3], severity: pri & 7 };
  // RFC 5424: VERSION (1-2 digits) then a space
  if (isDigit(text.charCodeAt(i)) && (text.charCodeAt(i + 1) === 32 || (isDigit(text.charCodeAt(i + 1)) && text.charCodeAt(i + 2) === 32))) {
    return parse5424(text, i, syslog, ctx);
  }
  return parse3164(text, i, syslog, ctx);
}

/** RFC 3164 without a PRI, starting with the month name. */
export function parseSyslogNoPri(text: string, ctx: ParseContext): Parsed | undefined {
  return parse3164(text, 0, undefined, ctx);
}

function parse5424(s: string, i: number, syslog: Record<string, unknown>, ctx: ParseContext): Parsed | undefined {
  const version = token(s, i);
  if (!version) return undefined;
  i = version[1];
  let tsMs: number | undefined;
  let tsRaw: string | undefined;
  const tsTok = token(s, i);
  if (!tsTok) return undefined;
  if (tsTok[0] !== '-') {
    const m = readIsoLike(tsTok[0], 0);
    if (!m || m.end !== tsTok[0].length) return undefined;
    tsMs = m.ms;
    tsRaw = tsTok[0];
  }
  i = tsTok[1];
  const host = token(s, i);
  if (!host) return undefined;
  const app = token(s, host[1]);
  if (!app) return undefined;
  const procid = token(s, app[1]);
  if (!procid) return undefined;
  const msgid = token(s, procid[1]);
  if (!msgid) return undefined;
  i = msgid[1];
  if (procid[0] !== '-') syslog.procid = procid[0];
  if (msgid[0] !== '-') syslog.msgid = msgid[0];
  // STRUCTURED-DATA: '-' or one or more [id param="value"...]
  if (s.charCodeAt(i) === 45) {
    i += 1;
  } else if (s.charCodeAt(i) === 91) {
    const sd: Record<string, Record<string, string>> = {};
    const end = parseStructuredData(s, i, sd);
    if (end < 0) return undefined;
    i = end;
    syslog.sd = sd;
  } else if (i < s.length) {
    return undefined;
  }
  if (s.charCodeAt(i) === 32) i++;
  let msg = s.slice(i);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1); // RFC 5424 allows a UTF-8 BOM
  const parsed: Parsed = {
    format: 'syslog5424', message: msg, fields: { syslog }, tsMs, tsRaw,
    host: host[0] !== '-' ? host[0] : undefined,
    app: app[0] !== '-' ? app[0] : undefined,
  };
  return withBody(parsed, syslog, ctx);
}

/** Parse [id k="v" ...]... into sd; returns the index after it or -1. */
function parseStructuredData(s: string, i: number, sd: Record<string, Record<string, string>>): number {
  while (s.charCodeAt(i) === 91) {
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 93) j++;
    const id = s.slice(i + 1, j);
    if (id === '') return -1;
    const params: Record<string, string> = {};
    while (j < s.length && s.charCodeAt(j) === 32) {
      j++;
      const eq = s.indexOf('=', j);
      if (eq < 0 || s.charCodeAt(eq + 1) !== 34) return -1;
      const name = s.slice(j, eq);
      let k = eq + 2;
      let value = '';
      let seg = k;
      for (;;) {
        if (k >= s.length) return -1;
        const c = s.charCodeAt(k);
        if (c === 92 && k + 1 < s.length) {
          value += s.slice(seg, k) + s[k + 1];
          k += 2;
          seg = k;
          continue;
        }
        if (c === 34) break;
        k++;
      }
      value += s.slice(seg, k);
      setOwn(params, name, value);
      j = k + 1;
    }
    if (s.charCodeAt(j) !== 93) return -1;
    if (!Object.prototype.hasOwnProperty.call(sd, id)) setOwn(sd, id, params);
    i = j + 1;
  }
  return i;
}

function parse3164(s: string, i: number, syslog: Record<string, unknown> | undefined, ctx: ParseContext): Parsed | undefined {
  let tsMs: number | undefined;
  let tsRaw: string | undefined;
  const m = isDigit(s.charCodeAt(i)) ? readIsoLike(s, i) : readSyslogDate(s, i, ctx.receivedAt);
  if (m) {
    if (s.charCodeAt(m.end) !== 32) return undefined;
    tsMs = m.ms;
    tsRaw = s.slice(i, m.end);
    i = m.end + 1;
  } else if (!syslog) {
    return undefined; // without PRI the timestamp is what makes it syslog
  }
  // HOSTNAME TAG[pid]: MSG. Some senders leave the hostname out: the first token is then
  // already the tag (ends with ':').
  let host: string | undefined;
  let app: string | undefined;
  let tok = token(s, i);
  if (!tok) return undefined;
  if (!isTag(tok[0])) {
    host = tok[0];
    i = tok[1];
    tok = token(s, i);
  }
  if (tok && isTag(tok[0])) {
    const tag = tok[0].slice(0, -1);
    const open = tag.indexOf('[');
    if (open > 0) {
      app = tag.slice(0, open);
      const pid = tag.slice(open + 1, -1);
      if (pid !== '') (syslog ??= {}).procid = pid;
    } else {
      app = tag;
    }
    i = tok[1];
  }
  const message = s.slice(i);
  const parsed: Parsed = { format: 'syslog3164', message, fields: syslog ? { syslog } : {}, tsMs, tsRaw, host, app };
  return withBody(parsed, syslog, ctx);
}

/** `app:` or `app[123]:`, a tag of at most 48 characters without brackets elsewhere. */
function isTag(t: string): boolean {
  if (t.length < 2 || t.length > 64 || t.charCodeAt(t.length - 1) !== 58) return false;
  const c = t.charCodeAt(0);
  if (c === 91 || c === 123 || c === 34) return false;
  const open = t.indexOf('[');
  if (open < 0) return t.indexOf(':') === t.length - 1;
  return open > 0 && t.charCodeAt(t.length - 2) === 93;
}

/** Parse a JSON/logfmt body and fold it in; otherwise level from the severity. */
function withBody(parsed: Parsed, syslog: Record<string, unknown> | undefined, ctx: ParseContext): Parsed {
  const msg = parsed.message;
  const c = msg.charCodeAt(0);
  let inner: Parsed | undefined;
  if (c === 123) inner = parseJson(msg, ctx);
  else if (msg.indexOf('=') > 0) inner = parseLogfmt(msg, ctx);
  if (inner) {
    parsed.message = inner.message;
    for (const key of Object.keys(inner.fields)) {
      if (!Object.prototype.hasOwnProperty.call(parsed.fields, key)) setOwn(parsed.fields, key, inner.fields[key]);
    }
    parsed.keys = inner.keys;
    if (inner.level !== undefined) parsed.level = inner.level;
    if (inner.tsMs !== undefined && parsed.tsMs === undefined) {
      parsed.tsMs = inner.tsMs;
      parsed.tsRaw = inner.tsRaw;
    } else if (parsed.keys) {
      parsed.keys.ts = undefined; // the header time is used; the body's time stays a field
    }
    parsed.tags = inner.tags;
    // body app/host never override the header's
    if (parsed.keys) {
      if (parsed.app !== undefined) parsed.keys.app = undefined;
      else parsed.app = inner.app;
      if (parsed.host !== undefined) parsed.keys.host = undefined;
      else parsed.host = inner.host;
    }
  }
  if (parsed.level === undefined && syslog && typeof syslog.severity === 'number') {
    parsed.level = syslogSeverityLevel(syslog.severity);
  }
  return parsed;
}
