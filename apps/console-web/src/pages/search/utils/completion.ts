// Completion in the query box: what is being typed at the cursor (a field name, or the value of
// `field:`), and the suggestions for it from the fields of the organisation's own events.

export const RESERVED_FIELDS = ['app', 'host', 'level', 'tag', 'source', 'message'];

export type Typing =
  | { kind: 'field'; prefix: string; start: number; end: number }
  | { kind: 'value'; field: string; prefix: string; start: number; end: number };

const BREAK = /[\s()]/;

/** The word under the cursor, or undefined inside a phrase or where nothing is being typed. */
export function typingAt(query: string, cursor: number): Typing | undefined {
  let quotes = 0;
  for (let i = 0; i < cursor; i++) if (query[i] === '"' && query[i - 1] !== '\\') quotes++;
  if (quotes % 2 === 1) return undefined;
  let start = cursor;
  while (start > 0 && !BREAK.test(query[start - 1])) start--;
  let end = cursor;
  while (end < query.length && !BREAK.test(query[end])) end++;
  let word = query.slice(start, cursor);
  let wordStart = start;
  if (word.startsWith('-')) {
    word = word.slice(1);
    wordStart++;
  }
  const colon = word.indexOf(':');
  if (colon >= 0) {
    const field = word.slice(0, colon);
    if (!field) return undefined;
    return { kind: 'value', field, prefix: word.slice(colon + 1), start: wordStart + colon + 1, end };
  }
  if (/^(AND|OR|NOT)$/.test(word)) return undefined;
  return { kind: 'field', prefix: word, start: wordStart, end };
}

export interface Suggestion {
  /** What is inserted. */
  insert: string;
  /** What the list shows. */
  label: string;
  detail?: string;
}

const MAX = 12;

/** Field names starting with (then containing) the prefix; reserved fields first. */
export function suggestFields(prefix: string, fields: Array<{ name: string; types?: string[] }>): Suggestion[] {
  const names = new Map<string, string | undefined>();
  for (const f of RESERVED_FIELDS) names.set(f, 'built in');
  for (const f of fields) if (!names.has(f.name)) names.set(f.name, f.types?.join(', '));
  const p = prefix.toLowerCase();
  const all = [...names.entries()];
  const starts = all.filter(([n]) => n.toLowerCase().startsWith(p));
  const contains = p ? all.filter(([n]) => !n.toLowerCase().startsWith(p) && n.toLowerCase().includes(p)) : [];
  return [...starts, ...contains].slice(0, MAX).map(([name, detail]) => ({ insert: `${name}:`, label: name, detail }));
}

/** Values of a field starting with the prefix, most frequent first. */
export function suggestValues(prefix: string, values: Array<{ value: string; count?: number }>, quote: (v: string) => string): Suggestion[] {
  const p = prefix.toLowerCase().replace(/^"/, '');
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  for (const v of values) {
    if (seen.has(v.value) || !v.value.toLowerCase().startsWith(p)) continue;
    seen.add(v.value);
    out.push({ insert: `${quote(v.value)} `, label: v.value, detail: v.count !== undefined ? v.count.toLocaleString('en-US') : undefined });
    if (out.length >= MAX) break;
  }
  return out;
}

/** The query with the typed word replaced by the suggestion, and where the cursor goes. */
export function applySuggestion(query: string, typing: Typing, suggestion: Suggestion): { query: string; cursor: number } {
  const before = query.slice(0, typing.start);
  const after = query.slice(typing.end).replace(/^\s+/, '');
  const inserted = suggestion.insert;
  const joined = inserted.endsWith(' ') || inserted.endsWith(':') || !after ? `${before}${inserted}` : `${before}${inserted} `;
  return { query: joined + after, cursor: joined.length };
}
