import { formatNumber, formatTimestamp, parseDoubleAsOpenSearch, parseIsoDate, parseNumberLiteral, parseTimestampLiteral } from './values';

describe('number literals', () => {
  it.each<[string, number | undefined]>([
    ['5', 5], ['-5', -5], ['+5', 5], ['2.5', 2.5], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['-1.5E-2', -0.015],
    ['1e400', undefined], ['0x10', undefined], ['Infinity', undefined], ['NaN', undefined], ['', undefined],
    [' 5', undefined], ['5d', undefined], ['1_000', undefined],
  ])('%j → %s', (text, value) => {
    expect(parseNumberLiteral(text)).toBe(value);
  });

  it('prints numbers so they read back, negative zero included', () => {
    for (const n of [0, -0, 1e21, -1.5e-7, 123.456, Number.MAX_VALUE, Number.MIN_VALUE]) {
      expect(Object.is(parseNumberLiteral(formatNumber(n)), n)).toBe(true);
    }
  });
});

describe('OpenSearch number reading (Java Double.parseDouble)', () => {
  it.each<[string, number | undefined]>([
    ['500', 500], [' 500 ', 500], ['500d', 500], ['5e2f', 500], ['500.0', 500], ['-0', -0],
    ['abc', undefined], ['', undefined], ['1e400', undefined], ['Infinity', undefined], ['NaN', undefined], ['5 0', undefined],
  ])('%j → %s', (text, value) => {
    expect(parseDoubleAsOpenSearch(text)).toBe(value);
  });
});

describe('dates', () => {
  it.each<[string, number | undefined]>([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-01-01T10:20', Date.UTC(2024, 0, 1, 10, 20)],
    ['2024-01-01T10:20:30', Date.UTC(2024, 0, 1, 10, 20, 30)],
    ['2024-01-01T10:20:30.5Z', Date.UTC(2024, 0, 1, 10, 20, 30, 500)],
    ['2024-01-01T10:20:30.123Z', Date.UTC(2024, 0, 1, 10, 20, 30, 123)],
    ['2024-01-01T10:00:00+02:00', Date.UTC(2024, 0, 1, 8)],
    ['2024-01-01T10:00:00-0130', Date.UTC(2024, 0, 1, 11, 30)],
    ['0050-06-01', new Date('0050-06-01T00:00:00Z').getTime()],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2023-02-29', undefined],
    ['2024-13-01', undefined],
    ['2024-01-01T24:00', undefined],
    ['2024-01-01T10:00:00.1234Z', undefined],
    ['2024-01-01T10:00:00+25:00', undefined],
    ['2024-1-1', undefined],
    ['yesterday', undefined],
  ])('%j → %s', (text, value) => {
    expect(parseIsoDate(text)).toBe(value);
  });

  it('reads integer epoch milliseconds or ISO dates for ts', () => {
    expect(parseTimestampLiteral('1704067200000')).toBe(1704067200000);
    expect(parseTimestampLiteral('-1')).toBe(-1);
    expect(parseTimestampLiteral('1.5')).toBeUndefined();
    expect(parseTimestampLiteral('2024-01-01')).toBe(1704067200000);
  });

  it('prints timestamps as ISO when they read back exactly', () => {
    expect(formatTimestamp(1704067200000)).toBe('2024-01-01T00:00:00.000Z');
    expect(formatTimestamp(new Date('0000-12-31T00:00:00Z').getTime())).toBe('0000-12-31T00:00:00.000Z');
    expect(formatTimestamp(new Date('+010000-01-01T00:00:00Z').getTime())).toBe('253402300800000');
    expect(formatTimestamp(8.64e15)).toBe('8640000000000000');
  });
});
