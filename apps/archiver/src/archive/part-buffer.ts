import { createGzip } from 'node:zlib';
import type { LogEvent } from '@millrace/log-schema';
import { hourStart, newPartId } from './layout';
import { PartStats } from './manifest';

/** Where a part's NDJSON goes while it is open: compressed as it arrives, finished once. */
export interface PartSink {
  write(chunk: string): void;
  /** End the stream; resolves with the whole encoded object. */
  finish(): Promise<Buffer>;
  /** Drop the part (shutdown, failure). */
  abort(): void;
}

/** gzip as the lines arrive, on libuv's thread pool: a part's memory is its compressed size. */
export function gzipSink(level = 6): PartSink {
  const gzip = createGzip({ level });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve, reject) => {
    gzip.once('end', () => resolve(Buffer.concat(chunks)));
    gzip.once('error', reject);
  });
  ended.catch(() => undefined);
  return {
    write: (chunk) => void gzip.write(chunk),
    finish: () => {
      gzip.end();
      return ended;
    },
    abort: () => gzip.destroy(),
  };
}

export interface PartLimits {
  /** Uncompressed bytes of one part. */
  maxBytes: number;
  maxLines: number;
  /** A part is sealed once it has been open this long. */
  maxAgeMs: number;
}

export type SealReason = 'age' | 'bytes' | 'lines' | 'destination' | 'pressure' | 'shutdown';

/** One part of one tenant's hour: open while lines arrive, then sealed and handed to an upload. */
export interface Part<D> {
  tenant: string;
  hour: number;
  partId: string;
  destination: D;
  destinationId: string;
  stats: PartStats;
  sink: PartSink;
  /** Tokens of the deliveries (JetStream messages) with lines in this part. */
  deliveries: Set<number>;
  openedAt: number;
  sealReason?: SealReason;
}

interface Pending<D> {
  part: Part<D>;
  lines: string[];
}

/**
 * Open parts per tenant and hour, within bounds. Pure bookkeeping around the sinks: no I/O, no
 * timers; the caller seals on time (`due`) and uploads what comes back sealed.
 */
export class PartBuffer<D> {
  private readonly open = new Map<string, Part<D>>();

  constructor(
    private readonly limits: PartLimits,
    private readonly createSink: () => PartSink = gzipSink,
    private readonly clock: () => number = Date.now,
  ) {}

  get openParts(): number {
    return this.open.size;
  }

  /** Uncompressed bytes in open parts. */
  get openBytes(): number {
    let total = 0;
    for (const part of this.open.values()) total += part.stats.uncompressedBytes;
    return total;
  }

  /**
   * Add the events of one delivery of one tenant. Returns how many parts got lines of this
   * delivery (the delivery is complete once that many parts are settled) and the parts that
   * became full on the way (to upload now).
   */
  add(tenant: string, destination: D, destinationId: string, events: LogEvent[], delivery: number): { parts: number; sealed: Part<D>[] } {
    const sealed: Part<D>[] = [];
    const pending = new Map<string, Pending<D>>();
    let parts = 0;
    for (const event of events) {
      const line = `${JSON.stringify(event)}\n`;
      const bytes = Buffer.byteLength(line);
      const key = `${tenant}\u0000${hourStart(event.ts)}`;
      let part = this.open.get(key);
      if (part && part.destinationId !== destinationId) {
        // The tenant's destination changed: what was buffered goes where it was meant to.
        sealed.push(this.seal(key, part, 'destination', pending));
        part = undefined;
      }
      if (part && part.stats.lines > 0 && (part.stats.uncompressedBytes + bytes > this.limits.maxBytes || part.stats.lines + 1 > this.limits.maxLines)) {
        sealed.push(this.seal(key, part, part.stats.lines + 1 > this.limits.maxLines ? 'lines' : 'bytes', pending));
        part = undefined;
      }
      if (!part) {
        part = {
          tenant, hour: hourStart(event.ts), partId: newPartId(this.clock()), destination, destinationId,
          stats: new PartStats(), sink: this.createSink(), deliveries: new Set(), openedAt: this.clock(),
        };
        this.open.set(key, part);
      }
      if (!part.deliveries.has(delivery)) {
        part.deliveries.add(delivery);
        parts++;
      }
      part.stats.add(event, bytes);
      let batch = pending.get(key);
      if (!batch || batch.part !== part) {
        if (batch) this.flushPending(batch);
        batch = { part, lines: [] };
        pending.set(key, batch);
      }
      batch.lines.push(line);
      // Full: sealed now, not when the next line comes (which may be a long while).
      if (part.stats.lines >= this.limits.maxLines || part.stats.uncompressedBytes >= this.limits.maxBytes) {
        sealed.push(this.seal(key, part, part.stats.lines >= this.limits.maxLines ? 'lines' : 'bytes', pending));
      }
    }
    for (const batch of pending.values()) this.flushPending(batch);
    return { parts, sealed };
  }

  /** Seal the parts that have been open for the maximum age. */
  due(now = this.clock()): Part<D>[] {
    const sealed: Part<D>[] = [];
    for (const [key, part] of this.open) if (now - part.openedAt >= this.limits.maxAgeMs) sealed.push(this.seal(key, part, 'age'));
    return sealed;
  }

  /** Seal every open part (shutdown, memory pressure). */
  sealAll(reason: SealReason): Part<D>[] {
    return [...this.open].map(([key, part]) => this.seal(key, part, reason));
  }

  private seal(key: string, part: Part<D>, reason: SealReason, pending?: Map<string, Pending<D>>): Part<D> {
    const batch = pending?.get(key);
    if (batch && batch.part === part) {
      this.flushPending(batch);
      pending!.delete(key);
    }
    this.open.delete(key);
    part.sealReason = reason;
    return part;
  }

  private flushPending(batch: Pending<D>): void {
    if (batch.lines.length > 0) batch.part.sink.write(batch.lines.join(''));
    batch.lines = [];
  }
}

interface Entry<M> {
  seq: number;
  msg: M | undefined;
  bytes: number;
  /** Parts holding lines of this delivery that are not settled yet. */
  open: number;
  failed: boolean;
  receivedAt: number;
}

/**
 * Which JetStream messages may be acked: a message is acked once every part holding its lines
 * was uploaded and verified, nak'ed as soon as one of them failed. Keyed by delivery tokens, so
 * a redelivery after a nak starts afresh, while a redelivery of a message still held (its
 * ack_wait ran out) only replaces the handle: its lines are already in parts.
 */
export class SettlementLedger<M> {
  private nextToken = 1;
  private readonly entries = new Map<number, Entry<M>>();
  private readonly bySeq = new Map<number, number>();
  private bytes = 0;

  /** Bytes of the messages held (their payloads stay in memory until settled). */
  get heldBytes(): number {
    return this.bytes;
  }

  get held(): number {
    return this.entries.size;
  }

  receive(seq: number, msg: M, bytes: number, now = Date.now()): { token: number; duplicate: boolean } {
    const existing = this.bySeq.get(seq);
    if (existing !== undefined) {
      const entry = this.entries.get(existing);
      if (entry && !entry.failed) {
        entry.msg = msg;
        return { token: existing, duplicate: true };
      }
    }
    const token = this.nextToken++;
    this.entries.set(token, { seq, msg, bytes, open: 0, failed: false, receivedAt: now });
    this.bySeq.set(seq, token);
    this.bytes += bytes;
    return { token, duplicate: false };
  }

  /**
   * The delivery's lines went into `parts` parts. Returns the message when nothing is left to
   * wait for (no lines to archive), to ack at once.
   */
  attach(token: number, parts: number): M | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    entry.open += parts;
    if (entry.open > 0) return undefined;
    this.remove(token, entry);
    return entry.failed ? undefined : entry.msg;
  }

  /** Settle one part's deliveries: the messages to ack now, and those to nak now. */
  settle(tokens: Iterable<number>, ok: boolean): { ack: M[]; nak: M[] } {
    const ack: M[] = [];
    const nak: M[] = [];
    for (const token of tokens) {
      const entry = this.entries.get(token);
      if (!entry) continue;
      entry.open--;
      if (!ok && !entry.failed) {
        entry.failed = true;
        if (entry.msg !== undefined) nak.push(entry.msg);
        entry.msg = undefined;
        this.bytes -= entry.bytes;
        entry.bytes = 0;
        // A redelivery of this message is a new delivery: its lines must be written again.
        if (this.bySeq.get(entry.seq) === token) this.bySeq.delete(entry.seq);
      }
      if (entry.open <= 0) {
        this.remove(token, entry);
        if (!entry.failed && entry.msg !== undefined) ack.push(entry.msg);
      }
    }
    return { ack, nak };
  }

  /** Give up a delivery before it reached any part (e.g. its destination is failing): the handle to nak. */
  drop(token: number): M | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    entry.failed = true;
    this.remove(token, entry);
    return entry.msg;
  }

  /** Handles held since before `cutoff` and not settled: they need a `working()`. */
  heldSince(cutoff: number): M[] {
    const out: M[] = [];
    for (const entry of this.entries.values()) if (entry.receivedAt < cutoff && !entry.failed && entry.msg !== undefined) out.push(entry.msg);
    return out;
  }

  /** Every unsettled handle (shutdown): the caller naks them so another replica takes over. */
  releaseAll(): M[] {
    const out: M[] = [];
    for (const [token, entry] of this.entries) {
      if (!entry.failed && entry.msg !== undefined) out.push(entry.msg);
      this.remove(token, entry);
    }
    return out;
  }

  private remove(token: number, entry: Entry<M>): void {
    this.entries.delete(token);
    if (this.bySeq.get(entry.seq) === token) this.bySeq.delete(entry.seq);
    this.bytes -= entry.bytes;
    entry.bytes = 0;
  }
}
