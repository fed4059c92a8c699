/**
 * The syslog grammar: one framed message in, its parts out. RFC 5424 with NILVALUE in every
 * field, RFC 3164 and the variants real senders produce. Never throws; no regex compiled per
 * call; one result object per message.
 */
import type { SyslogMessage, SyslogParseResult } from './message';
import { parseStructuredData } from './structured-data';
import { readBsdTime, readRfc3339 } from './time';

const SP = 32;
const DASH = 45;
const LT = 60;
const GT = 62;
const OPEN = 91;

// Compiled once, matched at a position (sticky). A TAG is `app:` or `app[pid]:`, then a space
// or the end; quotes, braces and `=` keep JSON and key=value text from passing for one.
const TAG = /([^\s[\]:"{}=]{1,128})(?:\[([^\]\s]{0,128})\])?:(?: |$)/y;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function message(format: SyslogMessage['format'], pri: number): SyslogMessage {
  // Every field present (undefined when absent): one object shape for all messages.
  return {
    format,
    facility: pri < 0 ? undefined : pri >> 3,
    severity: pri < 0 ? undefined : pri & 7,
    time: undefined,
    timeText: undefined,
    hostname: undefined,
    appName: undefined,
    procId: undefined,
    msgId: undefined,
    sd: undefined,
    msg: '',
  };
}

/**
 * Parse one framed syslog message. Trailing LF, CR and NUL are dropped. `receivedAt` (epoch ms)
 * gives an RFC 3164 time its year (`inferYear`).
 *
 * - `<PRI>VERSION SP …` is RFC 5424: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID, each `-` when
 *   nil, then STRUCTURED-DATA (`-` or elements) and MSG (a UTF-8 BOM removed). A message that
 *   ends after MSGID, or goes on without STRUCTURED-DATA (Heroku Logplex frames), is accepted:
 *   after MSGID, `-` and well-formed elements (SD-IDs `name@number` or IANA-registered) are
 *   structured data, anything else starts MSG. So `[INFO] booted` stays text.
 * - Otherwise RFC 3164: `[<PRI>]` TIMESTAMP (`Mmm dd hh:mm:ss`, or RFC 3339 after a PRI)
 *   [HOSTNAME] [TAG[`[pid]`]`:`] MSG. The HOSTNAME is absent when the word after the time is
 *   already the TAG (local senders). Without a PRI a timestamp is required.
 * - Neither PRI nor an RFC 3164 timestamp: `{format: 'plain'}`.
 * - `{error}`: an empty message, a PRI that is not `<0>`..`<191>`, an RFC 5424 header cut
 *   before MSGID or with an empty field.
 */
export function parseSyslog(text: string, receivedAt: number): SyslogParseResult {
  let end = text.length;
  while (end > 0) {
    const c = text.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 0) break;
    end--;
  }
  if (end < text.length) text = text.slice(0, end);
  if (end === 0) return { error: 'empty message' };

  let pos = 0;
  let pri = -1;
  if (text.charCodeAt(0) === LT) {
    let close = 1;
    while (close < 5 && close < end && isDigit(text.charCodeAt(close))) close++;
    if (close === 1 || close > 4 || text.charCodeAt(close) !== GT) return { error: 'invalid PRI: expected <0> to <191>' };
    pri = Number(text.slice(1, close));
    if (pri > 191 || (close > 2 && text.charCodeAt(1) === 48)) return { error: `invalid PRI: <${text.slice(1, close)}>` };
    pos = close + 1;
    // RFC 5424: VERSION (1 to 3 digits, not starting with 0) and a space.
    let v = pos;
    while (v < end && v - pos < 3 && isDigit(text.charCodeAt(v))) v++;
    if (v > pos && text.charCodeAt(v) === SP && text.charCodeAt(pos) !== 48) return parse5424(text, v + 1, pri);
  }
  return parse3164(text, pos, pri, receivedAt);
}

const HEADER = ['TIMESTAMP', 'HOSTNAME', 'APP-NAME', 'PROCID', 'MSGID'] as const;

function parse5424(text: string, pos: number, pri: number): SyslogMessage | { error: string } {
  const out = message('rfc5424', pri);
  const len = text.length;
  for (let field = 0; field < 5; field++) {
    if (pos >= len) return { error: `RFC 5424 header truncated: missing ${HEADER[field]}` };
    let end = text.indexOf(' ', pos);
    if (end < 0) {
      if (field < 4) return { error: `RFC 5424 header truncated after ${HEADER[field]}` };
      end = len; // the message ends after MSGID: no STRUCTURED-DATA, no MSG
    }
    if (end === pos) return { error: `RFC 5424: empty ${HEADER[field]} (two spaces in the header)` };
    if (!(end === pos + 1 && text.charCodeAt(pos) === DASH)) {
      const token = text.slice(pos, end);
      switch (field) {
        case 0:
          out.timeText = token;
          out.time = readRfc3339(text, pos, end);
          break;
        case 1: out.hostname = token; break;
        case 2: out.appName = token; break;
        case 3: out.procId = token; break;
        default: out.msgId = token;
      }
    }
    pos = end + 1;
  }
  if (pos < len) {
    const c = text.charCodeAt(pos);
    if (c === DASH && (pos + 1 === len || text.charCodeAt(pos + 1) === SP)) {
      pos += 2;
    } else if (c === OPEN) {
      const read = parseStructuredData(text, pos);
      if (!('error' in read) && read.validIds && (read.end === len || text.charCodeAt(read.end) === SP)) {
        for (const _ in read.sd) {
          out.sd = read.sd;
          break;
        }
        pos = read.end + 1;
      }
      // else: not structured data after all; MSG starts at the `[`.
    }
  }
  out.msg = pos < len ? stripBom(text.slice(pos)) : '';
  return out;
}

function parse3164(text: string, pos: number, pri: number, receivedAt: number): SyslogMessage | { format: 'plain'; msg: string } {
  const len = text.length;
  let hasTime = false;
  let time: number | undefined;
  let timeText: string | undefined;
  const c = text.charCodeAt(pos);
  if (isLetter(c)) {
    const read = readBsdTime(text, pos, receivedAt);
    if (read !== undefined && (read.end === len || text.charCodeAt(read.end) === SP)) {
      time = read.ms;
      hasTime = true;
      pos = read.end;
    }
  } else if (pri >= 0 && isDigit(c)) {
    // rsyslog's high-precision forward format: an RFC 3339 time in RFC 3164's place.
    let end = text.indexOf(' ', pos);
    if (end < 0) end = len;
    const ms = readRfc3339(text, pos, end);
    if (ms !== undefined) {
      time = ms;
      timeText = text.slice(pos, end);
      hasTime = true;
      pos = end;
    }
  }
  if (pri < 0 && !hasTime) return { format: 'plain', msg: stripBom(text) };
  const out = message('rfc3164', pri);
  out.time = time;
  out.timeText = timeText;
  if (hasTime && pos < len) pos++;

  if (hasTime) {
    const end = text.indexOf(' ', pos);
    TAG.lastIndex = pos;
    if (end > pos && !TAG.test(text)) {
      out.hostname = text.slice(pos, end);
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
  out.msg = pos < len ? stripBom(text.slice(pos)) : '';
  return out;
}
