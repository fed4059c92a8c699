import { applySuggestion, suggestFields, suggestValues, typingAt } from './completion';
import { quoteValue } from './queryEdit';

describe('typingAt', () => {
  it('finds a field name being typed', () => {
    expect(typingAt('timeout sta', 11)).toEqual({ kind: 'field', prefix: 'sta', start: 8, end: 11 });
    expect(typingAt('-ap', 3)).toEqual({ kind: 'field', prefix: 'ap', start: 1, end: 3 });
  });

  it('finds the value of field:', () => {
    expect(typingAt('app:we', 6)).toEqual({ kind: 'value', field: 'app', prefix: 'we', start: 4, end: 6 });
    expect(typingAt('(level:er', 9)).toEqual({ kind: 'value', field: 'level', prefix: 'er', start: 7, end: 9 });
  });

  it('suggests nothing inside a phrase or for a keyword', () => {
    expect(typingAt('"conn res', 9)).toBeUndefined();
    expect(typingAt('a OR', 4)).toBeUndefined();
  });
});

describe('suggestions', () => {
  it('lists reserved fields and parsed ones by prefix, then by substring', () => {
    const got = suggestFields('st', [{ name: 'status', types: ['number'] }, { name: 'http.status' }]);
    expect(got.map((s) => s.label)).toEqual(['status', 'host', 'http.status']);
    expect(suggestFields('', []).map((s) => s.label)).toEqual(['app', 'host', 'level', 'tag', 'source', 'message']);
  });

  it('lists values by prefix, quoted when needed', () => {
    const got = suggestValues('w', [{ value: 'web', count: 5 }, { value: 'worker pool', count: 2 }, { value: 'api' }], quoteValue);
    expect(got.map((s) => s.insert)).toEqual(['web ', '"worker pool" ']);
  });

  it('replaces the typed word', () => {
    const typing = typingAt('timeout ap', 10)!;
    expect(applySuggestion('timeout ap', typing, { insert: 'app:', label: 'app' })).toEqual({ query: 'timeout app:', cursor: 12 });
    const value = typingAt('app:w level:error', 5)!;
    expect(applySuggestion('app:w level:error', value, { insert: 'web ', label: 'web' })).toEqual({ query: 'app:web level:error', cursor: 8 });
  });
});
