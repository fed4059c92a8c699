import { normaliseLevel, truncateUtf8, type RawLine } from '@millrace/log-schema';
import { clip, ProtocolError, tooManyLines } from './errors';
import { boundMeta, boundName, type BoundStats, type Fields } from './fields';
import { REQUEST_LIMITS } from './limits';
import type { DecodeResult, Rejection } from './types';

/** One line as a decoder found it; the builder bounds every part. */
export interface LineInput {
  line: string;
  ts?: string | number;
  app?: unknown;
  host?: unknown;
  /** A level word or number; normalised with `normaliseLevel`. */
  level?: unknown;
  /** Already bounded (see `boundTags`); usually shared by every line of a request. */
  tags?: string[];
  /** Unbounded; bounded here (depth, fields, value sizes). */
  meta?: Fields;
  /** A top-level key of `meta` to leave out (the field used as the line), without copying `meta`. */
  metaOmit?: string;
  /** Fields added to `meta`, after its own. */
  metaExtra?: Fields;
}

/**
 * Collects the lines and rejections of one request and enforces the per-request limits:
 * the line count (413 past `maxLinesPerRequest`), line size (truncated and counted) and the
 * decoded size (413 past `maxDecodedBytes`).
 */
export class ResultBuilder implements BoundStats {
  readonly lines: RawLine[] = [];
  readonly rejected: Rejection[] = [];
  truncated = 0;
  fieldsDropped = 0;
  valuesCut = 0;
  private items = 0;
  private bytes = 0;

  constructor(private readonly maxItems: number = REQUEST_LIMITS.maxLinesPerRequest) {}

  /** Refuse early when the request announces more items than allowed. */
  expect(count: number): void {
    if (this.items + count > this.maxItems) throw tooManyLines(this.items + count, this.maxItems);
  }

  get count(): number {
    return this.items;
  }

  add(input: LineInput): RawLine {
    this.countItem();
    const cut = truncateUtf8(input.line);
    if (cut.truncated) this.truncated++;
    const line: RawLine = { line: cut.text };
    if (input.ts !== undefined) {
      const ts = boundTimestamp(input.ts);
      if (ts === undefined) this.valuesCut++;
      else line.ts = ts;
    }
    const app = boundName(input.app);
    if (app !== undefined) line.app = app;
    const host = boundName(input.host);
    if (host !== undefined) line.host = host;
    const level = normaliseLevel(input.level);
    if (level !== undefined) line.level = level;
    if (input.tags !== undefined && input.tags.length > 0) line.tags = input.tags;
    let size = cut.text.length + 64;
    if (input.meta !== undefined || input.metaExtra !== undefined) {
      const bounded = boundMeta(input.meta, this, input.metaOmit, input.metaExtra);
      if (bounded.meta !== undefined) line.meta = bounded.meta;
      size += bounded.bytes;
    }
    this.bytes += size;
    if (this.bytes > REQUEST_LIMITS.maxDecodedBytes) {
      throw new ProtocolError(413, `decoded request too large: more than ${REQUEST_LIMITS.maxDecodedBytes} bytes of lines and fields`);
    }
    this.lines.push(line);
    return line;
  }

  reject(index: number, reason: string): void {
    this.countItem();
    this.rejected.push({ index, reason: clip(reason) });
  }

  result(): DecodeResult {
    return {
      lines: this.lines,
      rejected: this.rejected,
      truncated: this.truncated,
      fieldsDropped: this.fieldsDropped,
      valuesCut: this.valuesCut,
    };
  }

  private countItem(): void {
    if (++this.items > this.maxItems) throw tooManyLines(this.items, this.maxItems);
  }
}

function boundTimestamp(ts: string | number): string | number | undefined {
  if (typeof ts === 'number') return Number.isFinite(ts) ? ts : undefined;
  const text = ts.trim();
  return text === '' || text.length > REQUEST_LIMITS.maxTimestampLength ? undefined : text;
}
