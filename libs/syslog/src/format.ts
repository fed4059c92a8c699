/** Writing syslog: RFC 5424 and RFC 3164 messages, and RFC 6587 octet counting. */
import type { SyslogMessage } from './message';
import { formatStructuredData } from './structured-data';
import { formatBsdTime } from './time';

/**
 * A message to write: the fields of `SyslogMessage`; facility default 1 (user), severity 5
 * (notice), time (epoch ms, or an RFC 3339 text written as is) now.
 */
export type OutgoingMessage = Partial<Omit<SyslogMessage, 'format' | 'time' | 'timeText' | 'msg'>> & { time?: number | string; msg: string };

/** RFC 5424 header maxima (§6). */
export const HEADER_LIMITS = { hostname: 255, appName: 48, procId: 128, msgId: 32 } as const;

/** PRI = facility × 8 + severity. */
export function priOf(facility = 1, severity = 5): number {
  return (Math.min(23, Math.max(0, Math.trunc(facility))) << 3) | (Math.min(7, Math.max(0, Math.trunc(severity))));
}

const LEVEL_SEVERITY: ReadonlyMap<string, number> = new Map([['fatal', 2], ['error', 3], ['warn', 4], ['info', 6], ['debug', 7], ['trace', 7]]);

/** The severity for one of our levels: none → informational (6), an unknown word → notice (5). */
export function severityOfLevel(level: string | undefined): number {
  return level === undefined ? 6 : LEVEL_SEVERITY.get(level) ?? 5;
}

/** An RFC 5424 header field: printable US-ASCII without spaces (others become `_`), bounded, `-` when empty. */
export function headerField(value: string | undefined, max: number): string {
  if (!value) return '-';
  let out = '';
  for (let i = 0; i < value.length && out.length < max; i++) {
    const c = value.charCodeAt(i);
    out += c > 32 && c < 127 ? value[i] : '_';
  }
  return out || '-';
}

function isoTime(time: number | string | undefined): string {
  if (typeof time === 'string') return time;
  const d = new Date(time !== undefined && Number.isFinite(time) ? time : Date.now());
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

/**
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (RFC 5424), absent
 * fields as `-`. With `structuredData: false` the STRUCTURED-DATA field is left out, as Heroku
 * Logplex writes its frames.
 */
export function formatRfc5424(m: OutgoingMessage, options: { structuredData?: boolean } = {}): string {
  const head = `<${priOf(m.facility, m.severity)}>1 ${isoTime(m.time)} ${headerField(m.hostname, HEADER_LIMITS.hostname)} ${headerField(m.appName, HEADER_LIMITS.appName)} ${headerField(m.procId, HEADER_LIMITS.procId)} ${headerField(m.msgId, HEADER_LIMITS.msgId)}`;
  const withSd = options.structuredData === false ? head : `${head} ${formatStructuredData(m.sd)}`;
  return m.msg === '' ? withSd : `${withSd} ${m.msg}`;
}

/** A TAG or its pid: a header field without the characters that delimit them. */
function tagField(value: string, max: number): string {
  return headerField(value, max).replace(/[[\]:"{}=]/g, '_');
}

/** `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PROCID]: MSG` (RFC 3164, time in UTC). */
export function formatRfc3164(m: OutgoingMessage & { time: number }): string {
  const host = m.hostname ? ` ${headerField(m.hostname, HEADER_LIMITS.hostname)}` : '';
  const tag = m.appName ? ` ${tagField(m.appName, HEADER_LIMITS.appName)}${m.procId ? `[${tagField(m.procId, HEADER_LIMITS.procId)}]` : ''}:` : '';
  return `<${priOf(m.facility, m.severity)}>${formatBsdTime(m.time)}${host}${tag} ${m.msg}`;
}

/** RFC 6587 octet counting: `<length in bytes> <message>`. */
export function octetCounted(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}
