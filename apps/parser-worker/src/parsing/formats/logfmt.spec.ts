import fc from 'fast-check';
import { parseLine } from '../registry';

const ctx = { receivedAt: Date.parse('2024-03-10T12:00:00Z') };
const parse = (line: string) => parseLine(line, ctx);

describe('one key=value pair', () => {
  it.each([
    ['status=200', 'logfmt', { status: 200 }],
    ['msg="hello world"', 'logfmt', { msg: 'hello world' }],
    ['connection closed reason=timeout', 'kv', { reason: 'timeout' }],
    ['user logged in user="alice smith"', 'kv', { user: 'alice smith' }],
    ['request served in 12ms duration_ms=12', 'kv', { duration_ms: 12 }],
  ])('%p gives a field', (line, format, fields) => {
    const parsed = parse(line);
    expect(parsed.format).toBe(format);
    expect(parsed.fields).toEqual(fields);
  });

  it('takes msg as the message of a line that is only that pair', () => {
    expect(parse('msg="hello world"').message).toBe('hello world');
  });

  it.each([
    'a=b is wrong',
    'if x=1 then stop',
    'the answer is x=3',
    'the total was total=4.',
    '2+2=4 so sum=4',
    'what is key=value?',
    'set PATH=/usr/bin and retry',
    'x=',
    'a=b.',
  ])('%p stays prose', (line) => {
    const parsed = parse(line);
    expect(parsed.fields).toEqual({});
    expect(parsed.message).toBe(line);
  });

  // Words of prose: never a pair, may end with punctuation.
  const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}[,.;:!?]?$/);
  const prose = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => w.join(' '));
  const key = fc.stringMatching(/^[a-z][a-z0-9_]{1,10}$/);
  const plainValue = fc.stringMatching(/^[a-z0-9][a-z0-9_/-]{0,10}[a-z0-9]$/);

  it('never takes a field from prose whose one pair is followed by more words', () => {
    fc.assert(
      fc.property(prose, key, plainValue, prose, (before, k, v, after) => {
        for (const line of [`${k}=${v} ${after}`, `${before} ${k}=${v} ${after}`]) {
          const parsed = parse(line);
          expect(parsed.fields).toEqual({});
          expect(parsed.message).toBe(line);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('takes the one pair that ends a line as a field, and keeps the whole line as the message', () => {
    fc.assert(
      fc.property(prose, key, fc.oneof(plainValue, fc.stringMatching(/^[a-z][a-z .,!?]{0,20}$/).map((s) => JSON.stringify(s))), (before, k, v) => {
        const line = `${before} ${k}=${v}`;
        const parsed = parse(line);
        expect(parsed.format).toBe('kv');
        expect(parsed.message).toBe(line);
        expect(Object.keys(parsed.fields)).toEqual([k]);
        const value = parsed.fields[k];
        expect(String(value)).toBe(v.startsWith('"') ? JSON.parse(v) : v);
      }),
      { numRuns: 300 },
    );
  });

  it('never takes a one-character key after prose, nor a pair beside another word with =', () => {
    fc.assert(
      fc.property(prose, fc.stringMatching(/^[a-z]$/), plainValue, (before, k, v) => {
        expect(parse(`${before} ${k}=${v}`).fields).toEqual({});
        expect(parse(`${before} 1+1=2 ${k}x=${v}`).fields).toEqual({});
      }),
      { numRuns: 200 },
    );
  });
});
