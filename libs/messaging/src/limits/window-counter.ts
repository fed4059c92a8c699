import { createHash } from 'node:crypto';
import type { SharedLimitsStore } from './store';

export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

/**
 * Hits per identity in fixed windows, counted once for every replica: each hit is a
 * compare-and-set increment of the identity's key for the current window, so N replicas see one
 * count and the limit holds exactly. Identities are hashed before they become keys (an address
 * or e-mail never appears in the bucket). Throws LimitsUnavailableError when the store cannot
 * answer; the caller decides how to count meanwhile.
 */
export class SharedWindowCounter {
  constructor(
    private readonly store: SharedLimitsStore,
    private readonly options: { prefix: string; windowMs: number; now?: () => number },
  ) {}

  async hit(identity: string): Promise<WindowCount> {
    const now = (this.options.now ?? Date.now)();
    const window = Math.floor(now / this.options.windowMs);
    const id = createHash('sha256').update(identity).digest('hex').slice(0, 32);
    const count = await this.store.update<{ n: number }, number>(`${this.options.prefix}.${id}.${window}`, (current) => {
      const n = (current?.n ?? 0) + 1;
      return { value: { n }, result: n };
    });
    return { count, resetAt: (window + 1) * this.options.windowMs };
  }
}
