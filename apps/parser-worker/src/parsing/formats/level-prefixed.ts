/**
 * Formats that open with a level letter or word:
 *   glog    E0102 03:04:05.678901 1234 file.go:12] message   (I/W/E/F + month/day, no year)
 *   rails   I, [2024-01-02T03:04:05.123456 #1234]  INFO -- progname: message  (Ruby Logger)
 *   python  ERROR:name:message                                 (logging.basicConfig default)
 */
import { readGlogDate, readIsoLike } from '../time';
import type { ParseContext, Parsed } from '../types';

const GLOG_LEVELS: Record<string, string> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };
const GLOG_REST = /^ +(\d+) ([^\s:\]]+):(\d+)\] ?/;
const RAILS_REST = /^ #(\d+)\] +([A-Z]+) -- ([^:]*): ?/;
const PYTHON_BASIC = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):([^:\s]*):/;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function parseLevelPrefixed(text: string, ctx: ParseContext): Parsed | undefined {
  const c0 = text[0];
  const c1 = text.charCodeAt(1);
  if (GLOG_LEVELS[c0] && isDigit(c1)) return parseGlog(text, ctx);
  if (c1 === 44 && text.charCodeAt(2) === 32 && text.charCodeAt(3) === 91) return parseRails(text);
  const m = PYTHON_BASIC.exec(text);
  if (m) return { format: 'python', message: text.slice(m[0].length), fields: { logger: m[2] }, level: m[1] };
  return undefined;
}

function parseGlog(text: string, ctx: ParseContext): Parsed | undefined {
  const ts = readGlogDate(text, 1, ctx.receivedAt);
  if (!ts) return undefined;
  const m = GLOG_REST.exec(text.slice(ts.end));
  if (!m) return undefined;
  return {
    format: 'glog',
    message: text.slice(ts.end + m[0].length),
    fields: { thread_id: Number(m[1]), caller: `${m[2]}:${m[3]}` },
    tsMs: ts.ms,
    tsRaw: text.slice(1, ts.end),
    level: GLOG_LEVELS[text[0]],
  };
}

function parseRails(text: string): Parsed | undefined {
  const ts = readIsoLike(text, 4);
  if (!ts) return undefined;
  const m = RAILS_REST.exec(text.slice(ts.end));
  if (!m) return undefined;
  const fields: Record<string, unknown> = { pid: Number(m[1]) };
  if (m[3] !== '') fields.progname = m[3];
  return {
    format: 'rails',
    message: text.slice(ts.end + m[0].length),
    fields,
    tsMs: ts.ms,
    tsRaw: text.slice(4, ts.end),
    level: m[2] === 'ANY' ? undefined : m[2],
  };
}
