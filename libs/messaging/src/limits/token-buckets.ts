import { LimitsUnavailableError, type SharedLimitsStore } from './store';

/** A bucket as stored: tokens left at an instant (epoch ms). Tokens below 0 are a deficit to pay back. */
export interface BucketState {
  tokens: number;
  at: number;
}

/** The bucket at `now`: refilled at `rate` per second up to `capacity` (a clock that went back refills nothing). */
export function refill(state: BucketState, rate: number, capacity: number, now: number): BucketState {
  const elapsed = Math.max(0, now - state.at);
  return { tokens: Math.min(capacity, state.tokens + (elapsed / 1000) * rate), at: Math.max(now, state.at) };
}

/** Milliseconds until a bucket holding `tokens` is out of deficit (0 when it has some). */
export function waitFor(tokens: number, rate: number): number {
  return tokens > 0 ? 0 : Math.ceil(((1 - tokens) / rate) * 1000);
}

export interface SharedTokenBucketsOptions {
  /** Capacity = rate × burstSeconds. */
  burstSeconds: number;
  /** How often each replica reports what it took and learns what the others took. */
  syncMs?: number;
  /** A tenant not synced for this long (idle here) is synced before its next request is decided. */
  staleMs?: number;
  maxTenants?: number;
  /** Key prefix in the shared store. */
  prefix?: string;
  now?: () => number;
  onUnavailable?: (error: Error) => void;
}

interface LocalBucket extends BucketState {
  rate: number;
  /** Tokens taken here and not yet subtracted from the shared bucket. */
  unsynced: number;
  /** When this replica last agreed with the shared bucket (0: never). */
  syncedAt: number;
  syncing?: Promise<void>;
}

/**
 * Token buckets per tenant, in lines per second, shared by every replica through the KV store.
 *
 * Each replica decides locally, from its copy of the tenant's bucket, and every `syncMs` subtracts
 * what it took from the shared bucket (compare-and-set) and takes the result as its new copy. So
 * every line admitted anywhere is paid for everywhere: over time the organisation gets its rate,
 * whatever the number of replicas. What the replicas have not told each other yet is the
 * tolerance: within one sync interval each of N replicas may admit up to its copy's tokens plus
 * one request, so a burst can reach about N × (capacity + one request) before every replica sees
 * the deficit, which is then paid back before anyone admits again.
 *
 * A request is admitted while the bucket is not in deficit and then takes all its lines, even
 * beyond what is left, so a request never has to be split to get through.
 *
 * Without the store (none given, or unreachable) each replica keeps counting on its own copy: an
 * organisation can then reach N × its limit until the store answers again, when what was taken
 * meanwhile is subtracted (a deficit it pays back).
 */
export class SharedTokenBuckets {
  private readonly buckets = new Map<string, LocalBucket>();
  private readonly syncMs: number;
  private readonly staleMs: number;
  private readonly maxTenants: number;
  private readonly prefix: string;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: SharedLimitsStore | undefined, private readonly options: SharedTokenBucketsOptions) {
    this.syncMs = options.syncMs ?? 200;
    this.staleMs = options.staleMs ?? 1000;
    this.maxTenants = options.maxTenants ?? 100_000;
    this.prefix = options.prefix ?? 'rate';
    this.now = options.now ?? Date.now;
    if (store) {
      this.timer = setInterval(() => void this.syncAll(), this.syncMs);
      this.timer.unref();
    }
  }

  /** Milliseconds until the tenant may send again, 0 when it may send now. Takes nothing. */
  async waitMs(tenant: string, rate: number): Promise<number> {
    if (rate <= 0) return 0;
    const bucket = await this.current(tenant, rate);
    return waitFor(bucket.tokens, rate);
  }

  /** Admit `lines` (0 = admitted) or say how many ms to wait. */
  async take(tenant: string, rate: number, lines: number): Promise<number> {
    if (rate <= 0) return 0;
    const bucket = await this.current(tenant, rate);
    const wait = waitFor(bucket.tokens, rate);
    if (wait > 0) return wait;
    bucket.tokens -= lines;
    bucket.unsynced += lines;
    return 0;
  }

  /** Report what is left to report (on shutdown) and stop syncing. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.syncAll();
  }

  /** The tenant's local bucket refilled to now, synced first when this replica has not seen it lately. */
  private async current(tenant: string, rate: number): Promise<LocalBucket> {
    const capacity = this.capacity(rate);
    let bucket = this.buckets.get(tenant);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxTenants) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: capacity, at: this.now(), rate, unsynced: 0, syncedAt: 0 };
      this.buckets.set(tenant, bucket);
    }
    bucket.rate = rate;
    if (this.store && this.now() - bucket.syncedAt > this.staleMs) await this.sync(tenant, bucket);
    Object.assign(bucket, refill(bucket, rate, capacity, this.now()));
    return bucket;
  }

  private capacity(rate: number): number {
    return Math.max(1, rate * this.options.burstSeconds);
  }

  private async syncAll(): Promise<void> {
    const due = [...this.buckets].filter(([, b]) => b.unsynced !== 0);
    for (let i = 0; i < due.length; i += 32) await Promise.all(due.slice(i, i + 32).map(([tenant, b]) => this.sync(tenant, b)));
  }

  /** Subtract what this replica took from the shared bucket; adopt the shared bucket as the local copy. */
  private sync(tenant: string, bucket: LocalBucket): Promise<void> {
    if (!this.store) return Promise.resolve();
    bucket.syncing ??= (async () => {
      const taken = bucket.unsynced;
      bucket.unsynced -= taken;
      try {
        const capacity = this.capacity(bucket.rate);
        const shared = await this.store!.update<BucketState, BucketState>(`${this.prefix}.${tenant}`, (current) => {
          const now = this.now();
          const refilled = refill(current ?? { tokens: capacity, at: now }, bucket.rate, capacity, now);
          const value = { tokens: refilled.tokens - taken, at: refilled.at };
          return { value, result: value };
        });
        // Lines taken while the sync was on their way are still ours to report.
        const local = refill(shared, bucket.rate, capacity, this.now());
        bucket.tokens = local.tokens - bucket.unsynced;
        bucket.at = local.at;
        bucket.syncedAt = this.now();
      } catch (error) {
        bucket.unsynced += taken; // reported by a later sync
        // Decide on the local copy meanwhile, and do not wait for the store on every request.
        bucket.syncedAt = this.now();
        if (error instanceof LimitsUnavailableError) this.options.onUnavailable?.(error);
        else throw error;
      } finally {
        bucket.syncing = undefined;
      }
    })();
    return bucket.syncing;
  }
}
