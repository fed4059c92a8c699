import type { LogEvent } from '@millrace/log-schema';
import { analyze, analyzeLowerCased, compileWildcard, longestLiteral, lowerCase } from './analysis';
import { fieldClass, parsedFieldPath, type FieldName, type QueryNode, type RangeBound } from './ast';
import { parseDoubleAsOpenSearch, parseTimestampLiteral } from './values';

/** What the matcher reads of an event. */
export type MatchableEvent = Pick<LogEvent, 'app' | 'host' | 'level' | 'message' | 'tags' | 'fields' | 'source' | 'ts'>;

export type EventMatcher = (event: MatchableEvent) => boolean;

/** The `ignore_above` of the keyword template under `fields`: longer strings are not indexed. */
export const KEYWORD_IGNORE_ABOVE = 1024;

/**
 * Compile a query into a predicate over events, with the semantics of the OpenSearch DSL
 * `toOpenSearch` produces for the same query against the documents the indexer writes. All
 * the work that does not depend on the event (analysis of query text, wildcard compilation,
 * number parsing, field paths) happens here, once.
 */
export function compileMatcher(node: QueryNode): EventMatcher {
  return compile(node, new MessageCache());
}

/**
 * The lower-cased message and its tokens, computed at most once per event however many
 * clauses look at the message (and not at all when no clause does).
 */
class MessageCache {
  private message: string | undefined;
  private lowered = '';
  private tokenList: string[] | undefined;

  lower(message: string): string {
    if (message !== this.message) {
      this.message = message;
      this.lowered = lowerCase(message);
      this.tokenList = undefined;
    }
    return this.lowered;
  }

  tokens(message: string): string[] {
    const lowered = this.lower(message);
    return (this.tokenList ??= analyzeLowerCased(lowered));
  }
}

function compile(node: QueryNode, cache: MessageCache): EventMatcher {
  switch (node.kind) {
    case 'all':
      return () => true;
    case 'and':
      return every(node.children.map((child) => compile(child, cache)));
    case 'or':
      return some(node.children.map((child) => compile(child, cache)));
    case 'not': {
      const child = compile(node.child, cache);
      return (event) => !child(event);
    }
    case 'text':
      return matchText(node.text, cache);
    case 'phrase':
      return matchPhrase(node.text, cache);
    case 'term':
      return matchTerm(node.field, node.value, cache);
    case 'wildcard':
      return matchWildcard(node.field, node.pattern, cache);
    case 'exists':
      return matchExists(node.field);
    case 'range':
      return matchRange(node.field, node.lower, node.upper);
  }
}

// Unrolled for the common small arities: one closure call per clause, no loop set-up.
function every(matchers: EventMatcher[]): EventMatcher {
  const [a, b, c] = matchers;
  switch (matchers.length) {
    case 0: return () => true;
    case 1: return a;
    case 2: return (event) => a(event) && b(event);
    case 3: return (event) => a(event) && b(event) && c(event);
    default: return (event) => {
      for (let i = 0; i < matchers.length; i++) if (!matchers[i](event)) return false;
      return true;
    };
  }
}

function some(matchers: EventMatcher[]): EventMatcher {
  const [a, b, c] = matchers;
  switch (matchers.length) {
    case 0: return () => false;
    case 1: return a;
    case 2: return (event) => a(event) || b(event);
    case 3: return (event) => a(event) || b(event) || c(event);
    default: return (event) => {
      for (let i = 0; i < matchers.length; i++) if (matchers[i](event)) return true;
      return false;
    };
  }
}

// --- The message (analysed text) -------------------------------------------------------------

/** `match` with operator `and`: every query token is a message token. */
function matchText(text: string, cache: MessageCache): EventMatcher {
  const wanted = analyze(text);
  // OpenSearch: zero_terms_query "none".
  if (wanted.length === 0) return () => false;
  return (event) => {
    // Tokens are substrings of the lower-cased message: most events fail here, untokenised.
    const lowered = cache.lower(event.message);
    for (const token of wanted) if (!lowered.includes(token)) return false;
    const tokens = cache.tokens(event.message);
    for (const token of wanted) if (!tokens.includes(token)) return false;
    return true;
  };
}

/** `match_phrase`: the query tokens appear consecutively. */
function matchPhrase(text: string, cache: MessageCache): EventMatcher {
  const wanted = analyze(text);
  if (wanted.length === 0) return () => false;
  if (wanted.length === 1) return matchText(text, cache);
  return (event) => {
    const lowered = cache.lower(event.message);
    for (const token of wanted) if (!lowered.includes(token)) return false;
    const tokens = cache.tokens(event.message);
    const last = tokens.length - wanted.length;
    for (let start = 0; start <= last; start++) {
      let k = 0;
      while (k < wanted.length && tokens[start + k] === wanted[k]) k++;
      if (k === wanted.length) return true;
    }
    return false;
  };
}

/** `wildcard` with case_insensitive on the text field: some token matches the pattern. */
function matchMessageWildcard(pattern: string, cache: MessageCache): EventMatcher {
  const lowered = lowerCase(pattern);
  const matches = compileWildcard(lowered);
  const literal = longestLiteral(lowered);
  return (event) => {
    if (literal !== '' && !cache.lower(event.message).includes(literal)) return false;
    const tokens = cache.tokens(event.message);
    for (let i = 0; i < tokens.length; i++) if (matches(tokens[i])) return true;
    return false;
  };
}

// --- Clauses by field class -----------------------------------------------------------------

function matchTerm(field: FieldName, value: string, cache: MessageCache): EventMatcher {
  switch (fieldClass(field)) {
    case 'keyword': {
      const read = keywordReader(field);
      return (event) => read(event) === value;
    }
    case 'level': {
      // Stored lower-case by the indexer; events may still carry the shipper's spelling.
      const wanted = lowerCase(value);
      return (event) => {
        const level = event.level;
        // Lower-casing keeps the length here (see lowerCase), so most mismatches cost nothing.
        return typeof level === 'string'
          && (level === wanted || (level.length === wanted.length && lowerCase(level) === wanted));
      };
    }
    case 'tags':
      return (event) => event.tags.includes(value);
    case 'text':
      return matchText(value, cache);
    case 'date': {
      const ms = parseTimestampLiteral(value);
      if (ms === undefined) throw new TypeError(`Not a timestamp: ${value}`);
      return matchRange(field, { value: ms, inclusive: true }, { value: ms, inclusive: true });
    }
    case 'dynamic':
      return anyLeaf(field, dynamicTermTest(value));
  }
}

/**
 * A parsed field holds a keyword (string, or boolean as "true"/"false") or a double. The
 * DSL sends a lenient `match`, which is an exact term on a keyword field and a numeric term
 * (with Java's reading of the number) on a double field.
 */
function dynamicTermTest(value: string): LeafTest {
  const number = parseDoubleAsOpenSearch(value);
  // JSON has no -0 (the indexer's JSON.stringify writes 0), so a -0 query finds nothing.
  const numberMatches = number !== undefined && !Object.is(number, -0);
  return (leaf) => {
    if (typeof leaf === 'string') return leaf === value && leaf.length <= KEYWORD_IGNORE_ABOVE;
    if (typeof leaf === 'number') return numberMatches && leaf === number;
    return (leaf ? 'true' : 'false') === value;
  };
}

function matchWildcard(field: FieldName, pattern: string, cache: MessageCache): EventMatcher {
  switch (fieldClass(field)) {
    case 'keyword': {
      const read = keywordReader(field);
      const matches = compileWildcard(pattern);
      return (event) => matches(read(event));
    }
    case 'level': {
      const matches = compileWildcard(lowerCase(pattern));
      return (event) => typeof event.level === 'string' && matches(lowerCase(event.level));
    }
    case 'tags': {
      const matches = compileWildcard(pattern);
      return (event) => event.tags.some(matches);
    }
    case 'text':
      return matchMessageWildcard(pattern, cache);
    case 'date':
      throw new TypeError('Wildcards do not apply to ts');
    case 'dynamic': {
      const matches = compileWildcard(pattern);
      // Only keyword values: numbers are doubles in the index (see the README on mappings).
      return anyLeaf(field, (leaf) => typeof leaf === 'string'
        ? leaf.length <= KEYWORD_IGNORE_ABOVE && matches(leaf)
        : typeof leaf === 'boolean' && matches(leaf ? 'true' : 'false'));
    }
  }
}

function matchExists(field: FieldName): EventMatcher {
  switch (fieldClass(field)) {
    case 'keyword': {
      const read = keywordReader(field);
      return (event) => typeof read(event) === 'string';
    }
    case 'level':
      return (event) => typeof event.level === 'string';
    case 'tags':
      return (event) => event.tags.length > 0;
    // An empty string still "exists" for OpenSearch (only null, [] and ignored values do not).
    case 'text':
      return (event) => typeof event.message === 'string';
    case 'date':
      return (event) => typeof event.ts === 'number';
    case 'dynamic':
      return anyLeaf(field, (leaf) => typeof leaf !== 'string' || leaf.length <= KEYWORD_IGNORE_ABOVE, true);
  }
}

function matchRange(field: FieldName, lower: RangeBound | undefined, upper: RangeBound | undefined): EventMatcher {
  const inRange = rangeTest(lower, upper);
  switch (fieldClass(field)) {
    case 'date':
      return (event) => inRange(event.ts);
    case 'dynamic':
      // A range on a double field compares numbers; strings are keyword values elsewhere.
      return anyLeaf(field, (leaf) => typeof leaf === 'number' && inRange(leaf));
    default:
      throw new TypeError(`Ranges do not apply to ${field}`);
  }
}

function rangeTest(lower: RangeBound | undefined, upper: RangeBound | undefined): (value: number) => boolean {
  const low = lower?.value ?? -Infinity;
  const high = upper?.value ?? Infinity;
  const lowInclusive = lower?.inclusive ?? true;
  const highInclusive = upper?.inclusive ?? true;
  if (lowInclusive && highInclusive) return (value) => value >= low && value <= high;
  if (lowInclusive) return (value) => value >= low && value < high;
  if (highInclusive) return (value) => value > low && value <= high;
  return (value) => value > low && value < high;
}

function keywordReader(field: FieldName): (event: MatchableEvent) => string {
  switch (field) {
    case 'app': return (event) => event.app;
    case 'host': return (event) => event.host;
    default: return (event) => event.source;
  }
}

// --- Parsed fields --------------------------------------------------------------------------

/** A test on one scalar value (string, number or boolean) of a parsed field. */
type LeafTest = (leaf: string | number | boolean) => boolean;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * "Some value at this path passes the test", as OpenSearch sees an object: arrays are
 * flattened (a clause matches if any element does), null is no value, and a dotted key is
 * the same path as nested objects (`{"a.b": 1}` and `{"a": {"b": 1}}` are both `a.b`).
 * With `objects`, an object at the path counts if any value below it does (that is what
 * `exists` means for an object field).
 */
function anyLeaf(field: FieldName, test: LeafTest, objects = false): EventMatcher {
  const segments = parsedFieldPath(field);
  const n = segments.length;
  // keys[i][j]: segments i..j-1 joined, every way a dotted key can spell part of the path.
  const keys = segments.map((_, i) => segments.map((__, j) => segments.slice(i, j + 1).join('.')));

  const leaf = (value: unknown): boolean => {
    if (value === null || value === undefined) return false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (leaf(value[i])) return true;
      return false;
    }
    switch (typeof value) {
      case 'string': case 'number': case 'boolean': return test(value);
      case 'object': return objects && hasValueBelow(value as Record<string, unknown>);
      default: return false;
    }
  };

  const hasValueBelow = (object: Record<string, unknown>): boolean => {
    for (const key in object) if (hasOwn.call(object, key) && leaf(object[key])) return true;
    return false;
  };

  const walk = (value: unknown, i: number): boolean => {
    if (Array.isArray(value)) {
      for (let k = 0; k < value.length; k++) if (walk(value[k], i)) return true;
      return false;
    }
    if (value === null || typeof value !== 'object') return false;
    const object = value as Record<string, unknown>;
    for (let j = i; j < n; j++) {
      const key = keys[i][j];
      if (!hasOwn.call(object, key)) continue;
      if (j === n - 1 ? leaf(object[key]) : walk(object[key], j + 1)) return true;
    }
    return false;
  };

  if (n === 1) {
    const key = segments[0];
    return (event) => {
      const fields = event.fields;
      const value = fields[key];
      // Fast path: a scalar can only come from an own property of a plain object.
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return test(value);
      return value !== undefined && value !== null && hasOwn.call(fields, key) && leaf(value);
    };
  }
  return (event) => walk(event.fields, 0);
}
