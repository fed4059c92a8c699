import { detectLevelWord } from './levels';
import { parseTimeValue, readGlogDate, readSyslogDate } from './time';

const NOW = Date.parse('2024-03-10T12:00:00Z');
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseTimeValue', () => {
  it.each([
    ['2024-03-10T11:00:00Z', '2024-03-10T11:00:00.000Z'],
    ['2024-03-10T11:00:00.123456789Z', '2024-03-10T11:00:00.123Z'],
    ['2024-03-10T11:00:00+02:00', '2024-03-10T09:00:00.000Z'],
    ['2024-03-10T11:00:00-0330', '2024-03-10T14:30:00.000Z'],
    ['2024-03-10T11:00:00', '2024-03-10T11:00:00.000Z'], // no zone: UTC
    ['2024-03-10 11:00:00,250', '2024-03-10T11:00:00.250Z'],
    ['2024/03/10 11:00:00', '2024-03-10T11:00:00.000Z'],
    ['2024-03-10 11:00:00 UTC', '2024-03-10T11:00:00.000Z'],
    ['2024-03-10', '2024-03-10T00:00:00.000Z'],
    ['10/Mar/2024:04:00:00 -0700', '2024-03-10T11:00:00.000Z'],
    ['Mar 10 11:00:00', '2024-03-10T11:00:00.000Z'],
    ['Mar  9 11:00:00.5', '2024-03-09T11:00:00.500Z'],
    ['Sun Mar 10 11:00:00 2024', '2024-03-10T11:00:00.000Z'],
    ['Sun, 10 Mar 2024 11:00:00 GMT', '2024-03-10T11:00:00.000Z'],
    ['Sun, 10 Mar 2024 12:00:00 +0100', '2024-03-10T11:00:00.000Z'],
    ['1710068400', '2024-03-10T11:00:00.000Z'], // epoch seconds
    ['1710068400123', '2024-03-10T11:00:00.123Z'], // ms
    ['1710068400123456', '2024-03-10T11:00:00.123Z'], // µs
    ['1710068400123456789', '2024-03-10T11:00:00.123Z'], // ns
    [1710068400.5, '2024-03-10T11:00:00.500Z'],
  ])('%s', (input, expected) => {
    expect(iso(parseTimeValue(input, NOW))).toBe(expected);
  });

  it.each(['foo 12', 'soon', 'a 2024', '12:00', '2024-13-01T00:00:00Z', '2024-03-10T25:00:00Z', 'Mar 10', '', '   ', 'Oct 32 10:00:00', true])(
    'refuses %p (no lenient Date.parse)',
    (input) => {
      expect(parseTimeValue(input, NOW)).toBeUndefined();
    },
  );
});

describe('year inference for year-less formats (the rule of @millrace/syslog: the year closest to arrival)', () => {
  it('uses the arrival year for times around it, ahead or behind', () => {
    expect(iso(readSyslogDate('Mar 11 06:00:00', 0, NOW)?.ms)).toBe('2024-03-11T06:00:00.000Z');
    expect(iso(readSyslogDate('Mar 12 06:00:00', 0, NOW)?.ms)).toBe('2024-03-12T06:00:00.000Z');
    expect(iso(readGlogDate('0901 10:00:00.000000', 0, NOW)?.ms)).toBe('2024-09-01T10:00:00.000Z');
  });
  it('takes the previous year for December read in January, and the next for January read in December', () => {
    expect(iso(readSyslogDate('Dec 31 23:59:00', 0, Date.parse('2024-01-01T00:10:00Z'))?.ms)).toBe('2023-12-31T23:59:00.000Z');
    expect(iso(readGlogDate('1231 23:59:00.000000', 0, Date.parse('2024-01-01T00:10:00Z'))?.ms)).toBe('2023-12-31T23:59:00.000Z');
    expect(iso(readSyslogDate('Jan  1 00:00:01', 0, Date.parse('2023-12-31T23:59:59Z'))?.ms)).toBe('2024-01-01T00:00:01.000Z');
  });
});

describe('detectLevelWord', () => {
  it.each([
    ['ERROR something broke', 'error'],
    ['[WARN] disk', 'warn'],
    ['<info> hello', 'info'],
    ['(debug) x', 'debug'],
    ['Error: boom', 'error'],
    ['warning: deprecated flag', 'warn'],
    ['panic: nil map', 'fatal'],
    ['12:00:01 CRIT queue', 'fatal'],
    ['INF ok', 'info'],
    ['FTL dead', 'fatal'],
    ['an error happened', undefined],
    ['ERR_CONNECTION_REFUSED in client', undefined],
    ['ErrorHandler started', undefined],
    [`${'x'.repeat(70)} ERROR too far`, undefined],
  ])('%s -> %s', (text, level) => {
    expect(detectLevelWord(text)).toBe(level);
  });
});
