import { Kvm, type KV } from '@nats-io/kv';
import { JetStreamApiError, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** The JetStream KV bucket holding the limits every replica shares. */
export const LIMITS_BUCKET = 'millrace_limits';

/** The shared store cannot be reached in time (NATS away, the bucket without a quorum). */
export class LimitsUnavailableError extends Error {
  override readonly name = 'LimitsUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface SharedLimitsOptions {
  /** Replicas of the bucket: the streams' JETSTREAM_REPLICAS. */
  replicas: number;
  bucket?: string;
  /** One read-modify-write, conflicts and retries included, must finish within this. */
  timeoutMs?: number;
  /** A key nobody updated for this long disappears (every limit here is short-lived). */
  keyTtlMs?: number;
}

/** What a change function decides: the value to store (undefined: store nothing) and what to return. */
export interface Change<T, R> {
  value?: T;
  result: R;
}

const MAX_CONFLICTS = 50;

/**
 * Small JSON records in one JetStream KV bucket, changed only by compare-and-set: `update` reads
 * a key, lets the caller compute the new value from the current one, and writes it on condition
 * that nobody wrote in between (else it reads again). Every replica of a service sees the same
 * value, so a limit counted here holds across replicas. The bucket is kept in memory on the NATS
 * servers (replicated like the streams): a limit's state is worth seconds to an hour, not more.
 */
export class SharedLimitsStore {
  private kv?: Promise<KV>;
  private readonly timeoutMs: number;

  constructor(private readonly nc: NatsConnection, private readonly options: SharedLimitsOptions) {
    this.timeoutMs = options.timeoutMs ?? 1000;
  }

  /** Read-modify-write one key; throws LimitsUnavailableError when the store cannot answer in time. */
  async update<T, R>(key: string, change: (current: T | undefined) => Change<T, R>): Promise<R> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LimitsUnavailableError(`the shared limits did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([this.compareAndSet(key, change), deadline]);
    } catch (error) {
      if (error instanceof LimitsUnavailableError) throw error;
      throw new LimitsUnavailableError(`the shared limits cannot be reached: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The current value of a key (undefined when absent). */
  async read<T>(key: string): Promise<T | undefined> {
    return this.update<T, T | undefined>(key, (current) => ({ result: current }));
  }

  private async compareAndSet<T, R>(key: string, change: (current: T | undefined) => Change<T, R>): Promise<R> {
    if (this.nc.isClosed()) throw new LimitsUnavailableError('the NATS connection is closed');
    const kv = await this.bucket();
    for (let attempt = 1; ; attempt++) {
      const entry = await kv.get(key);
      const live = entry !== null && entry.operation === 'PUT' && entry.length > 0;
      const current = live ? (entry.json() as T) : undefined;
      const { value, result } = change(current);
      if (value === undefined) return result;
      try {
        if (live) await kv.update(key, JSON.stringify(value), entry.revision);
        else await kv.create(key, JSON.stringify(value));
        return result;
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_CONFLICTS) throw error;
        // Writers racing for one key: a short random pause lets one of them through each round.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(20, attempt * 2)));
      }
    }
  }

  private bucket(): Promise<KV> {
    this.kv ??= new Kvm(this.nc)
      .create(this.options.bucket ?? LIMITS_BUCKET, {
        history: 1,
        replicas: this.options.replicas,
        ttl: this.options.keyTtlMs ?? 3_600_000,
        storage: StorageType.Memory,
        max_bytes: 64 * 1024 * 1024,
        description: 'Millrace: limits shared by the replicas (ingest rate, log-in attempts, live tails)',
      })
      .catch((error: unknown) => {
        this.kv = undefined; // try again on the next use
        throw error;
      });
    return this.kv;
  }
}

/** Somebody wrote the key between our read and our write. */
function isConflict(error: unknown): boolean {
  if (error instanceof JetStreamApiError && error.code === 10071) return true;
  return /wrong last sequence|key exists/i.test(String((error as Error)?.message));
}
