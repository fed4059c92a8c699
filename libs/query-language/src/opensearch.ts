import { lowerCase } from './analysis';
import { documentPath, fieldClass, type FieldName, type QueryNode, type RangeBound } from './ast';
import { parseTimestampLiteral } from './values';

/** An OpenSearch query DSL object (the value of a search body's `query`). */
export type OpenSearchQuery = Record<string, unknown>;

/**
 * Translate a query into OpenSearch DSL for the document layout the indexer writes. Every
 * clause is a filter (no scoring): put the result in a `bool.filter` beside the tenant
 * filter. Built from bool, term, match, match_phrase, wildcard, exists, range and match_all;
 * never query_string, so user text is never parsed a second time by OpenSearch.
 */
export function toOpenSearch(node: QueryNode): OpenSearchQuery {
  switch (node.kind) {
    case 'all':
      return { match_all: {} };
    case 'and':
      return conjunction(node.children);
    case 'or':
      return { bool: { should: node.children.map(toOpenSearch), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [toOpenSearch(node.child)] } };
    case 'text':
      return matchMessage(node.text);
    case 'phrase':
      return { match_phrase: { message: { query: node.text } } };
    case 'term':
      return term(node.field, node.value);
    case 'wildcard':
      return wildcard(node.field, node.pattern);
    case 'exists':
      return { exists: { field: documentPath(node.field) } };
    case 'range':
      return range(node.field, node.lower, node.upper);
  }
}

/** AND: positive clauses in `filter`, negated ones in `must_not` of the same bool. */
function conjunction(children: QueryNode[]): OpenSearchQuery {
  const filter: OpenSearchQuery[] = [];
  const mustNot: OpenSearchQuery[] = [];
  for (const child of children) {
    if (child.kind === 'all') continue;
    if (child.kind === 'not') mustNot.push(toOpenSearch(child.child));
    else filter.push(toOpenSearch(child));
  }
  if (filter.length === 0 && mustNot.length === 0) return { match_all: {} };
  const bool: Record<string, unknown> = {};
  if (filter.length > 0) bool.filter = filter;
  if (mustNot.length > 0) bool.must_not = mustNot;
  return { bool };
}

/** Free text: the standard analyzer tokenises the query; every token must be present. */
function matchMessage(text: string): OpenSearchQuery {
  return { match: { message: { query: text, operator: 'and', zero_terms_query: 'none' } } };
}

function term(field: FieldName, value: string): OpenSearchQuery {
  const path = documentPath(field);
  switch (fieldClass(field)) {
    case 'keyword':
    case 'tags':
      return { term: { [path]: value } };
    case 'level':
      return { term: { [path]: lowerCase(value) } };
    case 'text':
      return matchMessage(value);
    case 'date': {
      const ms = parseTimestampLiteral(value);
      if (ms === undefined) throw new TypeError(`Not a timestamp: ${value}`);
      return range(field, { value: ms, inclusive: true }, { value: ms, inclusive: true });
    }
    case 'dynamic':
      // A parsed field is keyword or double depending on the index. `match` becomes an exact
      // term on a keyword and a numeric term on a double; `lenient` turns "not a number"
      // on a double into no match instead of a failed shard (a `term` would fail it).
      return { match: { [path]: { query: value, lenient: true } } };
  }
}

function wildcard(field: FieldName, pattern: string): OpenSearchQuery {
  const path = documentPath(field);
  switch (fieldClass(field)) {
    case 'text':
      // On an analysed field a wildcard matches single tokens, which are lower-case.
      return { wildcard: { [path]: { value: lowerCase(pattern), case_insensitive: true } } };
    case 'level':
      return { wildcard: { [path]: { value: lowerCase(pattern) } } };
    case 'date':
      throw new TypeError('Wildcards do not apply to ts');
    default:
      return { wildcard: { [path]: { value: pattern } } };
  }
}

function range(field: FieldName, lower: RangeBound | undefined, upper: RangeBound | undefined): OpenSearchQuery {
  const cls = fieldClass(field);
  if (cls !== 'date' && cls !== 'dynamic') throw new TypeError(`Ranges do not apply to ${field}`);
  const bounds: Record<string, unknown> = {};
  if (lower !== undefined) bounds[lower.inclusive ? 'gte' : 'gt'] = lower.value;
  if (upper !== undefined) bounds[upper.inclusive ? 'lte' : 'lt'] = upper.value;
  // Numbers are epoch milliseconds, whatever the field's date format says.
  if (cls === 'date') bounds.format = 'epoch_millis';
  return { range: { [documentPath(field)]: bounds } };
}
