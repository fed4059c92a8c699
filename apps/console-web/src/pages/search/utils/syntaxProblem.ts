/** Where a query's syntax breaks, as the query-api reports it in a 400. */
export interface SyntaxProblem {
  position: number;
  message: string;
}

/**
 * The syntax error in an answer's details: the common error shape lists the invalid field with
 * its `position` (`[{path: 'q', location: 'query', message, position, expected}]`); older answers
 * carried `{position, expected}` alone.
 */
export function syntaxProblemOf(status: number, message: string, details: unknown): SyntaxProblem | undefined {
  if (status !== 400) return undefined;
  const entries = Array.isArray(details) ? details : [details];
  for (const entry of entries) {
    const position = (entry as { position?: unknown } | null | undefined)?.position;
    if (typeof position === 'number' && position >= 0) {
      const own = (entry as { message?: unknown }).message;
      return { position, message: typeof own === 'string' && own ? own : message };
    }
  }
  return undefined;
}
