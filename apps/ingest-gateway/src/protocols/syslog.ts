import { syslogSeverityLevel, truncateUtf8, type RawLine } from '@millrace/log-schema';
import { boundMeta, boundName, type BoundStats, type Fields } from './fields';
import { REQUEST_LIMITS, SYSLOG_LIMITS } from './limits';

// ---------------------------------------------------------------------------------------
// Messages: RFC 5424, RFC 3164 and the lenient variants real senders produce.
// ---------------------------------------------------------------------------------------

export type SdParams = Record<string, string | string[]>;
/** STRUCTURED-DATA: SD-ID → PARAM-NAME → value (an array when a name repeats). */
export type StructuredData = Record<string, SdParams>;

export interface SyslogMessage {
  format: 'rfc5424' | 'rfc3164' | 'plain';
  facility?: number;
  severity?: number;
  /** RFC 5424 TIMESTAMP as given, or RFC 3164 time resolved to epoch ms (UTC, year inferred). */
  timestamp?: string | number;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  sd?: StructuredData;
  msg: string;
}

export interface ParseOptions {
  /**
   * Heroku Logplex frames are RFC 5424 without the STRUCTURED-DATA field: MSG follows MSGID
   * directly, and a message starting with `[` is text, not structured data.
   */
  noStructuredData?: boolean;
}

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5',
  'local6', 'local7',
] as const;

// Prototype-free: user text such as `constructor` or `__proto__` must miss, not hit Object.prototype.
const MONTHS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
});

// Module-level sticky patterns: compiled once, matched at a position (no per-line compilation).
const BSD_TIME = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?= |$)/y;
const ISO_TIME = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?(?= |$)/y;
const TAG = /([^\s[\]:]{1,128})(?:\[([^\]\s]{0,128})\])?:(?: |$)/y;

const SP = 32;

/** Parse one syslog message (already framed). Never throws. */
export function parseSyslogText(text: string, now: Date, options: ParseOptions = {}): SyslogMessage | { error: string } {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 0) break;
    end--;
  }
  if (end < text.length) text = text.slice(0, end);
  if (text.length === 0) return { error: 'empty message' };

  let pos = 0;
  let pri: number | undefined;
  if (text.charCodeAt(0) === 60 /* < */) {
    const close = text.indexOf('>', 1);
    if (close < 2 || close > 4 || !allDigits(text, 1, close)) return { error: 'invalid PRI: expected <0> to <191>' };
    pri = Number(text.slice(1, close));
    if (pri > 191 || (close > 2 && text.charCodeAt(1) === 48)) return { error: `invalid PRI: <${text.slice(1, close)}>` };
    pos = close + 1;
  }
  const head: Pick<SyslogMessage, 'facility' | 'severity'> = pri === undefined ? {} : { facility: pri >> 3, severity: pri & 7 };

  // RFC 5424: VERSION (1-3 digits, not 0) then SP.
  if (pri !== undefined) {
    let v = pos;
    while (v < text.length && v - pos < 3 && isDigit(text.charCodeAt(v))) v++;
    if (v > pos && text.charCodeAt(v) === SP && text.charCodeAt(pos) !== 48) {
      return parse5424(text, v + 1, { ...head }, options);
    }
  }
  return parse3164(text, pos, head, pri !== undefined, now);
}

function parse5424(text: string, pos: number, msg: Partial<SyslogMessage>, options: ParseOptions): SyslogMessage | { error: string } {
  const names = ['TIMESTAMP', 'HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID'] as const;
  const values: (string | undefined)[] = [];
  for (const name of names) {
    if (pos >= text.length) return { error: `RFC 5424 header truncated: missing ${name}` };
    let end = text.indexOf(' ', pos);
    if (end < 0) {
      // The last header field may end the message (no SD, no MSG) only in Logplex frames.
      if (name !== 'MSGID' || !options.noStructuredData) return { error: `RFC 5424 header truncated after ${name}` };
      end = text.length;
    }
    if (end === pos) return { error: `RFC 5424: empty ${name} (two spaces in the header)` };
    const token = text.slice(pos, end);
    values.push(token === '-' ? undefined : token);
    pos = end + 1;
  }
  const out: SyslogMessage = {
    format: 'rfc5424',
    ...msg,
    msg: '',
  };
  if (values[0] !== undefined) out.timestamp = values[0];
  if (values[1] !== undefined) out.hostname = values[1];
  if (values[2] !== undefined) out.appName = values[2];
  if (values[3] !== undefined) out.procId = values[3];
  if (values[4] !== undefined) out.msgId = values[4];

  if (!options.noStructuredData) {
    if (pos >= text.length) return { error: 'RFC 5424 header truncated: missing STRUCTURED-DATA' };
    if (text.charCodeAt(pos) === 45 /* - */) {
      pos++;
    } else {
      const sd = parseStructuredData(text, pos);
      if ('error' in sd) return sd;
      out.sd = sd.sd;
      pos = sd.end;
    }
    if (pos < text.length) {
      if (text.charCodeAt(pos) !== SP) return { error: `invalid STRUCTURED-DATA at char ${pos}: expected a space before MSG` };
      pos++;
    }
  }
  out.msg = stripBom(pos < text.length ? text.slice(pos) : '');
  return out;
}

/**
 * STRUCTURED-DATA from `pos` (at `[`): elements until the first character that is not `[`.
 * PARAM-VALUE escapes `\"`, `\\` and `\]` are undone; any other backslash is kept (RFC 5424 §6.3.3).
 */
export function parseStructuredData(text: string, pos: number): { sd: StructuredData; end: number } | { error: string } {
  const sd: StructuredData = {};
  const fail = (at: number, what: string): { error: string } => ({ error: `invalid STRUCTURED-DATA at char ${at}: ${what}` });
  while (pos < text.length && text.charCodeAt(pos) === 91 /* [ */) {
    pos++;
    const idStart = pos;
    while (pos < text.length && isSdNameChar(text.charCodeAt(pos))) pos++;
    if (pos === idStart) return fail(pos, 'expected an SD-ID');
    const id = text.slice(idStart, pos);
    // A repeated SD-ID (not allowed, but sent) merges into the first.
    // (`__proto__` parses but is not stored: assigning it would replace the prototype.)
    const params: SdParams =
      id === '__proto__' ? {} : Object.prototype.hasOwnProperty.call(sd, id) ? sd[id] : (sd[id] = {});
    for (;;) {
      if (pos >= text.length) return fail(pos, 'unterminated SD-ELEMENT');
      const c = text.charCodeAt(pos);
      if (c === 93 /* ] */) {
        pos++;
        break;
      }
      if (c !== SP) return fail(pos, 'expected a space or ]');
      pos++;
      const nameStart = pos;
      while (pos < text.length && isSdNameChar(text.charCodeAt(pos))) pos++;
      if (pos === nameStart) return fail(pos, 'expected a PARAM-NAME');
      const name = text.slice(nameStart, pos);
      if (text.charCodeAt(pos) !== 61 /* = */ || text.charCodeAt(pos + 1) !== 34 /* " */) return fail(pos, 'expected ="');
      pos += 2;
      let value = '';
      let chunk = pos;
      for (;;) {
        if (pos >= text.length) return fail(pos, 'unterminated PARAM-VALUE');
        const v = text.charCodeAt(pos);
        if (v === 34) break;
        if (v === 92 /* \ */ && pos + 1 < text.length) {
          const n = text.charCodeAt(pos + 1);
          if (n === 34 || n === 92 || n === 93) {
            value += text.slice(chunk, pos);
            chunk = pos + 1; // keep the escaped character, drop the backslash
            pos += 2;
            continue;
          }
        }
        pos++;
      }
      value += text.slice(chunk, pos);
      pos++; // closing quote
      if (name === '__proto__') continue;
      const prev = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
      params[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return { sd, end: pos };
}

function parse3164(text: string, pos: number, head: Partial<SyslogMessage>, hasPri: boolean, now: Date): SyslogMessage {
  const out: SyslogMessage = { format: 'rfc3164', ...head, msg: '' };
  let hasTime = false;

  BSD_TIME.lastIndex = pos;
  const bsd = BSD_TIME.exec(text);
  if (bsd !== null) {
    const ms = bsdTime(bsd, now);
    if (ms !== undefined) {
      out.timestamp = ms;
      hasTime = true;
      pos = BSD_TIME.lastIndex;
    }
  } else {
    ISO_TIME.lastIndex = pos;
    if (ISO_TIME.exec(text) !== null) {
      out.timestamp = text.slice(pos, ISO_TIME.lastIndex);
      hasTime = true;
      pos = ISO_TIME.lastIndex;
    }
  }
  if (!hasPri && !hasTime) return { format: 'plain', msg: stripBom(text) };
  if (hasTime && text.charCodeAt(pos) === SP) pos++;

  // HOSTNAME, unless the next word is already the TAG (`tag:` or `tag[pid]`): senders writing
  // to a local socket, and some appliances, leave the host out.
  if (hasTime) {
    let end = text.indexOf(' ', pos);
    if (end < 0) end = text.length;
    const word = text.slice(pos, end);
    if (word !== '' && !word.endsWith(':') && !word.includes('[') && end < text.length) {
      out.hostname = word;
      pos = end + 1;
    }
  }
  TAG.lastIndex = pos;
  const tag = TAG.exec(text);
  if (tag !== null) {
    out.appName = tag[1];
    if (tag[2]) out.procId = tag[2];
    pos = TAG.lastIndex;
  }
  out.msg = stripBom(text.slice(pos));
  return out;
}

/** Clock slack allowed when choosing the year of a year-less timestamp. */
const YEAR_SLACK_MS = 7 * 24 * 3600 * 1000;

/**
 * `Mmm dd hh:mm:ss` has no year or zone: UTC, in the latest year that does not put it more
 * than a week after `now` (December's message read in January is last year's; a sender a
 * little ahead at New Year is next year's).
 */
function bsdTime(m: RegExpExecArray, now: Date): number | undefined {
  const month = MONTHS[m[1]];
  const day = Number(m[2]);
  const h = Number(m[3]);
  const min = Number(m[4]);
  const s = Number(m[5]);
  if (month === undefined || day < 1 || day > 31 || h > 23 || min > 59 || s > 60) return undefined;
  const frac = m[6] ? Number(m[6].padEnd(3, '0').slice(0, 3)) : 0;
  const nowMs = now.getTime();
  const year = now.getUTCFullYear();
  const at = (y: number): number => Date.UTC(y, month, day, h, min, s, frac);
  if (at(year + 1) - nowMs <= YEAR_SLACK_MS) return at(year + 1);
  return at(year) - nowMs > YEAR_SLACK_MS ? at(year - 1) : at(year);
}

// ---------------------------------------------------------------------------------------
// Ingestion keys carried in structured data
// ---------------------------------------------------------------------------------------

/**
 * SD-IDs that may carry the ingestion key in a `key` parameter:
 * `[millrace@53595 key="mlr_ik_..."]` and, for senders configured for the Loggly-style
 * token element, `[key@41058 key="..."]`.
 */
export const KEY_SD_IDS: readonly string[] = ['millrace@53595', 'key@41058'];

/**
 * Find the ingestion key in structured data and REMOVE it (the parameter, and the element
 * when nothing else is left) so it is never stored. Every accepted element is cleaned; the
 * first key found is returned.
 */
export function findKeyInStructuredData(sd: StructuredData | undefined): string | undefined {
  if (sd === undefined) return undefined;
  let key: string | undefined;
  for (const id of KEY_SD_IDS) {
    if (!Object.prototype.hasOwnProperty.call(sd, id)) continue;
    const params = sd[id];
    const value = Object.prototype.hasOwnProperty.call(params, 'key') ? params.key : undefined;
    if (value !== undefined) {
      key ??= Array.isArray(value) ? value[0] : value;
      delete params.key;
    }
    if (Object.keys(params).length === 0) delete sd[id];
  }
  return key;
}

// ---------------------------------------------------------------------------------------
// RawLine mapping
// ---------------------------------------------------------------------------------------

/** Meta of a syslog line: facility name, severity, procid, msgid, structured data. */
export function syslogMeta(msg: SyslogMessage): Fields | undefined {
  const meta: Fields = {};
  if (msg.facility !== undefined) meta.facility = FACILITIES[msg.facility];
  if (msg.severity !== undefined) meta.severity = msg.severity;
  if (msg.procId !== undefined) meta.procid = msg.procId;
  if (msg.msgId !== undefined) meta.msgid = msg.msgId;
  if (msg.sd !== undefined && Object.keys(msg.sd).length > 0) meta.sd = msg.sd;
  return Object.keys(meta).length > 0 ? meta : undefined;
}

export interface ParsedSyslog {
  line: RawLine;
  /** The ingestion key found in structured data (already removed from `line.meta`). */
  key?: string;
  /** The message text was cut to `LIMITS.maxLineBytes`. */
  truncated: boolean;
}

/**
 * Parse one framed message into a bounded RawLine, taking the ingestion key out of the
 * structured data. `now` resolves RFC 3164's missing year. Returns `{error}` for an empty
 * message, a bad PRI or a malformed RFC 5424 header; the caller may keep the raw frame as a
 * plain line instead.
 */
export function parseSyslog(frame: Buffer | string, now: Date, stats?: BoundStats): ParsedSyslog | { error: string } {
  const text = typeof frame === 'string' ? frame : frame.toString('utf8');
  const msg = parseSyslogText(text, now);
  if ('error' in msg) return msg;
  const key = findKeyInStructuredData(msg.sd);
  const cut = truncateUtf8(msg.msg, REQUEST_LIMITS.maxLineBytes);
  const line: RawLine = { line: cut.text };
  if (msg.timestamp !== undefined && (typeof msg.timestamp === 'number' || msg.timestamp.length <= REQUEST_LIMITS.maxTimestampLength)) line.ts = msg.timestamp;
  const host = boundName(msg.hostname);
  if (host !== undefined) line.host = host;
  const app = boundName(msg.appName);
  if (app !== undefined) line.app = app;
  if (msg.severity !== undefined) line.level = syslogSeverityLevel(msg.severity);
  const meta = boundMeta(syslogMeta(msg), stats ?? { fieldsDropped: 0, valuesCut: 0 }).meta;
  if (meta !== undefined) line.meta = meta;
  return key === undefined ? { line, truncated: cut.truncated } : { line, key, truncated: cut.truncated };
}

/** `parseSyslog` without the key: RawLine (key removed, never stored) or `{error}`. */
export function parseSyslogMessage(frame: Buffer | string, now: Date): RawLine | { error: string } {
  const parsed = parseSyslog(frame, now);
  return 'error' in parsed ? parsed : parsed.line;
}

// ---------------------------------------------------------------------------------------
// Framing (RFC 6587) for TCP/TLS
// ---------------------------------------------------------------------------------------

export type FramerEvent = { frame: Buffer } | { error: string };

const LF = 10;
const NUL = 0;
const CR = 13;

/**
 * Splits a syslog byte stream into frames, choosing per frame between octet counting
 * (`<len> <frame>`, RFC 6587 §3.4.1: digits, a space, then `<`) and non-transparent framing
 * (LF or NUL terminated, a CR before LF dropped) on the same connection.
 *
 * Bounded: at most one frame (`maxFrameBytes`) plus a length prefix is buffered. An oversized
 * frame or length prefix yields an `{error}` event (the caller decides whether to close); the
 * framer then discards that frame's bytes and carries on. Frames are views of the input: copy
 * them to keep them past the next `push`.
 */
export class SyslogFramer {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of a refused octet-counted frame still to discard. */
  private skip = 0;
  /** Discarding a refused newline frame up to its terminator. */
  private discardLine = false;

  constructor(private readonly maxFrameBytes: number = SYSLOG_LIMITS.maxFrameBytes) {}

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): FramerEvent[] {
    const events: FramerEvent[] = [];
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    let nextNul = -2; // cached NUL search: -2 unknown, -1 none in the rest of data
    const terminator = (from: number): number => {
      if (nextNul !== -1 && nextNul < from) nextNul = data.indexOf(NUL, from);
      const lf = data.indexOf(LF, from);
      if (nextNul < 0) return lf;
      return lf < 0 ? nextNul : Math.min(lf, nextNul);
    };

    while (pos < data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - pos);
        pos += n;
        this.skip -= n;
        continue;
      }
      if (this.discardLine) {
        const end = terminator(pos);
        if (end < 0) {
          pos = data.length;
          break;
        }
        pos = end + 1;
        this.discardLine = false;
        continue;
      }
      const c = data[pos];
      if (c === LF || c === NUL || c === CR || c === SP) {
        pos++; // empty frames and separators between frames
        continue;
      }
      if (c >= 0x31 && c <= 0x39) {
        const octet = this.octetFrame(data, pos, events);
        if (octet === WAIT) break;
        if (octet !== NOT_OCTET) {
          pos = octet;
          continue;
        }
      }
      const end = terminator(pos);
      if (end < 0) {
        if (data.length - pos > this.maxFrameBytes) {
          events.push({ error: `frame exceeds ${this.maxFrameBytes} bytes without a line terminator` });
          this.discardLine = true;
          pos = data.length;
        }
        break;
      }
      if (end - pos > this.maxFrameBytes) {
        events.push({ error: `frame of ${end - pos} bytes exceeds ${this.maxFrameBytes}` });
      } else {
        const stop = data[end - 1] === CR ? end - 1 : end;
        events.push({ frame: data.subarray(pos, stop) });
      }
      pos = end + 1;
    }
    // Copy the remainder so a large chunk is not retained through a small view.
    this.pending = pos < data.length ? Buffer.from(data.subarray(pos)) : Buffer.alloc(0);
    return events;
  }

  /** At connection close: a final unterminated newline frame is still a frame. */
  end(): FramerEvent[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (this.skip > 0 || this.discardLine) {
      this.skip = 0;
      this.discardLine = false;
      return [];
    }
    if (rest.length === 0) return [];
    if (startsOctetFrame(rest)) return [{ error: `connection closed inside an octet-counted frame (${rest.length} bytes buffered)` }];
    let end = rest.length;
    while (end > 0 && (rest[end - 1] === CR || rest[end - 1] === SP)) end--;
    return end > 0 ? [{ frame: rest.subarray(0, end) }] : [];
  }

  /** Position after an octet-counted frame, WAIT for more data, or NOT_OCTET. */
  private octetFrame(data: Buffer, pos: number, events: FramerEvent[]): number {
    let p = pos;
    while (p < data.length && p - pos <= 10 && data[p] >= 0x30 && data[p] <= 0x39) p++;
    if (p - pos > 10) return NOT_OCTET;
    if (p + 1 >= data.length) return WAIT; // need the space and the `<` to decide
    if (data[p] !== SP || data[p + 1] !== 0x3c) return NOT_OCTET;
    const digits = p - pos;
    const length = Number(data.toString('latin1', pos, p));
    const start = p + 1;
    if (digits > SYSLOG_LIMITS.maxLengthDigits || length > this.maxFrameBytes) {
      events.push({ error: `octet count ${length} exceeds the maximum frame of ${this.maxFrameBytes} bytes` });
      this.skip = length;
      return start;
    }
    if (data.length - start < length) return WAIT;
    events.push({ frame: data.subarray(start, start + length) });
    return start + length;
  }
}

const WAIT = -1;
const NOT_OCTET = -2;

function startsOctetFrame(data: Buffer): boolean {
  let p = 0;
  while (p < data.length && data[p] >= 0x30 && data[p] <= 0x39) p++;
  return p > 0 && p + 1 < data.length && data[p] === SP && data[p + 1] === 0x3c;
}

// ---------------------------------------------------------------------------------------

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function allDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** SD-NAME: printable US-ASCII except `=`, space, `]` and `"`. */
function isSdNameChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 61 && c !== 93 && c !== 34;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
