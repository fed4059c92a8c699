import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * Log-in attempts per client address: a fixed one-minute window, in memory, per replica (N
 * replicas allow N times the limit). The per-account lock in PostgreSQL is the real barrier
 * against guessing one account's password; this one slows down spraying many accounts.
 */
export class AddressLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Count an attempt; throws 429 when the address is over its limit. */
  hit(address: string): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    let window = this.windows.get(address);
    if (!window || now - window.start >= 60_000) {
      if (this.windows.size >= 100_000) this.prune(now);
      window = { start: now, count: 0 };
      this.windows.set(address, window);
    }
    window.count += 1;
    if (window.count > this.perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
      throw new HttpException(
        { message: `too many log-in attempts from this address; retry in ${retryAfterSeconds} s`, code: 'rate_limited', retryAfterSeconds },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  private prune(now: number): void {
    for (const [address, window] of this.windows) if (now - window.start >= 60_000) this.windows.delete(address);
  }
}
