import fc from 'fast-check';
import { analyze } from './analysis';
import { QuerySyntaxError } from './errors';
import { formatQuery } from './format';
import { compileMatcher, type MatchableEvent } from './matcher';
import { toOpenSearch, type OpenSearchQuery } from './opensearch';
import { MAX_QUERY_LENGTH, parseQuery } from './parser';
import { matchableEventArbitrary, queryArbitrary } from './testing';

/** Strings built from the grammar's own pieces reach far more parser states than noise. */
const querySoup = fc.array(fc.constantFrom(
  'a', 'Tim', '5', ' ', ' ', '(', ')', '"', ':', '*', '?', '-', '\\', '[', ']', '{', '}', '>', '<', '=', '.',
  'AND', 'OR', 'NOT', 'TO', ' AND ', ' OR ', 'x:', 'ts:', 'level:', 'msg:', '2024-01-01', '1e3', '\t', 'é', '😀',
), { maxLength: 30 }).map((pieces) => pieces.join(''));

describe('properties: parsing', () => {
  it('throws nothing but QuerySyntaxError, and whatever parses also compiles and prints', () => {
    fc.assert(fc.property(fc.oneof(querySoup, fc.string(), fc.fullUnicodeString()), (text) => {
      let node;
      try {
        node = parseQuery(text);
      } catch (error) {
        expect(error).toBeInstanceOf(QuerySyntaxError);
        const { position } = error as QuerySyntaxError;
        expect(position).toBeGreaterThanOrEqual(0);
        expect(position).toBeLessThanOrEqual(text.length);
        return;
      }
      compileMatcher(node);
      toOpenSearch(node);
      const printed = formatQuery(node);
      if (printed.length <= MAX_QUERY_LENGTH) expect(parseQuery(printed)).toEqual(node);
    }), { numRuns: 5000 });
  });

  it('round-trips generated trees through formatQuery and parseQuery', () => {
    const trees = fc.oneof(queryArbitrary(fc), queryArbitrary(fc, { anyStrings: true, maxDepth: 4 }));
    fc.assert(fc.property(trees, (node) => {
      const printed = formatQuery(node);
      fc.pre(printed.length <= MAX_QUERY_LENGTH);
      expect(parseQuery(printed)).toEqual(node);
    }), { numRuns: 3000 });
  });
});

describe('properties: the matcher agrees with the DSL', () => {
  // A model of what OpenSearch does with the DSL against the document the indexer writes,
  // written independently of the matcher (it shares only the analyzer, tested on its own
  // against Lucene). It checks the DSL's structure and field mapping, clause by clause.
  it('on generated queries and events', () => {
    fc.assert(fc.property(queryArbitrary(fc, { maxDepth: 4 }), matchableEventArbitrary(fc), (node, event) => {
      const expected = evaluate(toOpenSearch(node), indexEvent(event));
      expect(compileMatcher(node)(event)).toBe(expected);
    }), { numRuns: 2000 });
  });

  it('on hand-picked cases', () => {
    const event: MatchableEvent = {
      app: 'web', host: 'h', level: 'ERROR', message: "GET /a.b user42 don't", tags: [], source: 'otlp', ts: 5,
      fields: { n: [1, 2], s: 'x'.repeat(1100), o: { p: null }, 'q.r': true },
    };
    for (const query of ['level:error', 'tag:*', 'n:2', 'n:[2 TO 3}', 's:*', 'o:*', 'q:*', 'q.r:true', 'a.b', 'don*', '"a.b user42"', 'ts:5']) {
      const node = parseQuery(query);
      expect([query, compileMatcher(node)(event)]).toEqual([query, evaluate(toOpenSearch(node), indexEvent(event))]);
    }
  });
});

// --- A model of OpenSearch --------------------------------------------------------------------

type Mapping = 'keyword' | 'double' | 'text' | 'date';

interface IndexedDoc {
  values: Map<string, (string | number)[]>;
  mappings: Map<string, Mapping>;
  objects: Set<string>;
  tokens: string[];
}

function indexEvent(event: MatchableEvent): IndexedDoc {
  // The indexer sends JSON: what JSON cannot say (-0) does not reach the index.
  const e = JSON.parse(JSON.stringify(event)) as MatchableEvent;
  const doc: IndexedDoc = { values: new Map(), mappings: new Map(), objects: new Set(), tokens: analyze(e.message) };
  const add = (path: string, mapping: Mapping, value: string | number): void => {
    doc.mappings.set(path, doc.mappings.get(path) ?? mapping);
    doc.values.set(path, [...(doc.values.get(path) ?? []), value]);
  };
  add('@timestamp', 'date', e.ts);
  add('app', 'keyword', e.app);
  add('host', 'keyword', e.host);
  add('source', 'keyword', e.source);
  if (e.level !== undefined) add('level', 'keyword', e.level.toLowerCase());
  for (const tag of e.tags) add('tags', 'keyword', tag);
  add('message', 'text', e.message);
  const walk = (path: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) value.forEach((item) => walk(path, item));
    else if (typeof value === 'object') {
      doc.objects.add(path);
      for (const [key, inner] of Object.entries(value)) walk(`${path}.${key}`, inner);
    } else if (typeof value === 'number') add(path, 'double', value);
    else if (typeof value === 'boolean') add(path, 'keyword', String(value));
    else if (typeof value === 'string' && value.length <= 1024) add(path, 'keyword', value); // ignore_above
    else if (typeof value === 'string') doc.mappings.set(path, doc.mappings.get(path) ?? 'keyword');
  };
  walk('fields', e.fields);
  return doc;
}

/** Java's Double.parseDouble for the spellings the vocabulary uses. */
function javaDouble(text: string): number | undefined {
  const m = /^[\s]*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[dDfF]?[\s]*$/.exec(text);
  return m === null ? undefined : Number(m[1]);
}

function globRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) source += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
}

function single(object: Record<string, unknown>): [string, Record<string, unknown>] {
  const entries = Object.entries(object);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, Record<string, unknown>];
}

function evaluate(query: OpenSearchQuery, doc: IndexedDoc): boolean {
  const [type, body] = single(query);
  switch (type) {
    case 'match_all':
      return true;
    case 'bool': {
      const { filter = [], must_not: mustNot = [], should, minimum_should_match: msm, ...rest } = body as Record<string, OpenSearchQuery[] | number>;
      expect(rest).toEqual({});
      const clauses = (list: unknown) => list as OpenSearchQuery[];
      if (!clauses(filter).every((q) => evaluate(q, doc))) return false;
      if (clauses(mustNot).some((q) => evaluate(q, doc))) return false;
      if (should === undefined) return true;
      expect(msm).toBe(1);
      return clauses(should).some((q) => evaluate(q, doc));
    }
    case 'term': {
      const [path, value] = single(body) as unknown as [string, string];
      expect(doc.mappings.get(path) ?? 'keyword').toBe('keyword');
      return (doc.values.get(path) ?? []).includes(value);
    }
    case 'match': {
      const [path, options] = single(body);
      if (path === 'message') {
        expect(options).toEqual({ query: options.query, operator: 'and', zero_terms_query: 'none' });
        const wanted = analyze(options.query as string);
        return wanted.length > 0 && wanted.every((token) => doc.tokens.includes(token));
      }
      expect(options).toEqual({ query: options.query, lenient: true });
      const values = doc.values.get(path) ?? [];
      if (doc.mappings.get(path) === 'double') {
        const number = javaDouble(options.query as string);
        return number !== undefined && values.some((v) => Object.is(v, number));
      }
      return values.includes(options.query as string);
    }
    case 'match_phrase': {
      const [path, options] = single(body);
      expect(path).toBe('message');
      const wanted = analyze(options.query as string);
      if (wanted.length === 0) return false;
      return doc.tokens.some((_, i) => wanted.every((token, k) => doc.tokens[i + k] === token));
    }
    case 'wildcard': {
      const [path, options] = single(body);
      const mapping = doc.mappings.get(path);
      if (mapping === 'double') throw new Error(`wildcard on the double field ${path} fails the shard`);
      const re = globRegExp(options.value as string, options.case_insensitive === true);
      const candidates = mapping === 'text' ? doc.tokens : doc.values.get(path) ?? [];
      return candidates.some((v) => re.test(String(v)));
    }
    case 'exists': {
      const path = (body as { field: string }).field;
      if (doc.values.has(path)) return true;
      return doc.objects.has(path) && [...doc.values.keys()].some((key) => key.startsWith(`${path}.`));
    }
    case 'range': {
      const [path, bounds] = single(body);
      const mapping = doc.mappings.get(path);
      if (mapping === undefined) return false;
      const { gt, gte, lt, lte, format, ...rest } = bounds as Record<string, number | string | undefined>;
      expect(rest).toEqual({});
      expect(format).toBe(mapping === 'date' ? 'epoch_millis' : undefined);
      expect(mapping === 'double' || mapping === 'date').toBe(true);
      return (doc.values.get(path) ?? []).some((value) => typeof value === 'number'
        && (gt === undefined || value > (gt as number)) && (gte === undefined || value >= (gte as number))
        && (lt === undefined || value < (lt as number)) && (lte === undefined || value <= (lte as number)));
    }
    default:
      throw new Error(`unexpected DSL clause ${type}`);
  }
}
