import { describeQueryError, formatQuery, parseQuery, QuerySyntaxError, type QueryNode } from '@millrace/query-language';
import { UsageError } from '../../errors';

/** The -a/-H/-l/-t filters; each may be given several times (any of the values matches). */
export interface QueryFilters {
  app?: string[];
  host?: string[];
  level?: string[];
  tag?: string[];
}

const FILTER_FIELDS = { app: 'app', host: 'host', level: 'level', tag: 'tag' } as const;

/** Check a query on the client (a typo is a usage error, exit 2, with a caret under it). */
export function parseUserQuery(text: string): QueryNode {
  try {
    return parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError) throw new UsageError(`the query is not valid: ${describeQueryError(error, text)}`);
    throw error;
  }
}

/**
 * The query text with the filters compiled in: `(query) AND (app:a OR app:b) AND level:error`.
 * Values with `*` or `?` are wildcards. Without filters the text goes out as the user wrote it.
 */
export function buildQuery(text: string | undefined, filters: QueryFilters = {}): string {
  const query = (text ?? '').trim();
  const parsed = parseUserQuery(query);
  const parts: QueryNode[] = parsed.kind === 'all' ? [] : [parsed];
  for (const [option, field] of Object.entries(FILTER_FIELDS) as Array<[keyof QueryFilters, (typeof FILTER_FIELDS)[keyof QueryFilters]]>) {
    const values = (filters[option] ?? []).map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) continue;
    const nodes: QueryNode[] = values.map((value) => (/[*?]/.test(value) ? { kind: 'wildcard', field, pattern: value } : { kind: 'term', field, value }));
    parts.push(nodes.length === 1 ? nodes[0] : { kind: 'or', children: nodes });
  }
  if (parts.length === 0) return '';
  if (parts.length === 1 && parts[0] === parsed) return query;
  return formatQuery(parts.length === 1 ? parts[0] : { kind: 'and', children: parts });
}
