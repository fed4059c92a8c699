import type { BatchSource, RawLine } from '@millrace/log-schema';

/** What a listener gets back from publishing one batch. */
export type PublishResult =
  | { ok: true }
  /** Nothing stored; try again after this long (broker away, tenant over its rate limit). */
  | { ok: false; retryAfterMs: number; reason: string }
  /** Nothing stored and never will be (tenant over its daily quota): count and drop. */
  | { ok: false; drop: string };

/**
 * Where the syslog and GELF listeners send lines: the gateway's IngestService and KeyVerifier
 * in production, a fake in the listeners' unit tests.
 */
export interface LineSink {
  /** The tenant of an ingestion key, null when the key is not valid; throws when it cannot be verified now. */
  resolveKey(key: string): Promise<string | null>;
  publish(tenant: string, lines: RawLine[], source: BatchSource): Promise<PublishResult>;
}

/** Why a line could not be attributed to an organisation. */
export type UnauthenticatedReason = 'no_key' | 'invalid_key' | 'auth_unavailable';

/** Counters the listeners report to (`/metrics` in production). */
export interface ListenerMetrics {
  /** A line or frame not stored: reason = quota_exceeded, frame_too_large, udp_dropped, … */
  refused(protocol: 'syslog' | 'gelf', reason: string, count?: number): void;
  /**
   * A line dropped because no organisation could be named: no key, a key that is not valid
   * (unknown, revoked, expired, of the wrong kind), or auth could not be asked (UDP only; TCP
   * waits). `listener` is `syslog-tcp`, `syslog-tls`, `syslog-udp` or `gelf-udp`; `key` the key
   * that was tried, if any.
   */
  unauthenticated(listener: string, reason: UnauthenticatedReason, key: string | undefined, count?: number): void;
  /** A line kept with less than it carried: reason = truncated, malformed_frame (kept as plain text), … */
  altered(protocol: 'syslog' | 'gelf', reason: string, count?: number): void;
  connection(transport: string, event: string): void;
  open(transport: string, delta: number): void;
  paused(delta: number): void;
  buffered(bytes: number): void;
}

export const NO_METRICS: ListenerMetrics = {
  refused: () => undefined,
  unauthenticated: () => undefined,
  altered: () => undefined,
  connection: () => undefined,
  open: () => undefined,
  paused: () => undefined,
  buffered: () => undefined,
};

/**
 * A tenant per key, cached for a while so a connection's frames are attributed without an await
 * per line; verification itself (and its revocation handling) is the sink's.
 */
export class KeyCache {
  private readonly entries = new Map<string, { tenant: string | null; expiresAt: number }>();
  private readonly pending = new Map<string, Promise<string | null>>();

  constructor(
    private readonly sink: Pick<LineSink, 'resolveKey'>,
    private readonly positiveTtlMs = 30_000,
    private readonly negativeTtlMs = 5_000,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached verdict, or undefined when the key must be resolved first. */
  peek(key: string, now = Date.now()): string | null | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.tenant;
  }

  /** Resolve through the sink (concurrent callers share one lookup); rejects when it cannot be verified now. */
  resolve(key: string): Promise<string | null> {
    let lookup = this.pending.get(key);
    if (lookup === undefined) {
      lookup = this.sink.resolveKey(key).then((tenant) => {
        if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
        this.entries.set(key, { tenant, expiresAt: Date.now() + (tenant === null ? this.negativeTtlMs : this.positiveTtlMs) });
        return tenant;
      }).finally(() => this.pending.delete(key));
      this.pending.set(key, lookup);
    }
    return lookup;
  }
}

/** Bytes held by every connection together; connections stop reading while it is over its limit. */
export class BufferBudget {
  private used = 0;
  private readonly waiters = new Set<() => void>();

  constructor(readonly limit: number, private readonly metrics: ListenerMetrics = NO_METRICS) {}

  get bytes(): number {
    return this.used;
  }

  get over(): boolean {
    return this.used > this.limit;
  }

  add(bytes: number): void {
    this.used += bytes;
    this.metrics.buffered(this.used);
  }

  release(bytes: number): void {
    this.used -= bytes;
    this.metrics.buffered(this.used);
    if (!this.over && this.waiters.size > 0) {
      const waiting = [...this.waiters];
      this.waiters.clear();
      for (const wake of waiting) wake();
    }
  }

  /** Call `wake` once the budget is back under its limit. */
  wait(wake: () => void): void {
    this.waiters.add(wake);
  }

  forget(wake: () => void): void {
    this.waiters.delete(wake);
  }
}
