import * as net from 'node:net';
import * as tls from 'node:tls';
import type { RawLine } from '@millrace/log-schema';
import { SyslogFramer } from '@millrace/syslog';
import { SYSLOG_LIMITS } from '../protocols/limits';
import { parseSyslog } from '../protocols/syslog';
import { BufferBudget, KeyCache, NO_METRICS, type LineSink, type ListenerMetrics } from './sink';

export interface SyslogServerOptions {
  transport: 'tcp' | 'tls';
  host: string;
  /** 0 = any free port (tests). */
  port: number;
  /** PEM certificate and key: required for `tls`. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Every message on this listener belongs to this key's tenant (keys in messages are ignored,
   * and still removed from them).
   */
  boundKey?: string;
  maxConnections: number;
  idleTimeoutMs: number;
  batchLines: number;
  batchBytes: number;
  flushMs: number;
  /** Shared by all listeners: bytes buffered before every connection stops reading. */
  budget: BufferBudget;
  /** Wait between attempts when the broker cannot take a batch and did not say how long. */
  retryMs?: number;
  /** Longest a TLS handshake may take. */
  handshakeTimeoutMs?: number;
  metrics?: ListenerMetrics;
}

interface Pending {
  lines: RawLine[];
  bytes: number;
}

const LINE_OVERHEAD = 96;

/**
 * Syslog over TCP or TLS: RFC 5424 and RFC 3164 messages, octet-counted or newline-framed
 * (both on one connection). Lines are batched per connection and tenant and published through
 * the sink; while a batch cannot be stored (broker away, tenant over its rate limit) the
 * connection stops reading, so TCP pushes back on the sender instead of anything being dropped.
 *
 * Memory per connection is bounded: one frame in the framer (64 KiB), one batch being published
 * and one being filled (each ≤ batchBytes plus one read), and all connections together stop
 * reading past the shared budget. An idle connection holds no timer of its own beyond the
 * socket's idle timeout and an empty framer.
 */
export class SyslogServer {
  readonly server: net.Server;
  private readonly connections = new Set<SyslogConnection>();
  readonly keys: KeyCache;
  readonly metrics: ListenerMetrics;
  private closing = false;

  constructor(readonly options: SyslogServerOptions, readonly sink: LineSink, keys?: KeyCache) {
    this.metrics = options.metrics ?? NO_METRICS;
    this.keys = keys ?? new KeyCache(sink);
    const onSocket = (socket: net.Socket) => this.accept(socket);
    if (options.transport === 'tls') {
      if (!options.tls) throw new Error('a TLS syslog listener needs a certificate and key');
      const server = tls.createServer({
        cert: options.tls.cert,
        key: options.tls.key,
        minVersion: 'TLSv1.2',
        handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
      }, onSocket);
      server.on('tlsClientError', (_error, socket) => {
        this.metrics.connection('tls', 'tls_error');
        socket.destroy();
      });
      this.server = server;
    } else {
      this.server = net.createServer(onSocket);
    }
    this.server.maxConnections = options.maxConnections;
    this.server.on('drop', () => this.metrics.connection(options.transport, 'refused_max_connections'));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The port actually bound (useful with port 0). */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.options.host, port: this.options.port, backlog: 1024 }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * Stop accepting, let every connection publish what it has (within `timeoutMs`), then close
   * what is left. Lines still unpublished at the deadline are counted as dropped.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + timeoutMs;
    await Promise.all([...this.connections].map((c) => c.shutdown(deadline)));
    await closed;
  }

  get isClosing(): boolean {
    return this.closing;
  }

  private accept(socket: net.Socket): void {
    const connection = new SyslogConnection(this, socket);
    this.connections.add(connection);
    this.metrics.open(this.options.transport, 1);
    this.metrics.connection(this.options.transport, 'opened');
    socket.once('close', () => {
      this.connections.delete(connection);
      this.metrics.open(this.options.transport, -1);
      this.metrics.connection(this.options.transport, 'closed');
    });
  }
}

type HoldReason = 'key' | 'flush' | 'retry' | 'budget';

/** A parsed frame waiting to be attributed to a tenant. */
interface Item {
  line: RawLine;
  key: string | undefined;
  bytes: number;
}

class SyslogConnection {
  private readonly framer = new SyslogFramer(SYSLOG_LIMITS.maxFrameBytes);
  /** Lines being gathered, per tenant. */
  private readonly filling = new Map<string, Pending>();
  /** Full batches waiting for the one being published. */
  private readonly ready: Array<{ tenant: string; pending: Pending }> = [];
  private readonly holds = new Set<HoldReason>();
  /** Parsed frames received while the connection waits for a key to be verified. */
  private backlog: Item[] | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** The batch being published (at most one per connection, so a connection's lines keep their order). */
  private publishing: Promise<void> | undefined;
  private ended = false;
  private finished: Promise<void> | undefined;
  private abandonAt = Infinity;
  private readonly wakeFromBudget = () => this.release('budget');
  private readonly remoteAddress: string | undefined;

  constructor(private readonly owner: SyslogServer, private readonly socket: net.Socket) {
    this.remoteAddress = socket.remoteAddress;
    socket.setNoDelay(true);
    socket.setTimeout(owner.options.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('timeout', () => this.onTimeout());
    socket.on('error', () => this.owner.metrics.connection(owner.options.transport, 'reset'));
    socket.on('close', () => this.onClose());
  }

  private get transport(): string {
    return this.owner.options.transport;
  }

  private get listener(): string {
    return `syslog-${this.owner.options.transport}`;
  }

  private onData(chunk: Buffer): void {
    this.attribute(this.parse(this.framer.push(chunk)), 0);
  }

  /** Frames to lines (counting what is refused or altered), each with the key that names its tenant. */
  private parse(events: ReturnType<SyslogFramer['push']>): Item[] {
    const now = new Date();
    const metrics = this.owner.metrics;
    const bound = this.owner.options.boundKey;
    const items: Item[] = [];
    for (const event of events) {
      if ('error' in event) {
        metrics.refused('syslog', /exceeds|larger/.test(event.error) ? 'frame_too_large' : 'malformed_frame');
        // A length prefix that cannot be honoured leaves nothing to resynchronise on: close cleanly.
        if (event.error.startsWith('octet count')) {
          metrics.connection(this.transport, 'closed_unframeable');
          this.ended = true;
          this.socket.pause();
          setImmediate(() => void this.finish().then(() => this.socket.destroySoon()));
          break;
        }
        continue;
      }
      const stats = { fieldsDropped: 0, valuesCut: 0 };
      const parsed = parseSyslog(event.frame, now, stats);
      // A frame that is not readable syslog is kept as plain text rather than lost; counted.
      if (parsed.malformed !== undefined) metrics.altered('syslog', 'malformed_frame');
      if (parsed.truncated) metrics.altered('syslog', 'truncated');
      if (stats.fieldsDropped > 0) metrics.altered('syslog', 'fields_dropped', stats.fieldsDropped);
      if (stats.valuesCut > 0) metrics.altered('syslog', 'value_cut', stats.valuesCut);
      items.push({ line: parsed.line, key: bound ?? parsed.key, bytes: event.frame.length });
    }
    return items;
  }

  /** Buffer lines in order under their tenant; stops (holding the socket) when a key must be verified first. */
  private attribute(items: Item[], from: number): void {
    const metrics = this.owner.metrics;
    for (let i = from; i < items.length; i++) {
      const item = items[i];
      if (item.key === undefined) {
        metrics.unauthenticated(this.listener, 'no_key', undefined);
        continue;
      }
      const tenant = this.owner.keys.peek(item.key);
      if (tenant === undefined) {
        this.waitForKey(item.key, items.slice(i));
        return;
      }
      if (tenant === null) {
        metrics.unauthenticated(this.listener, 'invalid_key', item.key);
        continue;
      }
      this.append(tenant, item.line, item.bytes);
    }
  }

  private waitForKey(key: string, items: Item[]): void {
    this.hold('key');
    this.backlog = items;
    this.owner.keys.resolve(key).then(
      () => this.resumeBacklog(),
      () => {
        // The key cannot be verified right now (auth away): keep the lines, try again shortly.
        const timer = setTimeout(() => this.resumeBacklog(), this.owner.options.retryMs ?? 1000);
        timer.unref();
      },
    );
  }

  private resumeBacklog(): void {
    const items = this.backlog ?? [];
    this.backlog = undefined;
    // Resuming the socket only schedules its next read: these lines are handled first.
    this.release('key');
    this.attribute(items, 0);
    if (this.backlog === undefined && this.ended) void this.finish();
  }

  private append(tenant: string, line: RawLine, frameBytes: number): void {
    let pending = this.filling.get(tenant);
    if (pending === undefined) {
      pending = { lines: [], bytes: 0 };
      this.filling.set(tenant, pending);
    }
    const bytes = frameBytes + LINE_OVERHEAD;
    pending.lines.push(line);
    pending.bytes += bytes;
    this.owner.options.budget.add(bytes);
    const { batchLines, batchBytes, flushMs } = this.owner.options;
    if (pending.lines.length >= batchLines || pending.bytes >= batchBytes) {
      this.filling.delete(tenant);
      this.ready.push({ tenant, pending });
      this.kick();
    } else if (this.flushTimer === undefined) {
      this.flushTimer = setTimeout(() => this.flush(), flushMs);
    }
    if (this.owner.options.budget.over) {
      this.hold('budget');
      this.owner.options.budget.wait(this.wakeFromBudget);
    }
  }

  /** Everything gathered so far is ready to go. */
  private flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [tenant, pending] of this.filling) this.ready.push({ tenant, pending });
    this.filling.clear();
    this.kick();
  }

  /** Publish the next ready batch unless one is on its way; hold reading while a full batch waits. */
  private kick(): void {
    if (this.publishing !== undefined) {
      if (this.ready.length > 0) this.hold('flush');
      return;
    }
    const next = this.ready.shift();
    if (next === undefined) {
      this.release('flush');
      return;
    }
    this.publishing = this.publish(next.tenant, next.pending).finally(() => {
      this.publishing = undefined;
      if (this.ready.length === 0) this.release('flush');
      if (this.ended || this.owner.isClosing) this.flush();
      else this.kick();
    });
  }

  private async publish(tenant: string, pending: Pending): Promise<void> {
    const source = { protocol: 'syslog' as const, remoteAddress: this.remoteAddress };
    try {
      for (;;) {
        let result;
        try {
          result = await this.owner.sink.publish(tenant, pending.lines, source);
        } catch {
          result = { ok: false as const, retryAfterMs: this.owner.options.retryMs ?? 1000, reason: 'internal' };
        }
        if (result.ok) return;
        if ('drop' in result) {
          this.owner.metrics.refused('syslog', result.drop, pending.lines.length);
          return;
        }
        const wait = Math.min(result.retryAfterMs, 30_000);
        if (Date.now() + wait > this.abandonAt) {
          this.owner.metrics.refused('syslog', 'shutdown', pending.lines.length);
          return;
        }
        // Back-pressure: stop reading until this batch is stored.
        this.hold('retry');
        await new Promise<void>((resolve) => setTimeout(resolve, wait).unref());
        this.release('retry');
      }
    } finally {
      this.owner.options.budget.release(pending.bytes);
    }
  }

  private hold(reason: HoldReason): void {
    if (this.holds.has(reason) || this.socket.destroyed) return;
    if (this.holds.size === 0) {
      this.socket.pause();
      this.owner.metrics.paused(1);
    }
    this.holds.add(reason);
  }

  private release(reason: HoldReason): void {
    if (!this.holds.delete(reason)) return;
    if (reason === 'budget' && this.owner.options.budget.over) {
      this.holds.add(reason);
      this.owner.options.budget.wait(this.wakeFromBudget);
      return;
    }
    if (this.holds.size === 0) {
      this.owner.metrics.paused(-1);
      if (!this.socket.destroyed && !this.ended) this.socket.resume();
    }
  }

  private onEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.attribute(this.parse(this.framer.end()), 0);
    if (this.backlog === undefined) void this.finish();
  }

  /** After the peer's end (or at shutdown): publish what is buffered, then close our side. */
  private finish(): Promise<void> {
    this.finished ??= (async () => {
      for (;;) {
        this.flush();
        if (this.publishing !== undefined) await this.publishing;
        else if (this.backlog !== undefined) await new Promise((r) => setTimeout(r, 10));
        else if (this.ready.length === 0 && this.filling.size === 0) break;
        if (Date.now() > this.abandonAt) break;
      }
      this.socket.end();
    })();
    return this.finished;
  }

  private onTimeout(): void {
    // Silence we caused (waiting for the broker) is not the peer's idleness.
    if (this.holds.size > 0) return;
    this.owner.metrics.connection(this.transport, 'idle_timeout');
    this.ended = true;
    void this.finish().then(() => this.socket.destroySoon());
  }

  async shutdown(deadline: number): Promise<void> {
    this.abandonAt = deadline;
    this.ended = true;
    this.socket.pause();
    const done = this.finish();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
    if (timer) clearTimeout(timer);
    this.flush();
    for (const { pending } of this.ready.splice(0)) {
      this.owner.metrics.refused('syslog', 'shutdown', pending.lines.length);
      this.owner.options.budget.release(pending.bytes);
    }
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.owner.options.budget.forget(this.wakeFromBudget);
    if (this.holds.size > 0) this.owner.metrics.paused(-1);
    this.holds.clear();
    // A peer that reset the connection: what arrived is still published.
    if (!this.ended) {
      this.ended = true;
      this.attribute(this.parse(this.framer.end()), 0);
    }
    if (this.backlog === undefined) void this.finish();
  }
}
