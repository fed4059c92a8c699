export { parseQuery, MAX_QUERY_LENGTH, MAX_NESTING_DEPTH } from './parser';
export { formatQuery } from './format';
export { toOpenSearch } from './opensearch';
export type { OpenSearchQuery } from './opensearch';
export { compileMatcher, KEYWORD_IGNORE_ABOVE } from './matcher';
export type { MatchableEvent, EventMatcher } from './matcher';
export { QuerySyntaxError, describeQueryError } from './errors';
export { RESERVED_FIELDS, resolveFieldName, fieldClass, documentPath } from './ast';
export type {
  QueryNode, AllNode, AndNode, OrNode, NotNode, TextNode, PhraseNode, TermNode, WildcardNode, ExistsNode,
  RangeNode, RangeBound, FieldName, ReservedField, FieldClass,
} from './ast';
export { analyze, compileWildcard, MAX_TOKEN_LENGTH } from './analysis';
export { queryArbitrary, matchableEventArbitrary } from './testing';
export type { QueryArbitraryOptions } from './testing';
