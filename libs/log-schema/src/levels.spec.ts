import { normaliseLevel, syslogSeverityLevel } from './levels';

describe('normaliseLevel', () => {
  it.each([
    ['WARNING', 'warn'], ['Err', 'error'], ['CRITICAL', 'fatal'], ['notice', 'info'], ['TRACE', 'trace'],
    [3, 'error'], ['6', 'info'], [30, 'info'], [50, 'error'], [60, 'fatal'], ['  Debug ', 'debug'],
  ])('%p → %p', (input, expected) => {
    expect(normaliseLevel(input)).toBe(expected);
  });

  it('keeps unknown levels as given, lower-cased and bounded', () => {
    expect(normaliseLevel('AUDIT')).toBe('audit');
    expect(normaliseLevel('x'.repeat(100))).toHaveLength(32);
  });

  it('treats words that name object internals as plain unknown levels', () => {
    expect(normaliseLevel('__proto__')).toBe('__proto__');
    expect(normaliseLevel('constructor')).toBe('constructor');
    expect(normaliseLevel('toString')).toBe('tostring');
  });

  it('has no level for nothing', () => {
    expect(normaliseLevel('')).toBeUndefined();
    expect(normaliseLevel(undefined)).toBeUndefined();
    expect(normaliseLevel(99)).toBeUndefined();
  });

  it('maps every syslog severity', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(syslogSeverityLevel)).toEqual(['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug']);
  });
});
