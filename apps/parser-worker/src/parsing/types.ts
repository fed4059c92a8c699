/** Shapes shared by the format parsers and the batch pipeline (internal to parsing/). */

export const FORMATS = [
  'json', 'logfmt', 'kv', 'heroku', 'syslog5424', 'syslog3164', 'access_common', 'access_combined',
  'apache_error', 'nginx_error', 'log4j', 'logback', 'spring', 'python', 'rails', 'go', 'glog', 'bracket', 'monolog',
  'timestamped', 'plain',
] as const;
export type FormatName = (typeof FORMATS)[number];

/** What a format parser returns for one line. Everything is optional except format/message. */
export interface Parsed {
  format: FormatName;
  message: string;
  fields: Record<string, unknown>;
  /** Event time already converted to epoch ms (from a header or a field). */
  tsMs?: number;
  /** The timestamp as written, kept as `original_timestamp` when it is absurd. */
  tsRaw?: unknown;
  /** Level as written or implied (normalised later). */
  level?: unknown;
  app?: string;
  host?: string;
  /** Tags found in the content (a JSON `tags` array). */
  tags?: string[];
  /**
   * Field keys that supplied message/tags/tsMs/level/app/host. The pipeline leaves the message
   * and tags keys out of the event's fields, and a ts/level/app/host key only when its value
   * is the one used (the line's own ts/level/app/host win), so nothing is lost.
   */
  keys?: { message?: KeyRef; tags?: KeyRef; ts?: KeyRef; level?: KeyRef; app?: KeyRef; host?: KeyRef };
}

/** A field of a structured line: a top-level key, or the keys of a nested path (`['log', 'level']`). */
export type KeyRef = string | readonly string[];

export interface ParseContext {
  receivedAt: number;
}

export type FieldType = 'number' | 'boolean' | 'ip' | 'date' | 'string';
