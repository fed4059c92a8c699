/**
 * fast-check arbitraries for property and differential tests (for example the matcher
 * against a real OpenSearch). fast-check is passed in, so the library has no runtime
 * dependency on it.
 *
 * The default vocabulary is small so that matches are common, and each parsed field keeps
 * one JSON type across events (a field that is a number in one event and a string in
 * another gets one mapping per index in OpenSearch; see the README on mapping conflicts).
 */
import type * as FastCheck from 'fast-check';
import type { Protocol } from '@millrace/log-schema';
import type { FieldName, QueryNode, RangeBound } from './ast';
import type { MatchableEvent } from './matcher';

/** The part of fast-check used here: works with `import fc from` and `import * as fc from`. */
type Fc = Pick<typeof FastCheck,
  'array' | 'boolean' | 'constant' | 'constantFrom' | 'double' | 'fullUnicodeString' | 'integer' | 'letrec'
  | 'oneof' | 'option' | 'record' | 'stringOf' | 'subarray' | 'tuple'>;
type Arbitrary<T> = FastCheck.Arbitrary<T>;

export interface QueryArbitraryOptions {
  /** Nesting depth of AND/OR/NOT (default 3). */
  maxDepth?: number;
  /**
   * Arbitrary strings (structure characters, keywords, any Unicode) for text, values, field
   * names and patterns instead of the vocabulary: for testing the printer and the parser,
   * not for finding matches.
   */
  anyStrings?: boolean;
}

const APPS = ['web', 'api', 'worker', 'Web'];
const HOSTS = ['web-1', 'web-2', 'db-1', 'db.internal'];
const LEVELS = ['info', 'warn', 'error', 'debug'];
const TAGS = ['prod', 'staging', 'k8s', 'Canary'];
const SOURCES: Protocol[] = ['http-json', 'syslog', 'otlp'];
const WORDS = [
  'timeout', 'connection', 'reset', 'error', 'Error', 'GET', 'POST', 'user', 'foo_bar', 'v1.2.3',
  'user42', "don't", 'a.b', 'key:value', 'retrying', '500', '404', 'übermäßig', '東京', '127.0.0.1', 'ok',
];
const SEPARATORS = [' ', ' ', ' ', ', ', '. ', ': ', ' - ', '/', '=', '.', '_', '(', ') ', '"', ':'];
const TS_BASE = 1_700_000_000_000;
const TS_SPAN = 10 * 24 * 3600 * 1000;

/** Values a query may look for in each parsed field of the vocabulary. */
const FIELD_VALUES: Record<string, string[]> = {
  status: ['500', '404', '200', '500.0', '5e2', ' 500', '500d', 'abc', '-0'],
  code: ['E1', 'e1', 'E2', '500', 'E10'],
  latency: ['12', '250.25', '0.5', '-3'],
  ok: ['true', 'false', 'True'],
  'http.status': ['500', '404', '200'],
  'http.method': ['GET', 'POST', 'get'],
  'user.id': ['u1', 'U1', 'u2'],
  ids: ['1', '2', '3'],
  'items.name': ['a', 'b', 'c'],
  note: ['short', ''],
  empty: [''],
  missing: ['x'],
  level: ['error'],
};
/** Ranges only on numeric (or absent) fields: a range on a keyword compares text in OpenSearch. */
const NUMERIC_FIELDS = ['status', 'latency', 'http.status', 'ids', 'missing'];
const NUMBERS = [-5, -0.5, 0, 0.5, 12, 200, 250.25, 404, 500, 503, 1000];

export function queryArbitrary(fc: Fc, options: QueryArbitraryOptions = {}): Arbitrary<QueryNode> {
  const leaf = options.anyStrings ? anyStringLeaf(fc) : vocabularyLeaf(fc);
  const maxDepth = options.maxDepth ?? 3;
  const { node } = fc.letrec<{ node: QueryNode; and: QueryNode; or: QueryNode; not: QueryNode }>((tie) => ({
    node: fc.oneof({ maxDepth, depthSize: 'small' }, leaf, tie('and'), tie('or'), tie('not')),
    and: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): QueryNode => ({ kind: 'and', children })),
    or: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((children): QueryNode => ({ kind: 'or', children })),
    not: tie('node').map((child): QueryNode => ({ kind: 'not', child })),
  }));
  return node;
}

function vocabularyLeaf(fc: Fc): Arbitrary<QueryNode> {
  const word = fc.constantFrom(...WORDS);
  const parsedField = fc.constantFrom(...Object.keys(FIELD_VALUES));
  const anyField = fc.oneof(
    fc.constantFrom<FieldName>('app', 'host', 'level', 'tag', 'source', 'message', 'ts'),
    parsedField.map((name): FieldName => `fields.${name}`),
  );
  const bound = (values: Arbitrary<number>): Arbitrary<RangeBound | undefined> =>
    fc.option(fc.record({ value: values, inclusive: fc.boolean() }), { nil: undefined });
  const range = (field: FieldName, values: Arbitrary<number>): Arbitrary<QueryNode> =>
    fc.tuple(bound(values), bound(values))
      .filter(([lower, upper]) => lower !== undefined || upper !== undefined)
      .map(([lower, upper]) => rangeNode(field, lower, upper));

  return fc.oneof(
    fc.constant<QueryNode>({ kind: 'all' }),
    fc.oneof(word, fc.tuple(word, word).map(([a, b]) => `${a}-${b}`)).map((text): QueryNode => ({ kind: 'text', text })),
    fc.array(word, { minLength: 1, maxLength: 3 }).map((words): QueryNode => ({ kind: 'phrase', text: words.join(' ') })),
    fc.constantFrom('tim*', '*out', 'conn?ction', 'u*r4?', 'v1.*', 'do*t', '東*', 'GET*', 'a.?', '*:*e', '\\**')
      .map((pattern): QueryNode => ({ kind: 'wildcard', field: 'message', pattern })),
    fc.constantFrom(...APPS, 'nope').map((value): QueryNode => ({ kind: 'term', field: 'app', value })),
    fc.constantFrom(...HOSTS).map((value): QueryNode => ({ kind: 'term', field: 'host', value })),
    fc.constantFrom(...LEVELS, 'ERROR', 'Warn').map((value): QueryNode => ({ kind: 'term', field: 'level', value })),
    fc.constantFrom(...TAGS, 'canary').map((value): QueryNode => ({ kind: 'term', field: 'tag', value })),
    fc.constantFrom(...SOURCES).map((value): QueryNode => ({ kind: 'term', field: 'source', value })),
    parsedField.chain((name) => fc.constantFrom(...FIELD_VALUES[name])
      .map((value): QueryNode => ({ kind: 'term', field: `fields.${name}`, value }))),
    fc.constantFrom<[FieldName, string]>(
      ['app', 'w*'], ['host', 'web-?'], ['host', 'db*'], ['tag', '*a*'], ['level', 'E*'], ['source', '*p*'],
      ['fields.code', 'E*'], ['fields.user.id', 'u*'], ['fields.http.method', 'G?T'], ['fields.note', 's*'],
      ['fields.ok', 't*'], ['fields.items.name', '?'],
    ).map(([field, pattern]): QueryNode => ({ kind: 'wildcard', field, pattern })),
    anyField.map((field): QueryNode => ({ kind: 'exists', field })),
    fc.constantFrom(...NUMERIC_FIELDS).chain((name) => range(`fields.${name}`, fc.constantFrom(...NUMBERS))),
    range('ts', fc.integer({ min: TS_BASE - 1000, max: TS_BASE + TS_SPAN + 1000 })),
  );
}

/** Strings that stress the printer: structure characters, keywords, escapes, any Unicode. */
function nastyString(fc: Fc, minLength: number): Arbitrary<string> {
  const pieces = fc.constantFrom(
    'a', 'Z', '0', '5', ' ', '\\', '"', '(', ')', ':', '*', '?', '-', '[', ']', '{', '}', '<', '>', '=',
    'AND', 'OR', 'NOT', 'TO', '\t', '\n', '\u00a0', 'é', '😀', '.',
  );
  return fc.oneof(
    fc.stringOf(pieces, { minLength, maxLength: 6 }),
    fc.fullUnicodeString({ minLength, maxLength: 6 }),
    fc.constantFrom('AND', 'OR', 'NOT', 'TO', '-a', '>5', '<=5', '*', '\\', '"'),
  );
}

function anyStringLeaf(fc: Fc): Arbitrary<QueryNode> {
  const segment = nastyString(fc, 1).filter((s) => !s.includes('.'));
  const parsedField = fc.array(segment, { minLength: 1, maxLength: 3 })
    .map((segments): FieldName => `fields.${segments.join('.')}`);
  const termField = fc.oneof(fc.constantFrom<FieldName>('app', 'host', 'level', 'tag', 'source'), parsedField);
  const anyField = fc.oneof(termField, fc.constantFrom<FieldName>('message', 'ts'));
  const patternLiteral = nastyString(fc, 1).map((s) => s.replace(/[*?\\]/g, (ch) => `\\${ch}`));
  const pattern = fc.array(fc.oneof(patternLiteral, fc.constantFrom('*', '?')), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join(''))
    .filter((p) => /(^|[^\\])(\\\\)*[*?]/.test(p) && !/^\*+$/.test(p));
  const bound = (values: Arbitrary<number>): Arbitrary<RangeBound | undefined> =>
    fc.option(fc.record({ value: values, inclusive: fc.boolean() }), { nil: undefined });
  const doubles = fc.double({ noNaN: true, noDefaultInfinity: true });

  return fc.oneof(
    nastyString(fc, 1).map((text): QueryNode => ({ kind: 'text', text })),
    nastyString(fc, 0).map((text): QueryNode => ({ kind: 'phrase', text })),
    fc.tuple(termField, nastyString(fc, 0)).map(([field, value]): QueryNode => ({ kind: 'term', field, value })),
    fc.tuple(fc.oneof(termField, fc.constant<FieldName>('message')), pattern)
      .map(([field, p]): QueryNode => ({ kind: 'wildcard', field, pattern: p })),
    anyField.map((field): QueryNode => ({ kind: 'exists', field })),
    fc.tuple(parsedField, bound(doubles), bound(doubles))
      .filter(([, lower, upper]) => lower !== undefined || upper !== undefined)
      .map(([field, lower, upper]) => rangeNode(field, lower, upper)),
    fc.tuple(bound(fc.integer()), bound(fc.integer()))
      .filter(([lower, upper]) => lower !== undefined || upper !== undefined)
      .map(([lower, upper]) => rangeNode('ts', lower, upper)),
  );
}

function rangeNode(field: FieldName, lower: RangeBound | undefined, upper: RangeBound | undefined): QueryNode {
  const node: QueryNode = { kind: 'range', field };
  if (lower !== undefined) node.lower = lower;
  if (upper !== undefined) node.upper = upper;
  return node;
}

/** Events over the same vocabulary as `queryArbitrary`. */
export function matchableEventArbitrary(fc: Fc): Arbitrary<MatchableEvent> {
  const message = fc.array(fc.tuple(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { minLength: 0, maxLength: 8 })
    .map((parts) => parts.map(([word, separator]) => word + separator).join('').trim());
  const nested = <T>(value: Arbitrary<T>, outer: string, inner: string): Arbitrary<Record<string, unknown>> =>
    fc.tuple(value, fc.boolean()).map(([v, dotted]) => (dotted ? { [`${outer}.${inner}`]: v } : { [outer]: { [inner]: v } }));
  const optional = <T>(arb: Arbitrary<T>): Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });

  const fields = fc.record({
    status: optional(fc.constantFrom(200, 201, 404, 500, 503)),
    code: optional(fc.constantFrom('E1', 'E2', 'e1', '500', 'E10')),
    latency: optional(fc.constantFrom(0.5, 12, 250.25, 1000, -3)),
    ok: optional(fc.boolean()),
    http: optional(fc.tuple(nested(fc.constantFrom(200, 404, 500), 'http', 'status'), nested(fc.constantFrom('GET', 'POST'), 'http', 'method'))),
    user: optional(nested(fc.constantFrom('u1', 'u2', 'U1'), 'user', 'id')),
    ids: optional(fc.subarray([1, 2, 3])),
    items: optional(fc.subarray([{ name: 'a' }, { name: 'b' }, { name: null }])),
    note: optional(fc.constantFrom('short', 'x'.repeat(1100), '')),
    empty: optional(fc.constantFrom('', null)),
  }).map((generated) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(generated)) {
      if (value === undefined) continue;
      if (key === 'http') for (const part of value as Record<string, unknown>[]) mergeInto(out, part);
      else if (key === 'user') mergeInto(out, value as Record<string, unknown>);
      else out[key] = value;
    }
    return out;
  });

  return fc.record({
    app: fc.constantFrom(...APPS),
    host: fc.constantFrom(...HOSTS),
    level: fc.option(fc.constantFrom(...LEVELS, 'ERROR'), { nil: undefined }),
    message,
    tags: fc.subarray(TAGS),
    fields,
    source: fc.constantFrom(...SOURCES),
    ts: fc.integer({ min: TS_BASE, max: TS_BASE + TS_SPAN }),
  });
}

function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(value)) mergeInto(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
