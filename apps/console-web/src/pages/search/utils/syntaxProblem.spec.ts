import { syntaxProblemOf } from './syntaxProblem';

describe('syntaxProblemOf', () => {
  it('reads the position from the common error shape', () => {
    const details = [{ path: 'q', location: 'query', message: "q: Unexpected end of query at position 8: expected a value", position: 8, expected: 'a value' }];
    expect(syntaxProblemOf(400, 'invalid request', details)).toEqual({ position: 8, message: "q: Unexpected end of query at position 8: expected a value" });
  });

  it('reads the older single-object details too', () => {
    expect(syntaxProblemOf(400, 'invalid query: x', { position: 3, expected: 'a term' })).toEqual({ position: 3, message: 'invalid query: x' });
  });

  it('finds nothing in other errors', () => {
    expect(syntaxProblemOf(400, 'limit must be an integer', [{ path: 'limit', location: 'query', message: 'too big' }])).toBeUndefined();
    expect(syntaxProblemOf(503, 'down', { position: 1 })).toBeUndefined();
    expect(syntaxProblemOf(400, 'x', undefined)).toBeUndefined();
  });
});
