/**
 * A malformed query. `position` is the 0-based offset (UTF-16 code units, as JavaScript strings
 * index) where the problem was found; `expected` says what would have been valid there.
 */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';

  constructor(
    readonly position: number,
    readonly expected: string,
    /** What was found instead: `')'`, `end of query`, `whitespace`... */
    readonly found: string,
    message?: string,
  ) {
    super(message ?? `Unexpected ${found} at position ${position}: expected ${expected}`);
  }
}

/**
 * A human-readable description of a query error; with the query, adds the line with a caret
 * under the offending position (long queries are cut around it).
 */
export function describeQueryError(error: unknown, query?: string): string {
  if (!(error instanceof QuerySyntaxError)) {
    return error instanceof Error ? error.message : String(error);
  }
  if (query === undefined) return error.message;
  const width = 60;
  const from = Math.max(0, error.position - width / 2);
  const to = Math.min(query.length, from + width);
  // Whitespace is flattened so the caret stays under the right character.
  const excerpt = query.slice(from, to).replace(/\s/g, ' ');
  const prefix = from > 0 ? '…' : '';
  const suffix = to < query.length ? '…' : '';
  const caret = ' '.repeat(prefix.length + error.position - from) + '^';
  return `${error.message}\n  ${prefix}${excerpt}${suffix}\n  ${caret}`;
}
