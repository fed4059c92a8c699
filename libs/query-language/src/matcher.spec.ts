import { compileMatcher, type MatchableEvent } from './matcher';
import { parseQuery } from './parser';

const base: MatchableEvent = {
  app: 'web',
  host: 'web-1',
  level: 'error',
  message: 'ERROR [main] Connection reset by peer after 30s; retrying GET /api/v1.2/users (timeout=5000)',
  tags: ['prod', 'Canary'],
  source: 'http-json',
  ts: Date.UTC(2024, 0, 1, 12),
  fields: {
    status: 500,
    code: 'E500',
    ok: false,
    latency: 250.5,
    http: { method: 'GET', status: 503 },
    'user.id': 'u-42',
    ids: [1, 2, 3],
    items: [{ name: 'a' }, { name: 'b', tags: ['x'] }],
    nothing: null,
    empty: '',
    emptyList: [],
    blob: 'x'.repeat(1025),
    numericString: '404',
    level: 'custom',
  },
};

const event = (patch: Partial<MatchableEvent> = {}): MatchableEvent => ({ ...base, ...patch });
const matches = (query: string, e: MatchableEvent = base): boolean => compileMatcher(parseQuery(query))(e);

describe('compileMatcher', () => {
  it.each<[string, boolean]>([
    // everything
    ['', true],
    ['*', true],
    ['NOT *', false],
    // free text: every analysed token is a message token
    ['timeout', true],
    ['TIMEOUT', true],
    ['connection reset', true],
    ['Connection-Reset', true],
    ['connect', false],
    ['reset peer', true],
    ['5000', true],
    ['v1.2', true],
    ['v1', false],
    ['api', true],
    ['30s', true],
    ['\\---', false],
    // phrases: consecutive tokens
    ['"connection reset"', true],
    ['"reset connection"', false],
    ['"connection peer"', false],
    ['"reset by peer after"', true],
    ['"RESET   by, peer"', true],
    ['"timeout"', true],
    ['""', false],
    // wildcards on message tokens (case-insensitive)
    ['time*', true],
    ['TIME*', true],
    ['*out', true],
    ['conn?ction', true],
    ['ret*ng', true],
    ['reset*by', false],
    ['v1.?', true],
    ['msg:peer*', true],
    // message exists even if empty
    ['message:*', true],
    // keywords: exact, case-sensitive
    ['app:web', true],
    ['app:Web', false],
    ['app:we', false],
    ['host:web-1', true],
    ['host:"web-1"', true],
    ['source:http-json', true],
    ['tag:prod', true],
    ['tag:canary', false],
    ['tag:Canary', true],
    ['app:w*', true],
    ['host:web-?', true],
    ['host:*-2', false],
    ['tag:Can*', true],
    ['tag:can*', false],
    // level: case-insensitive
    ['level:error', true],
    ['level:ERROR', true],
    ['level:warn', false],
    ['level:E*', true],
    ['level:*', true],
    // parsed fields: numbers match numeric spellings, strings exactly
    ['status:500', true],
    ['status:"500"', true],
    ['status:500.0', true],
    ['status:5e2', true],
    ['status:500d', true],
    ['status:501', false],
    ['status:abc', false],
    ['numericString:404', true],
    ['numericString:404.0', false],
    ['code:E500', true],
    ['code:e500', false],
    ['code:E5*', true],
    ['ok:false', true],
    ['ok:False', false],
    ['ok:f*', true],
    ['latency:250.5', true],
    ['http.status:503', true],
    ['http.method:GET', true],
    ['fields.http.method:GET', true],
    ['user.id:u-42', true],
    ['user.id:u*', true],
    ['ids:2', true],
    ['ids:4', false],
    ['items.name:b', true],
    ['items.tags:x', true],
    ['fields.level:custom', true],
    ['empty:""', true],
    ['blob:x*', false],
    ['missing:x', false],
    // existence
    ['status:*', true],
    ['http:*', true],
    ['items:*', true],
    ['nothing:*', false],
    ['emptyList:*', false],
    ['empty:*', true],
    ['blob:*', false],
    ['missing:*', false],
    ['ts:*', true],
    ['tag:*', true],
    // comparisons and ranges: numbers only
    ['status:>499', true],
    ['status:>500', false],
    ['status:>=500', true],
    ['status:<500', false],
    ['status:<=500', true],
    ['status:[500 TO 500]', true],
    ['status:{500 TO 501]', false],
    ['status:[100 TO *]', true],
    ['status:[* TO 100]', false],
    ['latency:[250 TO 251}', true],
    ['http.status:{500 TO 600}', true],
    ['ids:>2', true],
    ['ids:>3', false],
    ['numericString:>400', false],
    ['code:>0', false],
    ['missing:>0', false],
    ['missing:[* TO *]', false],
    ['ts:>=2024-01-01T12:00:00Z', true],
    ['ts:>2024-01-01T12:00:00Z', false],
    ['ts:2024-01-01T12:00:00Z', true],
    ['ts:[2024-01-01 TO 2024-01-02}', true],
    [`ts:<${Date.UTC(2024, 0, 1, 12)}`, false],
    // negation and missing fields
    ['-missing:x', true],
    ['NOT missing:*', true],
    ['-status:500', false],
    ['-status:>1000', true],
    ['-level:warn', true],
    // boolean structure
    ['app:web level:error', true],
    ['app:web AND level:warn', false],
    ['app:api OR level:error', true],
    ['app:api OR level:warn', false],
    ['app:api OR level:warn OR timeout', true],
    ['app:web -tag:prod', false],
    ['(app:api OR app:web) AND NOT (level:warn OR status:<500)', true],
    ['app:web AND (level:warn OR NOT tag:prod)', false],
    ['NOT NOT app:web', true],
  ])('%s → %s', (query, expected) => {
    expect(matches(query)).toBe(expected);
  });

  it('treats a missing level as no value', () => {
    const noLevel = event({ level: undefined });
    expect(matches('level:error', noLevel)).toBe(false);
    expect(matches('-level:error', noLevel)).toBe(true);
    expect(matches('level:*', noLevel)).toBe(false);
    expect(matches('level:e*', noLevel)).toBe(false);
  });

  it('compares a shipper-cased level case-insensitively, as the indexer lower-cases it', () => {
    expect(matches('level:error', event({ level: 'ERROR' }))).toBe(true);
    expect(matches('level:Err*', event({ level: 'ERROR' }))).toBe(true);
  });

  it('treats dotted keys and nested objects as the same path, and looks into arrays of objects', () => {
    const cases: Record<string, unknown>[] = [
      { http: { status: 404 } },
      { 'http.status': 404 },
      { http: [{ status: 200 }, { status: 404 }] },
      { http: { status: [200, 404] } },
      { a: { 'b.c': 1 }, http: { 'status': [[404]] } },
    ];
    for (const fields of cases) {
      expect(matches('http.status:404', event({ fields }))).toBe(true);
      expect(matches('http.status:[400 TO 499]', event({ fields }))).toBe(true);
    }
    expect(matches('a.b.c:1', event({ fields: { a: { 'b.c': 1 } } }))).toBe(true);
    expect(matches('a.b.c:1', event({ fields: { 'a.b': { c: 1 } } }))).toBe(true);
  });

  it('ignores inherited properties', () => {
    expect(matches('constructor:*', event({ fields: {} }))).toBe(false);
    expect(matches('toString:*', event({ fields: {} }))).toBe(false);
    expect(matches('__proto__:*', event({ fields: {} }))).toBe(false);
    expect(matches('a.constructor:*', event({ fields: { a: {} } }))).toBe(false);
  });

  it('never matches a negative zero term (JSON has no -0), but 0 matches both zeros', () => {
    expect(matches('x:-0', event({ fields: { x: 0 } }))).toBe(false);
    expect(matches('x:0', event({ fields: { x: -0 } }))).toBe(true);
  });

  it('tokenises each message once for several clauses', () => {
    const matcher = compileMatcher(parseQuery('connection reset "by peer" time*'));
    expect(matcher(base)).toBe(true);
    expect(matcher(event({ message: 'connection timeout' }))).toBe(false);
    expect(matcher(base)).toBe(true);
  });
});
