import fc from 'fast-check';
import { formatBsdTime, inferYear, readBsdTime, readRfc3339 } from './time';

const at = (iso: string): number => Date.parse(iso);

describe('inferYear: the year that puts the time closest to the receive time', () => {
  it('gives a December line received in January to the year before', () => {
    expect(inferYear(11, 31, 23, 59, 59, 0, at('2024-01-01T00:00:05Z'))).toBe(Date.UTC(2023, 11, 31, 23, 59, 59));
    expect(inferYear(11, 20, 8, 0, 0, 0, at('2024-01-10T00:00:00Z'))).toBe(Date.UTC(2023, 11, 20, 8));
  });

  it('gives a January line received on 31 December (a sender a little ahead) to the year after', () => {
    expect(inferYear(0, 1, 0, 0, 1, 0, at('2023-12-31T23:59:58Z'))).toBe(Date.UTC(2024, 0, 1, 0, 0, 1));
  });

  it('keeps the current year for anything within about half a year', () => {
    expect(inferYear(5, 15, 12, 0, 0, 0, at('2024-06-15T12:00:00Z'))).toBe(Date.UTC(2024, 5, 15, 12));
    expect(inferYear(0, 2, 0, 0, 0, 0, at('2024-06-30T00:00:00Z'))).toBe(Date.UTC(2024, 0, 2));
    expect(inferYear(11, 30, 0, 0, 0, 0, at('2024-07-02T00:00:00Z'))).toBe(Date.UTC(2024, 11, 30));
  });

  it('puts 29 February in the nearest leap year, and has none for a date that does not exist', () => {
    expect(inferYear(1, 29, 10, 0, 0, 0, at('2025-01-10T00:00:00Z'))).toBe(Date.UTC(2024, 1, 29, 10));
    expect(inferYear(1, 29, 10, 0, 0, 0, at('2027-06-01T00:00:00Z'))).toBe(Date.UTC(2028, 1, 29, 10));
    expect(inferYear(1, 29, 10, 0, 0, 0, at('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(inferYear(3, 31, 10, 0, 0, 0, at('2026-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('is never further than half a year (and a day) from the receive time, and keeps the month and day (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }),
      fc.integer({ min: 0, max: 11 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }),
      (now, month, day, h, mi) => {
        const t = inferYear(month, day, h, mi, 0, 0, now)!;
        expect(Math.abs(t - now)).toBeLessThanOrEqual(184 * 24 * 3600 * 1000);
        const d = new Date(t);
        expect([d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]).toEqual([month, day, h, mi]);
      },
    ));
  });
});

describe('readBsdTime', () => {
  const now = at('2024-06-15T12:00:00Z');
  it('reads the forms senders write and says where the time ends', () => {
    expect(readBsdTime('Oct 11 22:14:15 host', 0, now)).toEqual({ ms: Date.UTC(2024, 9, 11, 22, 14, 15), end: 15 });
    expect(readBsdTime('<1>Jun  5 10:00:00', 3, now)).toEqual({ ms: Date.UTC(2024, 5, 5, 10), end: 18 });
    expect(readBsdTime('Jun 5 10:00:00.123456 x', 0, now)).toEqual({ ms: Date.UTC(2024, 5, 5, 10, 0, 0, 123), end: 21 });
    expect(readBsdTime('Oct 11 2003 22:14:15', 0, now)!.ms).toBe(Date.UTC(2003, 9, 11, 22, 14, 15));
  });

  it('refuses what is not a time', () => {
    for (const s of ['Foo 11 22:14:15', 'Oct 32 22:14:15', 'Oct 11 24:00:00', 'Oct 11 22:60:00', 'Oct 0 22:14:15', 'Oct 11 22:14', 'Oct11 22:14:15', 'Feb 29 2023 10:00:00']) {
      expect(readBsdTime(s, 0, now)).toBeUndefined();
    }
  });

  it('reads back what formatBsdTime writes (property)', () => {
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }), fc.integer({ min: -150, max: 150 }), (ms, days) => {
      const t = Math.floor(ms / 1000) * 1000;
      const received = t + days * 24 * 3600 * 1000;
      const text = formatBsdTime(t);
      expect(readBsdTime(text, 0, received)).toEqual({ ms: t, end: text.length });
    }));
  });
});

describe('readRfc3339', () => {
  it('reads RFC 3339 and the variants senders write', () => {
    expect(readRfc3339('2003-10-11T22:14:15.003Z')).toBe(Date.UTC(2003, 9, 11, 22, 14, 15, 3));
    expect(readRfc3339('2003-08-24T05:14:15.000003-07:00')).toBe(Date.UTC(2003, 7, 24, 12, 14, 15));
    expect(readRfc3339('2024-06-15t10:00:00z')).toBe(Date.UTC(2024, 5, 15, 10));
    expect(readRfc3339('2024-06-15T10:00:00+0130')).toBe(Date.UTC(2024, 5, 15, 8, 30));
    expect(readRfc3339('2024-06-15T10:00:00.123456789+00:00')).toBe(Date.UTC(2024, 5, 15, 10, 0, 0, 123));
    expect(readRfc3339('2024-06-15T10:00:00')).toBe(Date.UTC(2024, 5, 15, 10));
    expect(readRfc3339('x 2024-06-15T10:00:00Z y', 2, 22)).toBe(Date.UTC(2024, 5, 15, 10));
  });

  it('refuses anything else', () => {
    for (const s of ['2024-06-15 10:00:00Z', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-06-15T24:00:00Z', '2024-06-15T10:00:00+25:00',
      '2024-06-15T10:00:00Zjunk', '1969-12-31T23:59:59Z', '2024-06-15T10:00:00.' + '1'.repeat(30) + 'Z', '-', '']) {
      expect(readRfc3339(s)).toBeUndefined();
    }
  });

  it('agrees with Date for every ISO time Date writes (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(9000, 0, 1) }), (ms) => {
      expect(readRfc3339(new Date(ms).toISOString())).toBe(ms);
    }));
  });
});
