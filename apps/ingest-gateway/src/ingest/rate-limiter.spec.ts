import { TokenBuckets } from './rate-limiter';
import { parseQuotaState } from './admission.service';

describe('TokenBuckets', () => {
  it('admits a burst up to rate × burst seconds, then asks to wait until the deficit is paid back', () => {
    const buckets = new TokenBuckets(1);
    const t0 = 1_000_000;
    expect(buckets.take('a', 100, 150, t0)).toBe(0); // a request larger than the burst is admitted whole
    const wait = buckets.take('a', 100, 1, t0);
    expect(wait).toBe(510); // 50 lines of deficit (+1) at 100 lines/s
    expect(buckets.waitMs('a', 100, t0 + 300)).toBe(210);
    expect(buckets.take('a', 100, 10, t0 + 520)).toBe(0);
  });

  it('keeps tenants apart and treats 0 as no limit', () => {
    const buckets = new TokenBuckets(1);
    expect(buckets.take('a', 10, 100, 0)).toBe(0);
    expect(buckets.take('a', 10, 1, 0)).toBeGreaterThan(0);
    expect(buckets.take('b', 10, 1, 0)).toBe(0);
    expect(buckets.take('c', 0, 1e9, 0)).toBe(0);
  });

  it('refills at the rate, never beyond the capacity', () => {
    const buckets = new TokenBuckets(2);
    expect(buckets.take('a', 10, 20, 0)).toBe(0);
    // After an hour the bucket holds 20, not 36,000.
    expect(buckets.take('a', 10, 20, 3_600_000)).toBe(0);
    expect(buckets.take('a', 10, 1, 3_600_000)).toBeGreaterThan(0);
  });
});

describe('parseQuotaState', () => {
  const state = { tenant: 't', exceeded: true, usedBytes: 5, limitBytes: 4, resetAt: 99 };
  const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  it('reads a plain state, a NestJS emit envelope and a NestJS reply', () => {
    expect(parseQuotaState(bytes(state))).toEqual(state);
    expect(parseQuotaState(bytes({ pattern: 'usage.quota.state', data: state }))).toEqual(state);
    expect(parseQuotaState(bytes({ response: state, isDisposed: true, id: '1' }))).toEqual(state);
  });
  it('ignores anything else', () => {
    expect(parseQuotaState(new TextEncoder().encode('nope'))).toBeUndefined();
    expect(parseQuotaState(bytes({ tenant: 't' }))).toBeUndefined();
    expect(parseQuotaState(bytes(null))).toBeUndefined();
  });
});
