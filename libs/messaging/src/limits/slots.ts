import { randomUUID } from 'node:crypto';
import { LimitsUnavailableError, type SharedLimitsStore } from './store';

/** Slots each replica holds for one tenant, each entry valid until its lease runs out. */
export type SlotHolders = Record<string, { n: number; until: number }>;

/** Slots held by replicas other than `self` whose lease has not run out. */
export function heldByOthers(holders: SlotHolders | undefined, self: string, now: number): number {
  let n = 0;
  for (const [holder, entry] of Object.entries(holders ?? {})) if (holder !== self && entry.until > now) n += entry.n;
  return n;
}

/** The holders with `self` set to `n` slots (removed at 0) and expired leases dropped. */
export function withHolder(holders: SlotHolders | undefined, self: string, n: number, until: number, now: number): SlotHolders {
  const next: SlotHolders = {};
  for (const [holder, entry] of Object.entries(holders ?? {})) if (holder !== self && entry.until > now) next[holder] = entry;
  if (n > 0) next[self] = { n, until };
  return next;
}

export interface SharedSlotsOptions {
  prefix: string;
  /** A replica's slots count this long after its last renewal (a replica killed without releasing frees them then). */
  leaseMs?: number;
  /** This process's name in the store; unique per process. */
  holder?: string;
  now?: () => number;
  onUnavailable?: (error: Error) => void;
}

/**
 * Concurrent slots per tenant (e.g. open live tails) counted across replicas: one key per tenant
 * holds each replica's count with a lease, renewed every third of the lease while it holds any.
 * Taking a slot is a compare-and-set on that key, so two replicas can never both take the last
 * one. Each replica's own count is its local truth, written again with every change and renewal.
 *
 * When the store cannot answer, a replica decides on its own count alone (the per-replica limit
 * it had before), and writes its count at the next renewal.
 */
export class SharedSlots {
  private readonly held = new Map<string, number>();
  /** One change at a time per tenant on this replica. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly leaseMs: number;
  readonly holder: string;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: SharedLimitsStore | undefined, private readonly options: SharedSlotsOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.holder = options.holder ?? randomUUID();
    this.now = options.now ?? Date.now;
    if (store) {
      this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
      this.timer.unref();
    }
  }

  /** Take a slot of the tenant unless `max` are held across replicas. */
  acquire(tenant: string, max: number): Promise<boolean> {
    return this.serial(tenant, async () => {
      const mine = this.held.get(tenant) ?? 0;
      let allowed: boolean;
      if (!this.store) allowed = mine < max;
      else {
        try {
          allowed = await this.store.update<SlotHolders, boolean>(this.key(tenant), (holders) => {
            const now = this.now();
            if (heldByOthers(holders, this.holder, now) + mine >= max) return { result: false };
            return { value: withHolder(holders, this.holder, mine + 1, now + this.leaseMs, now), result: true };
          });
        } catch (error) {
          this.unavailable(error);
          allowed = mine < max;
        }
      }
      if (allowed) this.held.set(tenant, mine + 1);
      return allowed;
    });
  }

  /** Give a slot back. */
  release(tenant: string): Promise<void> {
    return this.serial(tenant, async () => {
      const mine = Math.max(0, (this.held.get(tenant) ?? 0) - 1);
      if (mine === 0) this.held.delete(tenant);
      else this.held.set(tenant, mine);
      await this.write(tenant, mine);
    });
  }

  /** Slots this replica holds for the tenant. */
  heldHere(tenant: string): number {
    return this.held.get(tenant) ?? 0;
  }

  /** Stop renewing and give every slot of this replica back. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const tenants = [...this.held.keys()];
    this.held.clear();
    await Promise.all(tenants.map((t) => this.serial(t, () => this.write(t, 0))));
  }

  private renew(): Promise<void> {
    return Promise.all([...this.held].map(([tenant]) => this.serial(tenant, () => this.write(tenant, this.held.get(tenant) ?? 0)))).then(() => undefined);
  }

  private async write(tenant: string, n: number): Promise<void> {
    if (!this.store) return;
    try {
      await this.store.update<SlotHolders, void>(this.key(tenant), (holders) => {
        const now = this.now();
        if (holders === undefined && n === 0) return { result: undefined };
        return { value: withHolder(holders, this.holder, n, now + this.leaseMs, now), result: undefined };
      });
    } catch (error) {
      this.unavailable(error); // the next renewal writes it
    }
  }

  private key(tenant: string): string {
    return `${this.options.prefix}.${tenant}`;
  }

  private unavailable(error: unknown): void {
    if (!(error instanceof LimitsUnavailableError)) throw error;
    this.options.onUnavailable?.(error);
  }

  private serial<T>(tenant: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(tenant) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(tenant, settled);
    void settled.then(() => {
      if (this.queues.get(tenant) === settled) this.queues.delete(tenant);
    });
    return next;
  }
}
