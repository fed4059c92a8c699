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

const SEVERITY: Record<string, number> = { fatal: 2, error: 3, warn: 4, info: 6, debug: 7, trace: 7 };
/** Facility `user` (1); PRI = facility × 8 + severity. */
export function syslogPri(level: string | undefined): number {
  return 8 + (level !== undefined ? SEVERITY[level] ?? 5 : 6);
}

/** An RFC 5424 header field: printable US-ASCII without spaces, bounded, `-` when empty. */
export function headerField(value: string | undefined, max: number): string {
  if (!value) return '-';
  let out = '';
  for (let i = 0; i < value.length && out.length < max; i++) {
    const c = value.charCodeAt(i);
    out += c > 32 && c < 127 ? value[i] : '_';
  }
  return out || '-';
}

function timestamp(ts: number): string {
  const d = new Date(Number.isFinite(ts) ? ts : Date.now());
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

/** `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (RFC 5424). */
export function rfc5424(line: DrainLine): string {
  return `<${syslogPri(line.level)}>1 ${timestamp(line.ts)} ${headerField(line.host, 255)} ${headerField(line.app, 48)} ${headerField(line.procId, 128)} - - ${line.line}`;
}

/** RFC 6587 octet counting: `<byte length> <message>`. */
export function octetCounted(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
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
  return Buffer.from(
    lines.map((l) => octetCounted(`<${syslogPri(l.level)}>1 ${timestamp(l.ts)} ${headerField(l.host, 255)} ${headerField(l.app, 48)} ${headerField(l.procId, 128)} - ${l.line}\n`)).join(''),
    'utf8',
  );
}

/** A JSON drain body: an array of `{ts, app, host, level, line, tags, meta}` (ts in ISO 8601). */
export function jsonBody(lines: DrainLine[]): Buffer {
  return Buffer.from(JSON.stringify(lines.map((l) => ({
    ts: timestamp(l.ts), app: l.app, host: l.host, ...(l.level ? { level: l.level } : {}), line: l.line,
    ...(l.tags && l.tags.length ? { tags: l.tags } : {}), ...(l.meta ? { meta: l.meta } : {}),
  }))), 'utf8');
}
