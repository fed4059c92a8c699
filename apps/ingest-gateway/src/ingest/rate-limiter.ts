/**
 * Per-tenant token buckets, in lines per second. One bucket per tenant in this gateway replica:
 * with N replicas behind a load balancer a tenant can reach up to N × its limit (documented).
 *
 * A request is admitted while the bucket is not in deficit and then takes all its lines, even
 * beyond what is left: a 5,000-line request under a 100 lines/s limit is stored, and the
 * tenant's next request waits until the deficit is paid back. The average rate is the limit,
 * whatever the request sizes, and a request never has to be split to get through.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number; rate: number }>();

  constructor(
    /** Capacity = rate × burstSeconds. */
    private readonly burstSeconds: number,
    private readonly maxTenants = 100_000,
  ) {}

  /** Milliseconds until the tenant may send again, 0 when it may send now. Takes nothing. */
  waitMs(tenant: string, rate: number, now = Date.now()): number {
    if (rate <= 0) return 0;
    const bucket = this.refill(tenant, rate, now);
    return bucket.tokens > 0 ? 0 : Math.ceil(((1 - bucket.tokens) / rate) * 1000);
  }

  /** Admit `lines` (0 = admitted) or say how many ms to wait. */
  take(tenant: string, rate: number, lines: number, now = Date.now()): number {
    if (rate <= 0) return 0;
    const bucket = this.refill(tenant, rate, now);
    if (bucket.tokens <= 0) return Math.ceil(((1 - bucket.tokens) / rate) * 1000);
    bucket.tokens -= lines;
    return 0;
  }

  private refill(tenant: string, rate: number, now: number): { tokens: number; at: number; rate: number } {
    const capacity = Math.max(1, rate * this.burstSeconds);
    let bucket = this.buckets.get(tenant);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxTenants) this.buckets.delete(this.buckets.keys().next().value as string);
      bucket = { tokens: capacity, at: now, rate };
      this.buckets.set(tenant, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    bucket.rate = rate;
    return bucket;
  }
}
