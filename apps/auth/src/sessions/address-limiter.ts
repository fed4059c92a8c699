import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { LimitsUnavailableError, SharedWindowCounter, type SharedLimitsStore } from '@millrace/messaging';

const WINDOW_MS = 60_000;

/**
 * Log-in attempts per client address in fixed one-minute windows, counted once for all auth
 * replicas in the shared limits store (JetStream KV): N replicas allow the limit, not N times
 * it. While the store cannot answer, each replica counts in memory on its own (up to N times the
 * limit meanwhile). The per-account lock in PostgreSQL is the real barrier against guessing one
 * account's password; this one slows down spraying many accounts.
 */
export class AddressLimiter {
  private readonly logger = new Logger('AddressLimiter');
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly shared?: SharedWindowCounter;
  private lastUnavailableLog = 0;

  constructor(private readonly perMinute: number, store?: SharedLimitsStore, private readonly now: () => number = Date.now) {
    if (store) this.shared = new SharedWindowCounter(store, { prefix: 'login', windowMs: WINDOW_MS, now });
  }

  /** Count an attempt; throws 429 when the address is over its limit. */
  async hit(address: string): Promise<void> {
    if (this.perMinute <= 0) return;
    const { count, resetAt } = await this.count(address);
    if (count > this.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((resetAt - this.now()) / 1000));
      throw new HttpException(
        { message: `too many log-in attempts from this address; retry in ${retryAfterSeconds} s`, code: 'rate_limited', retryAfterSeconds },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  private async count(address: string): Promise<{ count: number; resetAt: number }> {
    if (this.shared) {
      try {
        return await this.shared.hit(address);
      } catch (error) {
        if (!(error instanceof LimitsUnavailableError)) throw error;
        if (this.now() - this.lastUnavailableLog > 30_000) {
          this.lastUnavailableLog = this.now();
          this.logger.warn(`${error.message}: log-in attempts are counted by this replica alone until they answer`);
        }
      }
    }
    return this.countLocally(address);
  }

  private countLocally(address: string): { count: number; resetAt: number } {
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || now - window.start >= WINDOW_MS) {
      if (this.windows.size >= 100_000) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(address, window);
    }
    window.count += 1;
    return { count: window.count, resetAt: window.start + WINDOW_MS };
  }

  private prune(now: number): void {
    for (const [address, window] of this.windows) if (now - window.start >= WINDOW_MS) this.windows.delete(address);
  }
}
