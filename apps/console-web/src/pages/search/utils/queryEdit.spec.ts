import { addFilter, clause, flattenFields, quoteValue, splitTopLevel } from './queryEdit';

describe('quoteValue', () => {
  it('leaves plain values bare and quotes the rest', () => {
    expect(quoteValue('web-api')).toBe('web-api');
    expect(quoteValue('500')).toBe('500');
    expect(quoteValue('two words')).toBe('"two words"');
    expect(quoteValue('a:b')).toBe('"a:b"');
    expect(quoteValue('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteValue('-1')).toBe('"-1"');
    expect(quoteValue('OR')).toBe('"OR"');
    expect(quoteValue('')).toBe('""');
    expect(quoteValue('tim*')).toBe('"tim*"');
  });
});

describe('clause', () => {
  it('prefixes parsed fields that share a reserved name', () => {
    expect(clause('level', 'error')).toBe('level:error');
    expect(clause('level', 'error', { parsed: true })).toBe('fields.level:error');
    expect(clause('http.status', '500', { parsed: true })).toBe('http.status:500');
    expect(clause('app', 'web', { negate: true })).toBe('-app:web');
  });
});

describe('addFilter', () => {
  it('adds to an empty query and to an existing one', () => {
    expect(addFilter('', 'app', 'web')).toBe('app:web');
    expect(addFilter('timeout', 'app', 'web')).toBe('timeout app:web');
  });

  it('does not add a clause twice and replaces its opposite', () => {
    expect(addFilter('timeout app:web', 'app', 'web')).toBe('timeout app:web');
    expect(addFilter('timeout app:web', 'app', 'web', { negate: true })).toBe('timeout -app:web');
    expect(addFilter('-level:debug x', 'level', 'debug')).toBe('x level:debug');
  });

  it('groups a top-level OR so the filter applies to all of it', () => {
    expect(addFilter('a OR b', 'app', 'web')).toBe('(a OR b) app:web');
    expect(addFilter('(a OR b)', 'app', 'web')).toBe('(a OR b) app:web');
  });
});

describe('splitTopLevel', () => {
  it('keeps phrases, groups and escapes whole', () => {
    expect(splitTopLevel('app:web "connection reset" (a OR b) x\\ y latency:[1 TO 5]')).toEqual(['app:web', '"connection reset"', '(a OR b)', 'x\\ y', 'latency:[1 TO 5]']);
  });
});

describe('flattenFields', () => {
  it('gives dotted paths for nested objects', () => {
    expect(flattenFields({ http: { status: 500, path: '/x' }, tags: ['a'] })).toEqual([['http.status', 500], ['http.path', '/x'], ['tags', ['a']]]);
  });
});
