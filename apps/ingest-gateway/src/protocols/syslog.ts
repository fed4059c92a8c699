/**
 * Syslog frames (TCP, TLS, UDP) to bounded RawLines, with the ingestion key taken out. The
 * grammar itself (RFC 5424, RFC 3164, framing, year inference) is `@millrace/syslog`, shared
 * with the parser-worker and the drains; this file adds what only the gateway does: finding
 * the key, and bounding what is kept.
 */
import { truncateUtf8, type RawLine } from '@millrace/log-schema';
import { parseSyslog as parseSyslogText, syslogLine, type StructuredData } from '@millrace/syslog';
import { boundMeta, type BoundStats } from './fields';
import { REQUEST_LIMITS } from './limits';

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

/** `mlr_ik_` / `mlr_sk_` and 43 base64url characters: the shape of every Millrace key. */
const KEY_LENGTH = 7 + 43;

function isBase64Url(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

/**
 * The end of a key-shaped first word of `text` (followed by a space, a tab or the end), or -1.
 * This is the token-prefix convention of Logentries and Sematext, for senders that cannot put
 * the key in structured data (winston-syslog, RFC 3164 senders): `mlr_ik_… the message`.
 */
export function leadingKeyEnd(text: string): number {
  if (text.length < KEY_LENGTH || text.charCodeAt(0) !== 109 /* m */ || !text.startsWith('mlr_', 0)) return -1;
  const kind = text.charCodeAt(4);
  if ((kind !== 105 && kind !== 115) || text.charCodeAt(5) !== 107 || text.charCodeAt(6) !== 95) return -1; // ik_ / sk_
  for (let i = 7; i < KEY_LENGTH; i++) if (!isBase64Url(text.charCodeAt(i))) return -1;
  if (text.length === KEY_LENGTH) return KEY_LENGTH;
  const after = text.charCodeAt(KEY_LENGTH);
  return after === 32 || after === 9 ? KEY_LENGTH : -1;
}

/** `text` without its key-shaped first word: [key, rest], or undefined when it has none. */
function takeLeadingKey(text: string): [string, string] | undefined {
  const end = leadingKeyEnd(text);
  if (end < 0) return undefined;
  return [text.slice(0, end), text.slice(end + 1)];
}

export interface ParsedSyslog {
  /** The line to store: never contains the key. */
  line: RawLine;
  /** The ingestion key found (structured data first, then the first word of the message or of the frame). */
  key?: string;
  /** The message text was cut to `LIMITS.maxLineBytes`. */
  truncated: boolean;
  /** Why the frame could not be read as syslog; `line` is then the frame as plain text. */
  malformed?: string;
}

/**
 * One framed message to a bounded RawLine (`syslogLine` of `@millrace/syslog`), taking the
 * ingestion key out: from `[millrace@53595 key="…"]` (or `[key@41058 key="…"]`), else a
 * key-shaped first word of MSG, else of the whole frame (a template that writes the key before
 * everything else). Key-shaped words in those places are removed even when another key is
 * used, so no key is ever stored. `now` resolves RFC 3164's missing year. A frame that cannot
 * be read (bad PRI, truncated RFC 5424 header) is kept as plain text with `malformed` set.
 */
export function parseSyslog(frame: Buffer | string, now: Date, stats?: BoundStats): ParsedSyslog {
  let text = typeof frame === 'string' ? frame : frame.toString('utf8');
  let key: string | undefined;
  const lead = takeLeadingKey(text);
  if (lead !== undefined) [key, text] = lead;

  const msg = parseSyslogText(text, now.getTime());
  if ('error' in msg || msg.format === 'plain') {
    const cut = truncateUtf8('error' in msg ? text : msg.msg, REQUEST_LIMITS.maxLineBytes);
    const out: ParsedSyslog = { line: { line: cut.text }, truncated: cut.truncated };
    if (key !== undefined) out.key = key;
    if ('error' in msg) out.malformed = msg.error;
    return out;
  }

  const sdKey = findKeyInStructuredData(msg.sd);
  if (msg.sd !== undefined && Object.keys(msg.sd).length === 0) msg.sd = undefined;
  const inMessage = takeLeadingKey(msg.msg);
  if (inMessage !== undefined) {
    key = inMessage[0];
    msg.msg = inMessage[1];
  }
  if (sdKey !== undefined) key = sdKey;

  const line: RawLine = syslogLine(msg);
  const cut = truncateUtf8(line.line, REQUEST_LIMITS.maxLineBytes);
  line.line = cut.text;
  const meta = boundMeta(line.meta, stats ?? { fieldsDropped: 0, valuesCut: 0 }).meta;
  if (meta !== undefined) line.meta = meta;
  else delete line.meta;
  return key === undefined ? { line, truncated: cut.truncated } : { line, key, truncated: cut.truncated };
}
