/**
 * Syslog lines carried inside other transports (HTTP bodies, files tailed by an agent):
 *   RFC 5424: <165>1 2003-10-11T22:14:15.003Z host app procid msgid [id k="v"] msg
 *   RFC 3164: <34>Oct 11 22:14:15 mymachine su[123]: msg, also without PRI (from a file)
 * They are read with the one syslog grammar (`@millrace/syslog`) into the raw line the
 * ingest-gateway makes of the same message over TCP, TLS or UDP: the header's app, host, time
 * and severity as the line's own (unless the transport already gave them), `meta.syslog` for
 * facility, severity, procid, msgid and structured data, and MSG as the line. The pipeline then
 * treats both alike, so a line gives the same event whichever way it came.
 */
import type { RawLine } from '@millrace/log-schema';
import { parseSyslog, syslogLine } from '@millrace/syslog';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export interface SyslogHeader {
  /** The raw line as if it had arrived over a syslog listener. */
  raw: RawLine;
  format: 'syslog5424' | 'syslog3164';
}

/**
 * `text` (a line, leading blanks removed) as a syslog message, or undefined when it is not one
 * (no PRI and no RFC 3164 time, or unreadable: it is then parsed as any other line).
 */
export function syslogHeader(text: string, raw: RawLine, receivedAt: number): SyslogHeader | undefined {
  const c = text.charCodeAt(0);
  // Cheap pre-checks: `<digit` (PRI) or a month name and a space.
  if (c === 60 ? !isDigit(text.charCodeAt(1)) : !isLetter(c) || text.charCodeAt(3) !== 32) return undefined;
  const msg = parseSyslog(text, receivedAt);
  if ('error' in msg || msg.format === 'plain') return undefined;
  const header = syslogLine(msg);
  // The transport's own values (query parameters, protocol fields) win, as they would over TCP.
  const out: RawLine = { ...raw, line: header.line };
  if ((raw.ts === undefined || raw.ts === '') && header.ts !== undefined) out.ts = header.ts;
  if (!raw.app && header.app !== undefined) out.app = header.app;
  if (!raw.host && header.host !== undefined) out.host = header.host;
  if (!raw.level && header.level !== undefined) out.level = header.level;
  if (header.meta !== undefined) out.meta = raw.meta ? { ...header.meta, ...raw.meta } : header.meta;
  return { raw: out, format: msg.format === 'rfc5424' ? 'syslog5424' : 'syslog3164' };
}
