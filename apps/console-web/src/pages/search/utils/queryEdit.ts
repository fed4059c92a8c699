// Editing a query in the query language's own syntax: the clauses the page adds when a value is
// clicked. Pure functions; the grammar is libs/query-language's.

const RESERVED = new Set(['app', 'host', 'level', 'tag', 'message', 'source', 'ts']);
const NEEDS_QUOTES = /[\s()"[\]{}:*?\\]|^[<>-]|^(AND|OR|NOT|TO)$/;

/** A value as the query language reads it literally: bare when it can be, else a "phrase". */
export function quoteValue(value: string): string {
  if (value !== '' && !NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A field name as written in a query: parsed fields that share a reserved name get `fields.`. */
export function fieldRef(field: string, parsed: boolean): string {
  const name = parsed && RESERVED.has(field.split('.')[0]) ? `fields.${field}` : field;
  return name.replace(/[\s()"[\]{}:*?\\]/g, (c) => `\\${c}`);
}

export function clause(field: string, value: string, options: { negate?: boolean; parsed?: boolean } = {}): string {
  return `${options.negate ? '-' : ''}${fieldRef(field, options.parsed ?? false)}:${quoteValue(value)}`;
}

/**
 * The query with `field:value` (or `-field:value`) added: nothing changes when the clause is
 * there already, and the opposite clause is replaced rather than contradicted.
 */
export function addFilter(query: string, field: string, value: string, options: { negate?: boolean; parsed?: boolean } = {}): string {
  const wanted = clause(field, value, options);
  const opposite = clause(field, value, { ...options, negate: !options.negate });
  const words = splitTopLevel(query);
  if (words.includes(wanted)) return query;
  const kept = words.filter((w) => w !== opposite);
  const base = kept.join(' ');
  if (!base.trim()) return wanted;
  // A top-level OR would bind the new clause to its last operand only: keep the old query whole.
  const needsGroup = /(^|\s)OR(\s|$)/.test(base) && !(base.startsWith('(') && base.endsWith(')'));
  return `${needsGroup ? `(${base})` : base} ${wanted}`;
}

/** Top-level clauses separated by spaces (phrases, escapes and parentheses kept whole). */
export function splitTopLevel(query: string): string[] {
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let inPhrase = false;
  for (let i = 0; i < query.length; i++) {
    const ch = query[i];
    if (ch === '\\' && i + 1 < query.length) {
      current += ch + query[++i];
      continue;
    }
    if (ch === '"') inPhrase = !inPhrase;
    else if (!inPhrase && (ch === '(' || ch === '[' || ch === '{')) depth++;
    else if (!inPhrase && (ch === ')' || ch === ']' || ch === '}')) depth = Math.max(0, depth - 1);
    if (!inPhrase && depth === 0 && /\s/.test(ch)) {
      if (current) out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** Flatten an event's parsed fields into dotted paths with their values (arrays and objects as JSON). */
export function flattenFields(fields: Record<string, unknown>, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [key, value] of Object.entries(fields)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) flattenFields(value as Record<string, unknown>, path, out);
    else out.push([path, value]);
  }
  return out;
}

/** A value as the filter compares it: strings and numbers as they are, the rest as JSON. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
