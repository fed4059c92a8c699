import type { QueryNode } from './ast';
import { toOpenSearch } from './opensearch';
import { parseQuery } from './parser';

const dsl = (query: string): unknown => toOpenSearch(parseQuery(query));
const match = (query: string) => ({ match: { message: { query, operator: 'and', zero_terms_query: 'none' } } });

describe('toOpenSearch: clauses', () => {
  it.each<[string, unknown]>([
    ['', { match_all: {} }],
    ['*', { match_all: {} }],
    ['timeout', match('timeout')],
    ['foo-bar', match('foo-bar')],
    ['message:Timeout', match('Timeout')],
    ['"connection reset"', { match_phrase: { message: { query: 'connection reset' } } }],
    ['msg:"a b"', { match_phrase: { message: { query: 'a b' } } }],
    ['Tim*Out', { wildcard: { message: { value: 'tim*out', case_insensitive: true } } }],
    ['tim\\*out?', { wildcard: { message: { value: 'tim\\*out?', case_insensitive: true } } }],
    ['app:web', { term: { app: 'web' } }],
    ['host:"Web 1"', { term: { host: 'Web 1' } }],
    ['source:syslog', { term: { source: 'syslog' } }],
    ['level:ERROR', { term: { level: 'error' } }],
    ['tag:Prod', { term: { tags: 'Prod' } }],
    ['status:500', { match: { 'fields.status': { query: '500', lenient: true } } }],
    ['code:"E 1"', { match: { 'fields.code': { query: 'E 1', lenient: true } } }],
    ['http.status:503', { match: { 'fields.http.status': { query: '503', lenient: true } } }],
    ['fields.level:x', { match: { 'fields.level': { query: 'x', lenient: true } } }],
    ['ok:true', { match: { 'fields.ok': { query: 'true', lenient: true } } }],
    ['host:web-*', { wildcard: { host: { value: 'web-*' } } }],
    ['tag:Can*', { wildcard: { tags: { value: 'Can*' } } }],
    ['level:E*', { wildcard: { level: { value: 'e*' } } }],
    ['user.id:U?', { wildcard: { 'fields.user.id': { value: 'U?' } } }],
    ['status:*', { exists: { field: 'fields.status' } }],
    ['tag:*', { exists: { field: 'tags' } }],
    ['message:*', { exists: { field: 'message' } }],
    ['ts:*', { exists: { field: '@timestamp' } }],
    ['x:[* TO *]', { exists: { field: 'fields.x' } }],
    ['status:>500', { range: { 'fields.status': { gt: 500 } } }],
    ['status:>=500', { range: { 'fields.status': { gte: 500 } } }],
    ['status:<5', { range: { 'fields.status': { lt: 5 } } }],
    ['status:<=5', { range: { 'fields.status': { lte: 5 } } }],
    ['x:[100 TO 500]', { range: { 'fields.x': { gte: 100, lte: 500 } } }],
    ['x:{100 TO 500}', { range: { 'fields.x': { gt: 100, lt: 500 } } }],
    ['x:[100 TO *}', { range: { 'fields.x': { gte: 100 } } }],
    ['ts:>=2024-01-01', { range: { '@timestamp': { gte: Date.UTC(2024, 0, 1), format: 'epoch_millis' } } }],
    ['ts:2024-01-01T10:00:00Z', {
      range: { '@timestamp': { gte: Date.UTC(2024, 0, 1, 10), lte: Date.UTC(2024, 0, 1, 10), format: 'epoch_millis' } },
    }],
  ])('%s', (query, expected) => {
    expect(dsl(query)).toEqual(expected);
  });
});

describe('toOpenSearch: boolean structure', () => {
  it('AND is a filter, with negated children in must_not of the same bool', () => {
    expect(dsl('app:web level:error -tag:canary')).toEqual({
      bool: {
        filter: [{ term: { app: 'web' } }, { term: { level: 'error' } }],
        must_not: [{ term: { tags: 'canary' } }],
      },
    });
  });

  it('OR is should with minimum_should_match 1', () => {
    expect(dsl('app:web OR app:api')).toEqual({
      bool: { should: [{ term: { app: 'web' } }, { term: { app: 'api' } }], minimum_should_match: 1 },
    });
  });

  it('NOT is must_not', () => {
    expect(dsl('NOT app:web')).toEqual({ bool: { must_not: [{ term: { app: 'web' } }] } });
    expect(dsl('-app:web -host:x')).toEqual({ bool: { must_not: [{ term: { app: 'web' } }, { term: { host: 'x' } }] } });
    expect(dsl('NOT *')).toEqual({ bool: { must_not: [{ match_all: {} }] } });
  });

  it('keeps precedence: NOT > AND > OR', () => {
    expect(dsl('a OR b -c')).toEqual({
      bool: {
        should: [match('a'), { bool: { filter: [match('b')], must_not: [match('c')] } }],
        minimum_should_match: 1,
      },
    });
    expect(dsl('(a OR b) c')).toEqual({
      bool: {
        filter: [{ bool: { should: [match('a'), match('b')], minimum_should_match: 1 } }, match('c')],
      },
    });
    expect(dsl('a OR NOT b')).toEqual({
      bool: { should: [match('a'), { bool: { must_not: [match('b')] } }], minimum_should_match: 1 },
    });
  });

  it('drops match_all from conjunctions', () => {
    expect(dsl('* app:web')).toEqual({ bool: { filter: [{ term: { app: 'web' } }] } });
    expect(toOpenSearch({ kind: 'and', children: [{ kind: 'all' }, { kind: 'all' }] })).toEqual({ match_all: {} });
  });

  it('never uses query_string or scoring clauses', () => {
    const all = JSON.stringify(dsl('(a OR "b c" OR d*) -app:x level:E* status:[1 TO 2] tag:* ts:>0 msg:z'));
    expect(all).not.toMatch(/query_string|"must"|"boost"/);
  });
});

describe('toOpenSearch: hand-built trees', () => {
  it('treats a term on message as free text and a term on ts as an instant', () => {
    expect(toOpenSearch({ kind: 'term', field: 'message', value: 'x y' })).toEqual(match('x y'));
    expect(toOpenSearch({ kind: 'term', field: 'ts', value: '1000' })).toEqual({
      range: { '@timestamp': { gte: 1000, lte: 1000, format: 'epoch_millis' } },
    });
  });

  it('refuses what the parser never produces', () => {
    const bad: QueryNode[] = [
      { kind: 'range', field: 'app', lower: { value: 1, inclusive: true } },
      { kind: 'wildcard', field: 'ts', pattern: '1*' },
      { kind: 'term', field: 'ts', value: 'yesterday' },
    ];
    for (const node of bad) expect(() => toOpenSearch(node)).toThrow(TypeError);
  });
});
