import * as dgram from 'node:dgram';
import type { RawLine } from '@millrace/log-schema';
import { GelfChunkAssembler, decodeGelfMessage } from '../protocols/gelf';
import { parseSyslog } from '../protocols/syslog';
import { ProtocolError } from '../protocols/errors';
import { BufferBudget, KeyCache, NO_METRICS, type LineSink, type ListenerMetrics } from './sink';

export interface UdpOptions {
  host: string;
  port: number;
  /** The tenant of datagrams that carry no key of their own. */
  boundKey?: string;
  batchLines: number;
  flushMs: number;
  /** Bytes this listener may hold (waiting for a key, a batch or a retry) before it drops datagrams. */
  maxBufferedBytes: number;
  retryMs?: number;
  metrics?: ListenerMetrics;
}

const LINE_OVERHEAD = 96;
/** A batch that could not be stored is retried this many times before its lines are dropped (UDP has no back-pressure). */
const MAX_ATTEMPTS = 10;

/**
 * The common part of the UDP listeners: datagrams have no back-pressure and no acknowledgement,
 * so lines are batched per tenant and published; while the broker is away batches are retried
 * within a bounded buffer, and beyond it datagrams are dropped and counted (`udp_dropped`).
 * This is the loss semantics of syslog and GELF over UDP everywhere; use TCP/TLS or HTTP for
 * "2xx means stored".
 */
abstract class UdpListener {
  readonly socket: dgram.Socket;
  protected readonly metrics: ListenerMetrics;
  private readonly keys: KeyCache;
  private readonly budget: BufferBudget;
  private readonly buffers = new Map<string, { lines: RawLine[]; bytes: number }>();
  private readonly waitingForKey = new Map<string, { line: RawLine; bytes: number }[]>();
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private closing = false;

  constructor(protected readonly options: UdpOptions, private readonly sink: LineSink, readonly protocol: 'syslog' | 'gelf', keys?: KeyCache) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.keys = keys ?? new KeyCache(sink);
    this.budget = new BufferBudget(options.maxBufferedBytes);
    this.socket = dgram.createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    this.socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo.address));
    this.socket.on('error', () => this.metrics.refused(protocol, 'udp_socket_error'));
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** `syslog-udp` or `gelf-udp`. */
  get listener(): string {
    return `${this.protocol}-udp`;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind({ address: this.options.host, port: this.options.port }, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    this.flushAll();
    await Promise.allSettled([...this.inflight]);
  }

  protected abstract onDatagram(datagram: Buffer, remoteAddress: string): void;

  /** Attribute one decoded line to a tenant (its own key, else the bound key) and buffer it. */
  protected accept(line: RawLine, key: string | undefined, bytes: number, remoteAddress: string): void {
    key ??= this.options.boundKey;
    if (key === undefined) {
      this.metrics.unauthenticated(this.listener, 'no_key', undefined);
      return;
    }
    const size = bytes + LINE_OVERHEAD;
    if (this.budget.bytes + size > this.budget.limit) {
      this.metrics.refused(this.protocol, 'udp_dropped');
      return;
    }
    const tenant = this.keys.peek(key);
    if (tenant === null) {
      this.metrics.unauthenticated(this.listener, 'invalid_key', key);
      return;
    }
    if (tenant !== undefined) {
      this.buffer(tenant, line, size, remoteAddress);
      return;
    }
    const waiting = this.waitingForKey.get(key);
    this.budget.add(size);
    if (waiting !== undefined) {
      waiting.push({ line, bytes: size });
      return;
    }
    this.waitingForKey.set(key, [{ line, bytes: size }]);
    const settle = (tenant: string | null | undefined) => {
      const lines = this.waitingForKey.get(key) ?? [];
      this.waitingForKey.delete(key);
      for (const l of lines) {
        this.budget.release(l.bytes);
        if (tenant === undefined) this.metrics.unauthenticated(this.listener, 'auth_unavailable', key);
        else if (tenant === null) this.metrics.unauthenticated(this.listener, 'invalid_key', key);
        else this.buffer(tenant, l.line, l.bytes, remoteAddress);
      }
    };
    this.keys.resolve(key).then(settle, () => settle(undefined));
  }

  private buffer(tenant: string, line: RawLine, size: number, _remoteAddress: string): void {
    let pending = this.buffers.get(tenant);
    if (pending === undefined) {
      pending = { lines: [], bytes: 0 };
      this.buffers.set(tenant, pending);
    }
    pending.lines.push(line);
    pending.bytes += size;
    this.budget.add(size);
    if (pending.lines.length >= this.options.batchLines) this.flush(tenant);
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushAll();
      }, this.options.flushMs);
    }
  }

  private flushAll(): void {
    for (const tenant of [...this.buffers.keys()]) this.flush(tenant);
  }

  private flush(tenant: string): void {
    const pending = this.buffers.get(tenant);
    if (pending === undefined) return;
    this.buffers.delete(tenant);
    const work = this.publish(tenant, pending).finally(() => this.inflight.delete(work));
    this.inflight.add(work);
  }

  private async publish(tenant: string, pending: { lines: RawLine[]; bytes: number }): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        let result;
        try {
          result = await this.sink.publish(tenant, pending.lines, { protocol: this.protocol });
        } catch {
          result = { ok: false as const, retryAfterMs: this.options.retryMs ?? 1000, reason: 'internal' };
        }
        if (result.ok) return;
        if ('drop' in result) {
          this.metrics.refused(this.protocol, result.drop, pending.lines.length);
          return;
        }
        if (attempt >= MAX_ATTEMPTS || this.closing) {
          this.metrics.refused(this.protocol, 'udp_dropped', pending.lines.length);
          return;
        }
        await new Promise<void>((resolve) => setTimeout(resolve, Math.min(result.retryAfterMs, 5_000)).unref());
      }
    } finally {
      this.budget.release(pending.bytes);
    }
  }
}

/**
 * Syslog over UDP (RFC 5426: one message per datagram). The tenant: SYSLOG_UDP_KEY's when the
 * port is bound to one, else the key in the message (`[millrace@53595 key="…"]` in structured
 * data, or the first word of the message). Keys are removed from what is stored either way.
 */
export class SyslogUdpListener extends UdpListener {
  constructor(options: UdpOptions, sink: LineSink, keys?: KeyCache) {
    super(options, sink, 'syslog', keys);
  }

  protected onDatagram(datagram: Buffer, remoteAddress: string): void {
    const stats = { fieldsDropped: 0, valuesCut: 0 };
    const parsed = parseSyslog(datagram, new Date(), stats);
    // As over TCP: a datagram that is not readable syslog is kept as plain text; counted.
    if (parsed.malformed !== undefined) this.metrics.altered('syslog', 'malformed_frame');
    if (parsed.truncated) this.metrics.altered('syslog', 'truncated');
    if (stats.fieldsDropped > 0) this.metrics.altered('syslog', 'fields_dropped', stats.fieldsDropped);
    if (stats.valuesCut > 0) this.metrics.altered('syslog', 'value_cut', stats.valuesCut);
    this.accept(parsed.line, this.options.boundKey ?? parsed.key, datagram.length, remoteAddress);
  }
}

/**
 * GELF over UDP: chunked or whole datagrams, gzip/zlib or plain. GELF has no authentication:
 * a message's `_key` additional field (an ingestion key; removed, never stored) names its
 * organisation, else the listener's GELF_UDP_KEY.
 */
export class GelfUdpListener extends UdpListener {
  readonly assembler = new GelfChunkAssembler();
  private readonly sweeper: NodeJS.Timeout;
  private lastStats = { completed: 0, evicted: 0, dropped: 0 };

  constructor(options: UdpOptions, sink: LineSink, keys?: KeyCache, private readonly onChunkStats?: (outcome: string, n: number) => void) {
    super(options, sink, 'gelf', keys);
    this.sweeper = setInterval(() => {
      this.assembler.sweep();
      this.reportStats();
    }, 1000);
    this.sweeper.unref();
  }

  override async close(): Promise<void> {
    clearInterval(this.sweeper);
    await super.close();
  }

  private reportStats(): void {
    const s = this.assembler.stats;
    for (const k of ['completed', 'evicted', 'dropped'] as const) {
      if (s[k] > this.lastStats[k]) this.onChunkStats?.(k, s[k] - this.lastStats[k]);
    }
    this.lastStats = { ...s };
  }

  protected onDatagram(datagram: Buffer, remoteAddress: string): void {
    const assembled = this.assembler.push(datagram);
    if (assembled.kind === 'partial') return;
    if (assembled.kind === 'dropped') {
      this.metrics.refused('gelf', 'malformed_frame');
      return;
    }
    let result;
    try {
      result = decodeGelfMessage(assembled.payload);
    } catch (error) {
      this.metrics.refused('gelf', error instanceof ProtocolError && error.status === 413 ? 'frame_too_large' : 'malformed_frame');
      return;
    }
    if (result.rejected.length > 0) this.metrics.refused('gelf', 'malformed_frame', result.rejected.length);
    if (result.truncated > 0) this.metrics.altered('gelf', 'truncated', result.truncated);
    for (const line of result.lines) {
      const key = takeKey(line);
      this.accept(line, key, assembled.payload.length, remoteAddress);
    }
  }
}

/** `_key` (meta.key after decoding) when it is an ingestion key: removed from the line. */
function takeKey(line: RawLine): string | undefined {
  const key = line.meta?.key;
  if (typeof key !== 'string' || !/^mlr_ik_[A-Za-z0-9_-]{43}$/.test(key)) return undefined;
  delete line.meta!.key;
  if (Object.keys(line.meta!).length === 0) delete line.meta;
  return key;
}
