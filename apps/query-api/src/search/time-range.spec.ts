import { parseTimeBound, parseTimeRange, TimeRangeError } from './time-range';

describe('time ranges', () => {
  const now = Date.UTC(2026, 10, 21, 12, 0, 0);

  it.each([
    ['now', now],
    ['-15m', now - 15 * 60_000],
    ['now-1h', now - 3_600_000],
    ['now-2d', now - 2 * 86_400_000],
    ['1795000000', 1795000000 * 1000],
    ['1795000000000', 1795000000000],
    ['2026-11-21T11:00:00Z', now - 3_600_000],
    ['2026-11-21 11:00:00', now - 3_600_000],
  ])('%s', (text, expected) => {
    expect(parseTimeBound(text, now, 'from')).toBe(expected);
  });

  it('names the bad bound', () => {
    expect(() => parseTimeBound('yesterday', now, 'from')).toThrow(/from "yesterday" is not a time/);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => parseTimeRange('now', '-1h', '-24h', now)).toThrow(TimeRangeError);
  });

  it('defaults to the configured range up to now', () => {
    expect(parseTimeRange(undefined, undefined, '-24h', now)).toEqual({ from: now - 86_400_000, to: now });
  });
});

describe('time bounds out of range (issue 18: they answered 500)', () => {
  const now = Date.UTC(2026, 0, 5);
  it.each(['9999999999999999999', '-999999999999w', '99999-01-01', '+275760-09-13T00:00:00Z'])('%s is a TimeRangeError naming the parameter', (value) => {
    expect(() => parseTimeBound(value, now, 'from')).toThrow(expect.objectContaining({ name: 'TimeRangeError', param: 'from' }));
  });
  it('keeps the largest representable year', () => {
    expect(parseTimeBound('9999-12-31T23:59:59Z', now, 'to')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59));
  });
});
