import { emptyTally } from '../routing/route-batch';
import { MAX_APPS_PER_DAY, OTHER_APPS, UsageTracker, nextUtcMidnight, quotaRemaining, utcDay } from './usage-tracker';

const tally = (kept: number, keptBytes: number) => ({ ...emptyTally(), received: kept, receivedBytes: keptBytes, kept, keptBytes });

describe('UsageTracker', () => {
  it('adds up batches into one row per tenant, day and app until taken', () => {
    const t = new UsageTracker();
    t.add('a', '2024-01-01', new Map([['web', tally(2, 20)], ['api', tally(1, 5)]]));
    t.add('a', '2024-01-01', new Map([['web', tally(3, 30)]]));
    t.add('b', '2024-01-01', new Map([['web', tally(1, 1)]]));
    expect(t.pendingFor('a', '2024-01-01').find((r) => r.app === 'web')).toMatchObject({ kept: 5, keptBytes: 50 });
    const rows = t.take();
    expect(rows).toHaveLength(3);
    expect(t.size).toBe(0);
    t.restore(rows);
    expect(t.size).toBe(3);
  });

  it('caps the apps one tenant can create per day', () => {
    const t = new UsageTracker();
    for (let i = 0; i < MAX_APPS_PER_DAY + 10; i++) t.add('a', '2024-01-01', new Map([[`app${i}`, tally(1, 1)]]));
    const rows = t.take();
    expect(rows).toHaveLength(MAX_APPS_PER_DAY + 1);
    expect(rows.find((r) => r.app === OTHER_APPS)).toMatchObject({ kept: 10 });
  });
});

describe('quota arithmetic', () => {
  it('works in UTC days', () => {
    expect(utcDay(Date.UTC(2024, 1, 29, 23, 59))).toBe('2024-02-29');
    expect(nextUtcMidnight(Date.UTC(2024, 1, 29, 23, 59))).toBe(Date.UTC(2024, 2, 1));
  });
  it('has no limit when the quota is 0 and counts persisted plus local bytes otherwise', () => {
    expect(quotaRemaining(0, { day: 'd', persistedBytes: 1e12, localBytes: 0 })).toBe(Infinity);
    expect(quotaRemaining(100, { day: 'd', persistedBytes: 60, localBytes: 30 })).toBe(10);
  });
});
