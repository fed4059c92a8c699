/**
 * Application log lines that start with a timestamp:
 *   log4j     2024-01-02 03:04:05,678 ERROR [main] com.foo.Bar - message
 *   logback   2024-01-02 03:04:05.678 [main] ERROR com.foo.Bar - message
 *   spring    2024-01-02T03:04:05.678Z  INFO 1234 --- [myapp] [main] c.f.Bar : message
 *   python    2024-01-02 03:04:05,678 - name - ERROR - message
 *   go        2024/01/02 03:04:05 [main.go:12: ]message
 *   timestamped (anything else): 2024-01-02T03:04:05Z [LEVEL[:]] message
 * The timestamp is read by a scanner; the rest by one anchored regex per layout, compiled
 * once, built only from negated classes and literals so it matches in linear time.
 */
import { levelWord } from '../levels';
import { readIsoLike } from '../time';
import type { ParseContext, Parsed } from '../types';

const LOG4J = /^ +([A-Za-z]+) +(?:\[([^\]]*)\] +)?(\S+) +- ([\s\S]*)$/;
const LOGBACK = /^ +\[([^\]]*)\] +([A-Za-z]+) +(\S+) +- ([\s\S]*)$/;
const SPRING = /^ +([A-Za-z]+) +(\d+) +--- +(?:\[([^\]]*)\] +)?\[([^\]]*)\] +(\S+) +: ([\s\S]*)$/;
const PYTHON = /^ - (\S+) - ([A-Za-z]+) - ([\s\S]*)$/;
const LEVEL_FIRST = /^ +\[?([A-Za-z]{3,9})\]?:?(?: +|$)/;
const NGINX_ERROR = /^\[([a-z]+)\] (\d+)#(\d+): (?:\*(\d+) )?/;
const NGINX_CONTEXT = /, (client|server|request|upstream|host|referrer): ("(?:[^"\\]|\\.)*"|[^,]*)/g;
const GO_CALLER = /^([\w.\-/]+\.go:\d+): /;

export function parseTimestamped(text: string, _ctx: ParseContext): Parsed | undefined {
  const ts = readIsoLike(text, 0);
  if (!ts) return undefined;
  const rest = text.slice(ts.end);
  const tsRaw = text.slice(0, ts.end);
  const c = rest.charCodeAt(0);
  if (rest.length > 0 && c !== 32 && c !== 9) return undefined;
  let m: RegExpExecArray | null;
  if (text.charCodeAt(4) === 47) {
    // Go's log package: 2006/01/02 15:04:05 (optionally .000000) then the message; nginx's
    // error log uses the same clock format
    const msg = rest.slice(1);
    if (msg.charCodeAt(0) === 91 && (m = NGINX_ERROR.exec(msg)) && levelWord(m[1])) return nginxError(msg, m, ts.ms, tsRaw);
    const caller = GO_CALLER.exec(msg);
    if (caller) return { format: 'go', message: msg.slice(caller[0].length), fields: { caller: caller[1] }, tsMs: ts.ms, tsRaw };
    return { format: 'go', message: msg, fields: {}, tsMs: ts.ms, tsRaw };
  }
  if (c === 32 && rest.charCodeAt(1) === 45 && (m = PYTHON.exec(rest)) && levelWord(m[2])) {
    return { format: 'python', message: m[3], fields: { logger: m[1] }, tsMs: ts.ms, tsRaw, level: m[2] };
  }
  if ((m = LOG4J.exec(rest)) && levelWord(m[1])) {
    const fields: Record<string, unknown> = { logger: m[3] };
    if (m[2] !== undefined) fields.thread = m[2];
    return { format: 'log4j', message: m[4], fields, tsMs: ts.ms, tsRaw, level: m[1] };
  }
  if ((m = LOGBACK.exec(rest)) && levelWord(m[2])) {
    return { format: 'logback', message: m[4], fields: { thread: m[1], logger: m[3] }, tsMs: ts.ms, tsRaw, level: m[2] };
  }
  if ((m = SPRING.exec(rest)) && levelWord(m[1])) {
    const parsed: Parsed = {
      format: 'spring', message: m[6], fields: { pid: Number(m[2]), thread: m[4].trim(), logger: m[5] }, tsMs: ts.ms, tsRaw, level: m[1],
    };
    if (m[3] && m[3].trim()) parsed.app = m[3].trim();
    return parsed;
  }
  if ((m = LEVEL_FIRST.exec(rest)) && levelWord(m[1])) {
    return { format: 'timestamped', message: rest.slice(m[0].length), fields: {}, tsMs: ts.ms, tsRaw, level: m[1] };
  }
  return { format: 'timestamped', message: rest.trimStart(), fields: {}, tsMs: ts.ms, tsRaw };
}

/** nginx error log: `[error] 1234#5678: *9 message, client: 1.2.3.4, server: x, request: "GET / HTTP/1.1"`. */
function nginxError(msg: string, m: RegExpExecArray, tsMs: number, tsRaw: string): Parsed {
  const nginx: Record<string, unknown> = { pid: Number(m[2]), tid: Number(m[3]) };
  if (m[4] !== undefined) nginx.connection = Number(m[4]);
  const fields: Record<string, unknown> = { nginx };
  const message = msg.slice(m[0].length);
  NGINX_CONTEXT.lastIndex = 0;
  let c: RegExpExecArray | null;
  while ((c = NGINX_CONTEXT.exec(message))) {
    let value = c[2];
    if (value.charCodeAt(0) === 34) value = value.slice(1, -1);
    if (c[1] === 'client') fields.client = { ip: value };
    else nginx[c[1]] = value;
  }
  return { format: 'nginx_error', message, fields, tsMs, tsRaw, level: m[1] };
}
