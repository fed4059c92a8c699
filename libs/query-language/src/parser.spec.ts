import type { QueryNode } from './ast';
import { describeQueryError, QuerySyntaxError } from './errors';
import { formatQuery } from './format';
import { MAX_NESTING_DEPTH, MAX_QUERY_LENGTH, parseQuery } from './parser';

const text = (t: string): QueryNode => ({ kind: 'text', text: t });
const and = (...children: QueryNode[]): QueryNode => ({ kind: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ kind: 'or', children });
const not = (child: QueryNode): QueryNode => ({ kind: 'not', child });

function syntaxError(query: string): QuerySyntaxError {
  try {
    parseQuery(query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`parsed: ${query}`);
}

describe('parseQuery: forms', () => {
  it.each<[string, QueryNode]>([
    ['', { kind: 'all' }],
    ['   \t\n', { kind: 'all' }],
    ['*', { kind: 'all' }],
    ['timeout', text('timeout')],
    ['"connection reset"', { kind: 'phrase', text: 'connection reset' }],
    ['""', { kind: 'phrase', text: '' }],
    ['foo-bar', text('foo-bar')],
    ['tim*out', { kind: 'wildcard', field: 'message', pattern: 'tim*out' }],
    ['tim?out', { kind: 'wildcard', field: 'message', pattern: 'tim?out' }],
    ['app:web', { kind: 'term', field: 'app', value: 'web' }],
    ['host:"web 1"', { kind: 'term', field: 'host', value: 'web 1' }],
    ['level:ERROR', { kind: 'term', field: 'level', value: 'ERROR' }],
    ['tag:prod', { kind: 'term', field: 'tag', value: 'prod' }],
    ['source:syslog', { kind: 'term', field: 'source', value: 'syslog' }],
    ['status:500', { kind: 'term', field: 'fields.status', value: '500' }],
    ['status:"500"', { kind: 'term', field: 'fields.status', value: '500' }],
    ['http.status:500', { kind: 'term', field: 'fields.http.status', value: '500' }],
    ['fields.level:warn', { kind: 'term', field: 'fields.level', value: 'warn' }],
    ['fields.http.status:500', { kind: 'term', field: 'fields.http.status', value: '500' }],
    ['message:timeout', text('timeout')],
    ['msg:"a b"', { kind: 'phrase', text: 'a b' }],
    ['msg:tim*', { kind: 'wildcard', field: 'message', pattern: 'tim*' }],
    ['host:web-*', { kind: 'wildcard', field: 'host', pattern: 'web-*' }],
    ['user.id:u?', { kind: 'wildcard', field: 'fields.user.id', pattern: 'u?' }],
    ['status:*', { kind: 'exists', field: 'fields.status' }],
    ['status:**', { kind: 'exists', field: 'fields.status' }],
    ['tag:*', { kind: 'exists', field: 'tag' }],
    ['message:*', { kind: 'exists', field: 'message' }],
    ['status:>500', { kind: 'range', field: 'fields.status', lower: { value: 500, inclusive: false } }],
    ['status:>=500', { kind: 'range', field: 'fields.status', lower: { value: 500, inclusive: true } }],
    ['latency:<5', { kind: 'range', field: 'fields.latency', upper: { value: 5, inclusive: false } }],
    ['latency:<=5.5', { kind: 'range', field: 'fields.latency', upper: { value: 5.5, inclusive: true } }],
    ['x:>-1e3', { kind: 'range', field: 'fields.x', lower: { value: -1000, inclusive: false } }],
    ['x:[100 TO 500]', { kind: 'range', field: 'fields.x', lower: { value: 100, inclusive: true }, upper: { value: 500, inclusive: true } }],
    ['x:{100 TO 500}', { kind: 'range', field: 'fields.x', lower: { value: 100, inclusive: false }, upper: { value: 500, inclusive: false } }],
    ['x:[100 TO 500}', { kind: 'range', field: 'fields.x', lower: { value: 100, inclusive: true }, upper: { value: 500, inclusive: false } }],
    ['x:[100 TO *]', { kind: 'range', field: 'fields.x', lower: { value: 100, inclusive: true } }],
    ['x:{* TO 5}', { kind: 'range', field: 'fields.x', upper: { value: 5, inclusive: false } }],
    ['x:[* TO *]', { kind: 'exists', field: 'fields.x' }],
    ['x:[ 1   TO  2 ]', { kind: 'range', field: 'fields.x', lower: { value: 1, inclusive: true }, upper: { value: 2, inclusive: true } }],
    ['ts:>2024-01-01', { kind: 'range', field: 'ts', lower: { value: Date.UTC(2024, 0, 1), inclusive: false } }],
    ['@timestamp:<=2024-03-01T10:30:00Z', { kind: 'range', field: 'ts', upper: { value: Date.UTC(2024, 2, 1, 10, 30), inclusive: true } }],
    ['ts:[2024-01-01T00:00:00+02:00 TO 1704067200000}', {
      kind: 'range', field: 'ts',
      lower: { value: Date.UTC(2023, 11, 31, 22), inclusive: true }, upper: { value: 1704067200000, inclusive: false },
    }],
    ['ts:2024-01-01T10:00:00.250Z', {
      kind: 'range', field: 'ts',
      lower: { value: Date.UTC(2024, 0, 1, 10, 0, 0, 250), inclusive: true }, upper: { value: Date.UTC(2024, 0, 1, 10, 0, 0, 250), inclusive: true },
    }],
    ['ts:*', { kind: 'exists', field: 'ts' }],
    ['url:http://x/y', { kind: 'term', field: 'fields.url', value: 'http://x/y' }],
    ['a:b:c', { kind: 'term', field: 'fields.a', value: 'b:c' }],
    ['x:-5', { kind: 'term', field: 'fields.x', value: '-5' }],
    ['x:AND', { kind: 'term', field: 'fields.x', value: 'AND' }],
    ['AND:x', { kind: 'term', field: 'fields.AND', value: 'x' }],
  ])('%s', (query, expected) => {
    expect(parseQuery(query)).toEqual(expected);
  });
});

describe('parseQuery: operators and precedence', () => {
  it.each<[string, QueryNode]>([
    ['a b', and(text('a'), text('b'))],
    ['a AND b', and(text('a'), text('b'))],
    ['a b AND c', and(text('a'), text('b'), text('c'))],
    ['a OR b', or(text('a'), text('b'))],
    ['a OR b c', or(text('a'), and(text('b'), text('c')))],
    ['a b OR c', or(and(text('a'), text('b')), text('c'))],
    ['NOT a', not(text('a'))],
    ['NOT a b', and(not(text('a')), text('b'))],
    ['NOT a OR b', or(not(text('a')), text('b'))],
    ['a OR NOT b', or(text('a'), not(text('b')))],
    ['-a', not(text('a'))],
    ['a -b', and(text('a'), not(text('b')))],
    ['-app:web', not({ kind: 'term', field: 'app', value: 'web' })],
    ['--a', not(not(text('a')))],
    ['NOT NOT a', not(not(text('a')))],
    ['-"a b"', not({ kind: 'phrase', text: 'a b' })],
    ['-(a OR b)', not(or(text('a'), text('b')))],
    ['(a OR b) c', and(or(text('a'), text('b')), text('c'))],
    ['(a)', text('a')],
    ['((a b))', and(text('a'), text('b'))],
    ['(a b) c', and(and(text('a'), text('b')), text('c'))],
    ['a AND (b OR c) AND NOT d', and(text('a'), or(text('b'), text('c')), not(text('d')))],
    ['NOT(a)', not(text('a'))],
    ['and or not', and(text('and'), text('or'), text('not'))],
    ['a-b', text('a-b')],
  ])('%s', (query, expected) => {
    expect(parseQuery(query)).toEqual(expected);
  });
});

describe('parseQuery: escapes', () => {
  it.each<[string, QueryNode]>([
    ['a\\:b', text('a:b')],
    ['a\\ b', text('a b')],
    ['\\-a', text('-a')],
    ['\\AND', text('AND')],
    ['\\(x\\)', text('(x)')],
    ['tim\\*out', text('tim*out')],
    ['tim\\*out*', { kind: 'wildcard', field: 'message', pattern: 'tim\\*out*' }],
    ['a\\\\b', text('a\\b')],
    ['a\\\\*', { kind: 'wildcard', field: 'message', pattern: 'a\\\\*' }],
    ['"say \\"hi\\" \\\\ o"', { kind: 'phrase', text: 'say "hi" \\ o' }],
    ['"a*b?"', { kind: 'phrase', text: 'a*b?' }],
    ['path:C\\:\\\\dir', { kind: 'term', field: 'fields.path', value: 'C:\\dir' }],
    ['my\\ field:x', { kind: 'term', field: 'fields.my field', value: 'x' }],
    ['status:\\>5', { kind: 'term', field: 'fields.status', value: '>5' }],
    ['x:\\*', { kind: 'term', field: 'fields.x', value: '*' }],
    ['\\*', text('*')],
    ['\\😀', text('😀')],
  ])('%s', (query, expected) => {
    expect(parseQuery(query)).toEqual(expected);
  });
});

describe('parseQuery: errors', () => {
  it.each<[string, number, string, string]>([
    // query, position, expected, found
    ['app:web AND )', 12, "a term, a phrase or '('", "')'"],
    ['(a', 2, "AND, OR, a term or ')'", 'end of query'],
    ['(a OR b', 7, "AND, OR, a term or ')'", 'end of query'],
    ['a)', 1, 'AND, OR, a term or the end of the query', "')'"],
    ['()', 1, "a term, a phrase or '('", "')'"],
    ['field:', 6, 'a value, a phrase, a range or a comparison', 'end of query'],
    ['field: x', 6, 'a value, a phrase, a range or a comparison', 'whitespace'],
    ['field:)', 6, 'a value, a phrase, a range or a comparison', "')'"],
    ['level:(a OR b)', 6, 'a value, a phrase, a range or a comparison', "'('"],
    ['x:[1 TO', 7, "a number or '*'", 'end of query'],
    ['x:[1 TO 5', 9, "']' or '}'", 'end of query'],
    ['x:[1 5]', 5, "'TO'", "'5'"],
    ['x:[TO 5]', 3, "a number or '*'", "'TO'"],
    ['x:[a TO 5]', 3, "a number or '*'", "'a'"],
    ['x:[1 TO 5)', 9, "']' or '}'", "')'"],
    ['x:>', 3, 'a number', 'end of query'],
    ['x:> 5', 3, 'a number', 'whitespace'],
    ['x:>abc', 3, 'a number', "'abc'"],
    ['x:>5*', 3, 'a number', "'5*'"],
    ['x:>Infinity', 3, 'a number', "'Infinity'"],
    ['ts:>yesterday', 4, 'an ISO 8601 date or epoch milliseconds', "'yesterday'"],
    ['ts:2024-02-30', 3, 'an ISO 8601 date or epoch milliseconds', "'2024-02-30'"],
    ['ts:>1.5', 4, 'an ISO 8601 date or epoch milliseconds', "'1.5'"],
    ['ts:2024*', 3, 'an ISO 8601 date or epoch milliseconds', "'2024*'"],
    ['app:>5', 4, 'a value (comparisons and ranges apply to ts and parsed fields, not to app)', "'>'"],
    ['message:[1 TO 2]', 8, 'a value (comparisons and ranges apply to ts and parsed fields, not to message)', "'['"],
    ['a AND', 5, "a term, a phrase or '('", 'end of query'],
    ['AND a', 0, "a term, a phrase or '('", "'AND'"],
    ['a OR OR b', 5, "a term, a phrase or '('", "'OR'"],
    ['a AND OR b', 6, "a term, a phrase or '('", "'OR'"],
    ['NOT', 3, "a term, a phrase or '('", 'end of query'],
    ['a - b', 3, "a term, a phrase or '('", 'whitespace'],
    ['a -', 3, "a term, a phrase or '('", 'end of query'],
    ['"abc', 4, "'\"' to close the phrase opened at position 0", 'end of query'],
    ['a "b\\"', 6, "'\"' to close the phrase opened at position 2", 'end of query'],
    ['a\\', 2, "a character after '\\'", 'end of query'],
    ['a*:b', 0, 'a field name without wildcards', "'a*'"],
    ['a..b:c', 0, 'a field name (dot-separated names, none empty)', "'a..b'"],
    ['.a:c', 0, 'a field name (dot-separated names, none empty)', "'.a'"],
    [':x', 0, "a term, a phrase or '('", "':'"],
    ['a :x', 2, 'AND, OR, a term or the end of the query', "':'"],
    ['"a":x', 3, 'AND, OR, a term or the end of the query', "':'"],
    ['[1 TO 2]', 0, "a term, a phrase or '('", "'['"],
    ['a ]', 2, 'AND, OR, a term or the end of the query', "']'"],
  ])('%s', (query, position, expected, found) => {
    const error = syntaxError(query);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QuerySyntaxError');
    expect({ position: error.position, expected: error.expected, found: error.found })
      .toEqual({ position, expected, found });
    expect(error.message).toBe(`Unexpected ${found} at position ${position}: expected ${expected}`);
  });

  it('describes an error with a caret under the position', () => {
    const query = 'app:web AND )';
    expect(describeQueryError(syntaxError(query), query)).toBe(
      "Unexpected ')' at position 12: expected a term, a phrase or '('\n  app:web AND )\n              ^",
    );
    expect(describeQueryError(syntaxError(query))).toBe(syntaxError(query).message);
    expect(describeQueryError(new Error('other'))).toBe('other');
  });

  it('cuts long queries around the position', () => {
    const query = `${'a '.repeat(100)})${' b'.repeat(100)}`;
    const [, excerpt, caret] = describeQueryError(syntaxError(query), query).split('\n');
    expect(excerpt.length).toBeLessThan(70);
    expect(excerpt[caret.length - 1]).toBe(')');
  });
});

describe('parseQuery: bounds', () => {
  it(`accepts ${MAX_QUERY_LENGTH} characters and refuses more`, () => {
    expect(() => parseQuery('a'.repeat(MAX_QUERY_LENGTH))).not.toThrow();
    const error = syntaxError('a'.repeat(MAX_QUERY_LENGTH + 1));
    expect(error.position).toBe(MAX_QUERY_LENGTH);
    expect(error.expected).toBe(`at most ${MAX_QUERY_LENGTH} characters`);
    expect(error.message).toBe(`Query too long: ${MAX_QUERY_LENGTH + 1} characters, at most ${MAX_QUERY_LENGTH} are allowed`);
  });

  it(`accepts ${MAX_NESTING_DEPTH} levels of nesting and refuses more`, () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}a${')'.repeat(depth)}`;
    expect(parseQuery(nested(MAX_NESTING_DEPTH))).toEqual(text('a'));
    const error = syntaxError(nested(MAX_NESTING_DEPTH + 1));
    expect(error.position).toBe(MAX_NESTING_DEPTH);
    expect(error.expected).toBe(`at most ${MAX_NESTING_DEPTH} levels of parentheses and negations`);
  });

  it('counts negations as nesting', () => {
    expect(() => parseQuery(`${'-'.repeat(MAX_NESTING_DEPTH)}a`)).not.toThrow();
    expect(syntaxError(`${'NOT '.repeat(MAX_NESTING_DEPTH + 1)}a`).position).toBe(4 * MAX_NESTING_DEPTH);
    expect(syntaxError(`${'(-'.repeat(20)}a${')'.repeat(20)}`).position).toBe(32);
  });

  it('handles long flat queries without deep recursion', () => {
    const query = Array.from({ length: 600 }, (_, i) => `w${i % 10}`).join(' OR ');
    expect(query.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
    const node = parseQuery(query);
    expect(node.kind === 'or' && node.children.length).toBe(600);
  });
});

describe('formatQuery', () => {
  it.each([
    ['a b', 'a AND b'],
    ['a OR b c', 'a OR (b AND c)'],
    ['(a OR b) c', '(a OR b) AND c'],
    ['-a', 'NOT a'],
    ['NOT (a OR b)', 'NOT (a OR b)'],
    ['msg:tim*', 'tim*'],
    ['"say \\"hi\\""', '"say \\"hi\\""'],
    ['a\\ b', 'a\\ b'],
    ['\\AND', '\\AND'],
    ['\\-x', '\\-x'],
    ['x:-5', 'x:-5'],
    ['x:\\>5', 'x:\\>5'],
    ['url:http://x', 'url:http://x'],
    ['fields.app:x', 'fields.app:x'],
    ['fields.fields.x:y', 'fields.fields.x:y'],
    ['fields.status:500', 'status:500'],
    ['x:""', 'x:""'],
    ['x:[1 TO *]', 'x:>=1'],
    ['x:{* TO 5]', 'x:<=5'],
    ['x:{1 TO 5]', 'x:{1 TO 5]'],
    ['ts:>=1704067200000', 'ts:>=2024-01-01T00:00:00.000Z'],
    ['ts:2024-01-01', 'ts:2024-01-01T00:00:00.000Z'],
    ['x:[5 TO 5]', 'x:[5 TO 5]'],
    ['@timestamp:*', 'ts:*'],
    ['', '*'],
  ])('%s → %s', (query, formatted) => {
    expect(formatQuery(parseQuery(query))).toBe(formatted);
    expect(parseQuery(formatted)).toEqual(parseQuery(query));
  });
});
