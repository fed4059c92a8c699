import { normaliseLevel, syslogSeverityLevel } from '@millrace/log-schema';
import { aliasedFields, aliasQuery } from '@millrace/field-aliases';
import { inflateByMagic } from './decompress';
import { ProtocolError } from './errors';
import { isObject, setField, type Fields } from './fields';
import { GELF_LIMITS, REQUEST_LIMITS } from './limits';
import { ResultBuilder } from './result';
import { isBlank, tryParseJson } from './text';
import type { DecodeContext, DecodeResult } from './types';

const APP_ALIASES = aliasQuery({ roles: ['app'] });
/** Standard GELF fields kept in meta (without their own RawLine slot). */
const KEPT_FIELDS = ['full_message', 'facility', 'file', 'line'];

/**
 * GELF over HTTP, `POST /gelf`: one GELF 1.1 JSON message, or several separated by newlines
 * or NUL bytes. A gzip or zlib body (magic 1f 8b / 78) is inflated here too, as Graylog does.
 * No context is read.
 *
 * Mapping: line = `short_message` (`message` accepted); host = `host`; ts = `timestamp`
 * (epoch seconds with decimals) in ms; level = `level` (syslog severity 0-7, or a level word
 * some senders put there); app = the app
 * alias among the additional fields (field-alias table: `_app`, `_application_name`,
 * `_service`, Docker's `_container_name`…), else `_facility` (gelf-pro), else `facility`;
 * meta = every `_field` without its underscore (`_id` is reserved by GELF and dropped; the
 * flat app name used is not kept), plus `full_message`, `facility`, `file`, `line`.
 */
export function decodeGelfHttp(body: Buffer, _ctx: DecodeContext): DecodeResult {
  const data = inflateIfCompressed(body, REQUEST_LIMITS.maxInnerDecompressedBytes);
  const out = new ResultBuilder();
  const text = data.toString('utf8');
  // The usual body is one message, possibly pretty-printed over several lines. A failed parse
  // of a multi-message body stops at the end of the first message, so this is cheap.
  const whole = tryParseJson(text);
  if ('value' in whole && isObject(whole.value)) {
    addGelfDoc(out, 0, whole.value);
    if (out.lines.length === 0) throw new ProtocolError(400, out.rejected[0].reason);
    return out.result();
  }
  let start = 0;
  let index = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c !== 10 && c !== 0) continue;
    const part = text.slice(start, i);
    start = i + 1;
    if (isBlank(part)) continue;
    addGelf(out, index++, part);
  }
  if (out.lines.length === 0 && out.rejected.length > 0) throw new ProtocolError(400, out.rejected[0].reason);
  if (index === 0) throw new ProtocolError(400, 'empty body: expected a GELF JSON message');
  return out.result();
}

/**
 * One complete GELF datagram (after `GelfChunkAssembler`, or an unchunked UDP packet):
 * inflated if compressed, then decoded like one HTTP message. Never throws except
 * ProtocolError (a message too large when inflated).
 */
export function decodeGelfMessage(payload: Buffer, _ctx: DecodeContext = {}): DecodeResult {
  const data = inflateIfCompressed(payload, GELF_LIMITS.maxMessageBytes);
  const out = new ResultBuilder();
  const text = data.toString('utf8');
  // A trailing NUL or newline is common (some senders terminate UDP messages too).
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0 || text.charCodeAt(end - 1) === 10)) end--;
  addGelf(out, 0, text.slice(0, end));
  return out.result();
}

function addGelf(out: ResultBuilder, index: number, text: string): void {
  const parsed = tryParseJson(text);
  if ('error' in parsed) return out.reject(index, `message ${index + 1}: ${parsed.error}`);
  if (!isObject(parsed.value)) return out.reject(index, `message ${index + 1}: expected a JSON object`);
  addGelfDoc(out, index, parsed.value);
}

function addGelfDoc(out: ResultBuilder, index: number, doc: Fields): void {
  const short = typeof doc.short_message === 'string' ? doc.short_message : typeof doc.message === 'string' ? doc.message : undefined;
  if (short === undefined) return out.reject(index, `message ${index + 1}: missing short_message`);

  let meta: Fields = {};
  for (const key of KEPT_FIELDS) if (doc[key] !== undefined && Object.prototype.hasOwnProperty.call(doc, key)) meta[key] = doc[key];
  for (const key in doc) {
    if (key.charCodeAt(0) !== 95 /* _ */ || key === '_id' || key.length === 1) continue;
    setField(meta, key.slice(1), doc[key]);
  }
  // The app by the field-alias table (`_app`, `_service`, Docker's `_container_name`…), else
  // `_facility` (gelf-pro's way to name the app), else GELF 1.0's `facility`.
  const aliases = APP_ALIASES.resolve(meta);
  let app: unknown = aliases.app?.value;
  if (app === undefined && typeof meta.facility === 'string' && meta.facility !== '') app = meta.facility;
  meta = aliasedFields(meta, aliases);
  out.add({
    line: short,
    ts: gelfTimestamp(doc.timestamp),
    host: doc.host,
    app,
    level: gelfLevel(doc.level),
    meta,
  });
}

/**
 * GELF's `level` is a syslog severity 0-7 (a number, or its digits); some senders put a level
 * word there instead (`"WARNING"`), taken as a word.
 */
function gelfLevel(value: unknown): string | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (Number.isInteger(n)) return n >= 0 && n <= 7 ? syslogSeverityLevel(n) : undefined;
  return typeof value === 'string' && value.trim() !== '' && Number.isNaN(n) ? normaliseLevel(value) : undefined;
}

/** Seconds since the epoch with optional decimals → ms. */
function gelfTimestamp(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : undefined;
}

function inflateIfCompressed(data: Buffer, maxBytes: number): Buffer {
  return inflateByMagic(data, maxBytes, 'GELF payload');
}

// ---------------------------------------------------------------------------------------
// UDP chunking
// ---------------------------------------------------------------------------------------

export type GelfDatagramResult =
  /** A whole message (still compressed if it was): pass it to `decodeGelfMessage`. */
  | { kind: 'message'; payload: Buffer }
  /** A chunk was stored; the message is not complete yet. */
  | { kind: 'partial' }
  /** The datagram was dropped (and counted); `reason` says why. */
  | { kind: 'dropped'; reason: string };

interface Pending {
  firstSeen: number;
  count: number;
  received: number;
  bytes: number;
  chunks: (Buffer | undefined)[];
}

export interface GelfAssemblerOptions {
  maxInFlight?: number;
  timeoutMs?: number;
  maxBufferedBytes?: number;
  maxMessageBytes?: number;
}

export interface GelfAssemblerStats {
  completed: number;
  /** Incomplete messages evicted: timed out, or pushed out by the in-flight or byte bound. */
  evicted: number;
  /** Datagrams refused: malformed chunk headers, inconsistent counts, oversize. */
  dropped: number;
}

const CHUNK_MAGIC_0 = 0x1e;
const CHUNK_MAGIC_1 = 0x0f;
const CHUNK_HEADER = 12;

/**
 * Reassembles chunked GELF (magic 1e 0f, 8-byte message id, sequence number, sequence count
 * ≤ 128). Bounded: at most `maxInFlight` incomplete messages and `maxBufferedBytes` in all
 * (the oldest are evicted first), each expires `timeoutMs` after its first chunk. No timers:
 * expiry runs on every `push` and on `sweep` (call it about once a second on a quiet socket).
 */
export class GelfChunkAssembler {
  readonly stats: GelfAssemblerStats = { completed: 0, evicted: 0, dropped: 0 };
  // Map iteration order is insertion order: the first entry is always the oldest.
  private readonly pending = new Map<string, Pending>();
  private bytes = 0;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly maxBufferedBytes: number;
  private readonly maxMessageBytes: number;

  constructor(options: GelfAssemblerOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? GELF_LIMITS.maxInFlight;
    this.timeoutMs = options.timeoutMs ?? GELF_LIMITS.chunkTimeoutMs;
    this.maxBufferedBytes = options.maxBufferedBytes ?? GELF_LIMITS.maxBufferedBytes;
    this.maxMessageBytes = options.maxMessageBytes ?? GELF_LIMITS.maxMessageBytes;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get bufferedBytes(): number {
    return this.bytes;
  }

  push(datagram: Buffer, now: number = Date.now()): GelfDatagramResult {
    this.sweep(now);
    if (datagram.length < 2 || datagram[0] !== CHUNK_MAGIC_0 || datagram[1] !== CHUNK_MAGIC_1) {
      if (datagram.length > this.maxMessageBytes) return this.drop('datagram larger than the message limit');
      return { kind: 'message', payload: datagram };
    }
    if (datagram.length < CHUNK_HEADER) return this.drop('chunk shorter than its 12-byte header');
    const seq = datagram[10];
    const count = datagram[11];
    if (count < 1 || count > GELF_LIMITS.maxChunks) return this.drop(`sequence count ${count} outside 1..${GELF_LIMITS.maxChunks}`);
    if (seq >= count) return this.drop(`sequence number ${seq} not below the count ${count}`);
    const data = datagram.subarray(CHUNK_HEADER);
    if (count === 1) {
      this.stats.completed++;
      return { kind: 'message', payload: data };
    }
    const id = datagram.toString('latin1', 2, 10);
    let entry = this.pending.get(id);
    if (entry === undefined) {
      entry = { firstSeen: now, count, received: 0, bytes: 0, chunks: new Array<Buffer | undefined>(count) };
      this.pending.set(id, entry);
      while (this.pending.size > this.maxInFlight) this.evictOldest();
    } else if (entry.count !== count) {
      this.remove(id, entry);
      this.stats.evicted++;
      return this.drop(`chunks of one message disagree on the count (${entry.count} then ${count})`);
    }
    if (entry.chunks[seq] !== undefined) return { kind: 'partial' }; // duplicate datagram
    if (entry.bytes + data.length > this.maxMessageBytes) {
      this.remove(id, entry);
      this.stats.evicted++;
      return this.drop(`message larger than ${this.maxMessageBytes} bytes`);
    }
    // Copy: the socket may reuse the datagram's memory.
    entry.chunks[seq] = Buffer.from(data);
    entry.received++;
    entry.bytes += data.length;
    this.bytes += data.length;
    if (entry.received === entry.count) {
      this.remove(id, entry);
      this.stats.completed++;
      return { kind: 'message', payload: Buffer.concat(entry.chunks as Buffer[], entry.bytes) };
    }
    while (this.bytes > this.maxBufferedBytes && this.pending.size > 0) this.evictOldest();
    return this.pending.has(id) ? { kind: 'partial' } : this.drop('evicted to stay within the buffer bound');
  }

  /** Drop messages whose first chunk is older than the timeout. */
  sweep(now: number = Date.now()): void {
    for (const [id, entry] of this.pending) {
      if (now - entry.firstSeen < this.timeoutMs) break; // the rest are newer
      this.remove(id, entry);
      this.stats.evicted++;
    }
  }

  private evictOldest(): void {
    const first = this.pending.entries().next();
    if (first.done) return;
    this.remove(first.value[0], first.value[1]);
    this.stats.evicted++;
  }

  private remove(id: string, entry: Pending): void {
    this.pending.delete(id);
    this.bytes -= entry.bytes;
  }

  private drop(reason: string): GelfDatagramResult {
    this.stats.dropped++;
    return { kind: 'dropped', reason };
  }
}
