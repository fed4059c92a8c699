/**
 * What a syslog message becomes in Millrace: one mapping, so a line gets the same app, host,
 * time, level and fields whichever way it arrived (TCP, TLS, UDP, Logplex, or as a line inside
 * an HTTP body that the parser-worker recognises as syslog).
 */
import { LIMITS, syslogSeverityLevel, type RawLine } from '@millrace/log-schema';
import { FACILITIES, type FacilityName, type StructuredData, type SyslogMessage } from './message';

/** The header's own values, stored as `fields.syslog`. */
export interface SyslogFields {
  facility?: FacilityName;
  severity?: number;
  procid?: string;
  msgid?: string;
  sd?: StructuredData;
  /** A TIMESTAMP that could not be read, as written (the arrival time is used instead). */
  timestamp?: string;
}

/** A syslog message as a raw line: the meta is `{ syslog: SyslogFields }`. */
export type SyslogLine = RawLine & { meta?: { syslog: SyslogFields } };

/** Header names (HOSTNAME, APP-NAME) longer than the schema allows are cut, never a surrogate pair split. */
function boundName(value: string | undefined): string | undefined {
  if (value === undefined || value.length <= LIMITS.maxNameLength) return value;
  let cut = LIMITS.maxNameLength;
  const c = value.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return value.slice(0, cut);
}

/** `fields.syslog` of a message: facility (by name), severity, procid, msgid, structured data. */
export function syslogFields(msg: SyslogMessage): SyslogFields | undefined {
  let fields: SyslogFields | undefined;
  if (msg.facility !== undefined) (fields ??= {}).facility = FACILITIES[msg.facility];
  if (msg.severity !== undefined) (fields ??= {}).severity = msg.severity;
  if (msg.procId !== undefined) (fields ??= {}).procid = msg.procId;
  if (msg.msgId !== undefined) (fields ??= {}).msgid = msg.msgId;
  if (msg.sd !== undefined) (fields ??= {}).sd = msg.sd;
  if (msg.timeText !== undefined && msg.time === undefined) (fields ??= {}).timestamp = msg.timeText;
  return fields;
}

/**
 * The raw line of a message: `line` = MSG; `ts` = the TIMESTAMP as written when it is RFC 3339
 * (so the parser reads it once, keeping the zone for `original_timestamp`), else the RFC 3164
 * time as epoch ms with its year inferred; `host`, `app` from the header; `level` from the
 * severity; `meta.syslog` = `syslogFields`.
 */
export function syslogLine(msg: SyslogMessage): SyslogLine {
  const line: SyslogLine = { line: msg.msg };
  if (msg.time !== undefined) line.ts = msg.timeText ?? msg.time;
  const host = boundName(msg.hostname);
  if (host !== undefined) line.host = host;
  const app = boundName(msg.appName);
  if (app !== undefined) line.app = app;
  if (msg.severity !== undefined) line.level = syslogSeverityLevel(msg.severity);
  const fields = syslogFields(msg);
  if (fields !== undefined) line.meta = { syslog: fields };
  return line;
}

/**
 * Whether a raw line's `level` is nothing more than its syslog severity (`meta.syslog.severity`),
 * as `syslogLine` sets it. Such a level ranks below one parsed from the message (a JSON body's
 * `level`), exactly as the severity of a syslog line the parser reads itself.
 */
export function levelIsSeverity(line: Pick<RawLine, 'level' | 'meta'>): boolean {
  if (line.level === undefined) return false;
  const syslog = line.meta?.syslog as { severity?: unknown } | undefined;
  const severity = typeof syslog === 'object' && syslog !== null ? syslog.severity : undefined;
  return typeof severity === 'number' && Number.isInteger(severity) && severity >= 0 && severity <= 7 && syslogSeverityLevel(severity) === line.level;
}
