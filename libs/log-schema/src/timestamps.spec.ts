import { MAX_FUTURE_MS, normaliseTimestamp, parseTimestamp } from './timestamps';

describe('parseTimestamp', () => {
  const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

  it.each([
    ['ISO with zone', '2024-01-02T03:04:05.678Z', at],
    ['ISO with offset', '2024-01-02T05:04:05.678+02:00', at],
    ['ISO without zone is UTC', '2024-01-02T03:04:05.678', at],
    ['space separator without zone is UTC', '2024-01-02 03:04:05.678', at],
    ['epoch seconds', at / 1000, at],
    ['epoch seconds as text', String(at / 1000), at],
    ['epoch milliseconds', at, at],
    ['epoch microseconds', at * 1000, at],
    ['epoch nanoseconds as text', `${at}000000`, at],
  ])('%s', (_, input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each([['not a date'], [''], [null], [undefined], [-5], [{}], [Number.NaN]])('rejects %p', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });
});

describe('normaliseTimestamp', () => {
  const now = Date.UTC(2024, 5, 1);

  it('keeps a plausible timestamp', () => {
    expect(normaliseTimestamp(now - 60_000, now)).toEqual({ ts: now - 60_000 });
  });

  it('uses the arrival time when none is given', () => {
    expect(normaliseTimestamp(undefined, now)).toEqual({ ts: now });
  });

  it('replaces an absurd timestamp by the arrival time and keeps the original', () => {
    expect(normaliseTimestamp(now + MAX_FUTURE_MS + 1000, now)).toEqual({ ts: now, original: now + MAX_FUTURE_MS + 1000 });
    expect(normaliseTimestamp('1970-01-01T00:00:01Z', now)).toEqual({ ts: now, original: '1970-01-01T00:00:01Z' });
    expect(normaliseTimestamp('garbage', now)).toEqual({ ts: now, original: 'garbage' });
  });
});
