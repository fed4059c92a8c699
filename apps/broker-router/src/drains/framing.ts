import { formatRfc5424, octetCounted, priOf, severityOfLevel, type OutgoingMessage } from '@millrace/syslog';

/** A line as a drain holds and sends it. */
export interface DrainLine {
  /** Event time, epoch ms. */
  ts: number;
  app: string;
  host: string;
  level?: string;
  line: string;
  tags?: string[];
  meta?: Record<string, unknown>;
  /** RFC 5424 PROCID (Logplex puts the dyno there), `-` when absent. */
  procId?: string;
}

/** Buffer accounting: the line text plus a fixed allowance for the rest. */
export function drainLineBytes(line: DrainLine): number {
  return line.line.length + 128;
}

/** Facility `user` (1); PRI = facility × 8 + the level's severity. */
export function syslogPri(level: string | undefined): number {
  return priOf(1, severityOfLevel(level));
}

function message(line: DrainLine): OutgoingMessage {
  return { facility: 1, severity: severityOfLevel(line.level), time: line.ts, hostname: line.host, appName: line.app, procId: line.procId, msg: line.line };
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - - MSG` (RFC 5424, no MSGID or structured data). */
export function rfc5424(line: DrainLine): string {
  return formatRfc5424(message(line));
}

/** Frames of a syslog (TCP/TLS) drain: RFC 5424 messages with octet counting, concatenated. */
export function syslogFrames(lines: DrainLine[]): Buffer {
  return Buffer.from(lines.map((l) => octetCounted(rfc5424(l))).join(''), 'utf8');
}

/**
 * A Logplex HTTP drain body (`application/logplex-1`): octet-counted RFC 5424 messages without
 * STRUCTURED-DATA, each ending in a newline counted in its length, as Heroku sends them:
 * `83 <40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up\n`.
 */
export function logplexBody(lines: DrainLine[]): Buffer {
  return Buffer.from(lines.map((l) => octetCounted(`${formatRfc5424(message(l), { structuredData: false })}\n`)).join(''), 'utf8');
}

function timestamp(ts: number): string {
  const d = new Date(Number.isFinite(ts) ? ts : Date.now());
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

/** A JSON drain body: an array of `{ts, app, host, level, line, tags, meta}` (ts in ISO 8601). */
export function jsonBody(lines: DrainLine[]): Buffer {
  return Buffer.from(JSON.stringify(lines.map((l) => ({
    ts: timestamp(l.ts), app: l.app, host: l.host, ...(l.level ? { level: l.level } : {}), line: l.line,
    ...(l.tags && l.tags.length ? { tags: l.tags } : {}), ...(l.meta ? { meta: l.meta } : {}),
  }))), 'utf8');
}
