/** SD-PARAM values by PARAM-NAME; an array when a name repeats within its element. */
export type SdParams = Record<string, string | string[]>;
/** STRUCTURED-DATA: SD-ID → PARAM-NAME → value. */
export type StructuredData = Record<string, SdParams>;

/** A syslog message read from one frame (RFC 5424 or RFC 3164). Absent fields were NILVALUE or missing. */
export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164';
  /** 0..23 (`FACILITIES`); absent without a PRI. */
  facility?: number;
  /** 0..7; absent without a PRI. */
  severity?: number;
  /** The time, epoch milliseconds UTC (an RFC 3164 time gets its year from `inferYear`). */
  time?: number;
  /**
   * The TIMESTAMP as written when it was an RFC 3339 text (RFC 5424, or rsyslog's RFC 3164
   * variant). Present without `time` when it could not be read.
   */
  timeText?: string;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  sd?: StructuredData;
  /** MSG, without a leading byte-order mark. */
  msg: string;
}

/** A frame with neither PRI nor timestamp: not syslog, just text. */
export interface PlainText {
  format: 'plain';
  msg: string;
}

/** A frame that starts like syslog but cannot be read (bad PRI, truncated RFC 5424 header). */
export interface SyslogError {
  error: string;
}

export type SyslogParseResult = SyslogMessage | PlainText | SyslogError;

/** Facility names by number (RFC 5424 table 1, with the names rsyslog and syslog-ng use). */
export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
] as const;
export type FacilityName = (typeof FACILITIES)[number];

/** SD-IDs registered with IANA (RFC 5424 §7); every other SD-ID must have the form `name@number`. */
export const REGISTERED_SD_IDS: readonly string[] = ['timeQuality', 'origin', 'meta'];

export const NILVALUE = '-';
