/**
 * The query AST: what the user wrote, after field-name resolution and the few normalisations
 * that have one meaning in every back end (`field:*` is existence, `[* TO *]` is existence,
 * `ts:<date>` is a one-millisecond range). Values stay as typed (no lower-casing): the back
 * ends apply the per-field semantics, so `formatQuery` can print the AST back exactly.
 */

/** Names with a meaning of their own; every other name is a parsed field (`fields.*`). */
export const RESERVED_FIELDS = ['app', 'host', 'level', 'tag', 'message', 'source', 'ts'] as const;
export type ReservedField = (typeof RESERVED_FIELDS)[number];

/** A reserved field, or a parsed field written as `fields.<dotted path>`. */
export type FieldName = ReservedField | `fields.${string}`;

export interface RangeBound {
  /** A number; for `ts`, epoch milliseconds. */
  value: number;
  inclusive: boolean;
}

/** Matches every event: the empty query, `*`. */
export interface AllNode { kind: 'all' }
export interface AndNode { kind: 'and'; children: QueryNode[] }
export interface OrNode { kind: 'or'; children: QueryNode[] }
export interface NotNode { kind: 'not'; child: QueryNode }
/** Free text (or `message:word`): every analysed token of `text` is a token of the message. */
export interface TextNode { kind: 'text'; text: string }
/** Quoted free text (or `message:"..."`): the analysed tokens appear consecutively. */
export interface PhraseNode { kind: 'phrase'; text: string }
/** `field:value` on a keyword-like field: exact value. */
export interface TermNode { kind: 'term'; field: FieldName; value: string }
/**
 * `field:pat*ern`, or free text with `*`/`?` (field `message`). The pattern uses the
 * OpenSearch wildcard syntax: `*`, `?`, and `\` escaping a literal `*`, `?` or `\`.
 */
export interface WildcardNode { kind: 'wildcard'; field: FieldName; pattern: string }
/** `field:*`, `field:[* TO *]`. */
export interface ExistsNode { kind: 'exists'; field: FieldName }
/** `field:>5`, `field:[1 TO 5}`... At least one bound is present. */
export interface RangeNode { kind: 'range'; field: FieldName; lower?: RangeBound; upper?: RangeBound }

export type QueryNode =
  | AllNode | AndNode | OrNode | NotNode | TextNode | PhraseNode
  | TermNode | WildcardNode | ExistsNode | RangeNode;

const ALIASES = new Map<string, ReservedField>([
  ['app', 'app'], ['host', 'host'], ['level', 'level'], ['tag', 'tag'], ['message', 'message'], ['msg', 'message'],
  ['source', 'source'], ['ts', 'ts'], ['@timestamp', 'ts'],
]);

/**
 * Resolve a field name as written in a query. `fields.` addresses a parsed field explicitly
 * (needed when a parsed field is called like a reserved one: `fields.level`). Returns
 * undefined for an empty path segment (`a..b`, `.a`, `a.`).
 */
export function resolveFieldName(name: string): FieldName | undefined {
  const alias = ALIASES.get(name);
  if (alias !== undefined) return alias;
  const path = name.startsWith('fields.') ? name.slice('fields.'.length) : name;
  if (path.split('.').some((segment) => segment === '')) return undefined;
  return `fields.${path}`;
}

/** The shortest name that `resolveFieldName` maps back to `field`. */
export function fieldSyntaxName(field: FieldName): string {
  if (!field.startsWith('fields.')) return field;
  const path = field.slice('fields.'.length);
  return ALIASES.has(path) || path.startsWith('fields.') ? field : path;
}

/**
 * How a field is stored, which decides what each clause means:
 * - keyword: exact, case-sensitive (`app`, `host`, `source`)
 * - level: keyword stored lower-case, so compared case-insensitively
 * - tags: keyword array (`tag`)
 * - text: the analysed message
 * - date: `@timestamp`, epoch milliseconds
 * - dynamic: a parsed field; keyword for strings and booleans, double for numbers
 */
export type FieldClass = 'keyword' | 'level' | 'tags' | 'text' | 'date' | 'dynamic';

export function fieldClass(field: FieldName): FieldClass {
  switch (field) {
    case 'app': case 'host': case 'source': return 'keyword';
    case 'level': return 'level';
    case 'tag': return 'tags';
    case 'message': return 'text';
    case 'ts': return 'date';
    default: return 'dynamic';
  }
}

/** The path of a field in the indexed document. */
export function documentPath(field: FieldName): string {
  switch (field) {
    case 'tag': return 'tags';
    case 'ts': return '@timestamp';
    default: return field;
  }
}

/** The path segments of a parsed field (`fields.http.status` → ['http', 'status']). */
export function parsedFieldPath(field: FieldName): string[] {
  return field.slice('fields.'.length).split('.');
}
