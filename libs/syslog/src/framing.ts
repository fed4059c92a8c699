/**
 * Framing (RFC 6587): octet counting (`<length> <message>`) and non-transparent framing (a
 * message per line), for streams (TCP, TLS) and for whole bodies (Logplex).
 */

export type FramerEvent = { frame: Buffer } | { error: string };

/** A syslog frame is at most this long by default (64 KiB, what rsyslog and syslog-ng send at most by default). */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

const LF = 10;
const NUL = 0;
const CR = 13;
const SP = 32;
const LT = 0x3c;
const WAIT = -1;
const NOT_OCTET = -2;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

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
  private readonly maxLengthDigits: number;

  constructor(private readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {
    this.maxLengthDigits = String(maxFrameBytes).length;
  }

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
    while (p < data.length && p - pos <= 10 && isDigit(data[p])) p++;
    if (p - pos > 10) return NOT_OCTET;
    if (p + 1 >= data.length) return WAIT; // need the space and the `<` to decide
    if (data[p] !== SP || data[p + 1] !== LT) return NOT_OCTET;
    const digits = p - pos;
    const length = Number(data.toString('latin1', pos, p));
    const start = p + 1;
    if (digits > this.maxLengthDigits || length > this.maxFrameBytes) {
      events.push({ error: `octet count ${length} exceeds the maximum frame of ${this.maxFrameBytes} bytes` });
      this.skip = length;
      return start;
    }
    if (data.length - start < length) return WAIT;
    events.push({ frame: data.subarray(start, start + length) });
    return start + length;
  }
}

function startsOctetFrame(data: Buffer): boolean {
  let p = 0;
  while (p < data.length && isDigit(data[p])) p++;
  return p > 0 && p + 1 < data.length && data[p] === SP && data[p + 1] === LT;
}

/** What `splitOctetCounted` reports for one frame, in body order. */
export interface OctetCountedHandler {
  /** A frame: `body[start, end)`. */
  frame(start: number, end: number): void;
  /**
   * Bytes that are not a frame. `resumesAt` is where the next frame starts (the next line that
   * begins like one), or -1 when nothing after `at` can be read (the rest is skipped).
   */
  unframed(at: number, resumesAt: number): void;
  /** The last frame declares more bytes than the body has left. */
  truncated(at: number, declared: number, present: number): void;
}

/** LF, CR and spaces between frames (some senders put a newline after each). */
function skipSeparators(body: Buffer, pos: number): number {
  while (pos < body.length && (body[pos] === LF || body[pos] === CR || body[pos] === SP)) pos++;
  return pos;
}

/** Start of the next line that begins with `<digits> <`, or -1. */
function resync(body: Buffer, from: number): number {
  let lf = body.indexOf(LF, from);
  while (lf >= 0) {
    let p = lf + 1;
    const start = p;
    while (p < body.length && isDigit(body[p])) p++;
    if (p > start && body[p] === SP && body[p + 1] === LT) return start;
    lf = body.indexOf(LF, lf + 1);
  }
  return -1;
}

/**
 * A whole body of octet-counted frames (a Logplex drain request): calls `handler` for each
 * frame in order, without copying. A length prefix that cannot be read is resynchronised on the
 * next line that starts like a frame.
 */
export function splitOctetCounted(body: Buffer, handler: OctetCountedHandler): void {
  let pos = skipSeparators(body, 0);
  while (pos < body.length) {
    let p = pos;
    while (p < body.length && p - pos < 10 && isDigit(body[p])) p++;
    if (p === pos || p - pos >= 10 || body[p] !== SP) {
      const next = resync(body, pos);
      handler.unframed(pos, next);
      if (next < 0) return;
      pos = next;
      continue;
    }
    const length = Number(body.toString('latin1', pos, p));
    const start = p + 1;
    if (start + length > body.length) {
      handler.truncated(pos, length, body.length - start);
      return;
    }
    handler.frame(start, start + length);
    pos = skipSeparators(body, start + length);
  }
}
