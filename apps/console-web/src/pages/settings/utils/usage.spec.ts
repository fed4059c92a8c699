import { quotaUse, utcDay } from './usage';

describe('usage helpers', () => {
  it('describes the quota in use', () => {
    expect(quotaUse(5, 0)).toEqual({ text: 'no daily quota (unlimited)' });
    expect(quotaUse(50, 200)).toEqual({ fraction: 0.25, text: '25% of the daily quota used' });
    expect(quotaUse(1, 2000).text).toBe('0.1% of the daily quota used');
  });

  it('takes the UTC day', () => {
    expect(utcDay(Date.UTC(2026, 11, 2, 23, 59))).toBe('2026-12-02');
  });
});
