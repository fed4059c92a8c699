import { heldByOthers, SharedSlots, withHolder } from './slots';
import { refill, SharedTokenBuckets, waitFor } from './token-buckets';

describe('refill and waitFor', () => {
  it('refills at the rate up to the capacity and never on a clock that went back', () => {
    expect(refill({ tokens: 0, at: 0 }, 100, 200, 500)).toEqual({ tokens: 50, at: 500 });
    expect(refill({ tokens: 0, at: 0 }, 100, 200, 3_600_000)).toEqual({ tokens: 200, at: 3_600_000 });
    expect(refill({ tokens: -50, at: 1000 }, 100, 200, 400)).toEqual({ tokens: -50, at: 1000 });
  });
  it('waits until the deficit is paid back', () => {
    expect(waitFor(1, 100)).toBe(0);
    expect(waitFor(0, 100)).toBe(10);
    expect(waitFor(-50, 100)).toBe(510);
  });
});

describe('SharedTokenBuckets without a store (one replica)', () => {
  let now = 1_000_000;
  const buckets = () => new SharedTokenBuckets(undefined, { burstSeconds: 1, now: () => now });

  it('admits a burst up to rate × burst seconds, then asks to wait until the deficit is paid back', async () => {
    const b = buckets();
    expect(await b.take('a', 100, 150)).toBe(0); // a request larger than the burst is admitted whole
    expect(await b.take('a', 100, 1)).toBe(510); // 50 lines of deficit (+1) at 100 lines/s
    now += 300;
    expect(await b.waitMs('a', 100)).toBe(210);
    now += 220;
    expect(await b.take('a', 100, 10)).toBe(0);
  });

  it('keeps tenants apart and treats 0 as no limit', async () => {
    const b = buckets();
    expect(await b.take('a', 10, 100)).toBe(0);
    expect(await b.take('a', 10, 1)).toBeGreaterThan(0);
    expect(await b.take('b', 10, 1)).toBe(0);
    expect(await b.take('c', 0, 1e9)).toBe(0);
  });

  it('refills at the rate, never beyond the capacity', async () => {
    const b = new SharedTokenBuckets(undefined, { burstSeconds: 2, now: () => now });
    expect(await b.take('a', 10, 20)).toBe(0);
    now += 3_600_000; // after an hour the bucket holds 20, not 36,000
    expect(await b.take('a', 10, 20)).toBe(0);
    expect(await b.take('a', 10, 1)).toBeGreaterThan(0);
  });
});

describe('slot holders', () => {
  const holders = { a: { n: 2, until: 100 }, b: { n: 3, until: 50 }, c: { n: 1, until: 200 } };
  it('counts the live slots of the other replicas', () => {
    expect(heldByOthers(holders, 'a', 60)).toBe(1); // b expired, c live
    expect(heldByOthers(holders, 'x', 10)).toBe(6);
    expect(heldByOthers(undefined, 'x', 0)).toBe(0);
  });
  it('sets this replica, drops expired leases, removes a holder at 0', () => {
    expect(withHolder(holders, 'a', 4, 160, 60)).toEqual({ a: { n: 4, until: 160 }, c: { n: 1, until: 200 } });
    expect(withHolder(holders, 'c', 0, 160, 60)).toEqual({ a: { n: 2, until: 100 } });
  });
  it('without a store, limits this replica on its own count', async () => {
    const slots = new SharedSlots(undefined, { prefix: 't' });
    expect(await slots.acquire('x', 2)).toBe(true);
    expect(await slots.acquire('x', 2)).toBe(true);
    expect(await slots.acquire('x', 2)).toBe(false);
    await slots.release('x');
    expect(slots.heldHere('x')).toBe(1);
    expect(await slots.acquire('x', 2)).toBe(true);
  });
});
