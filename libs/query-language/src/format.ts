import { fieldClass, fieldSyntaxName, type FieldName, type QueryNode, type RangeBound } from './ast';
import { isWhitespace } from './lexer';
import { formatNumber, formatTimestamp } from './values';

/**
 * Print an AST as query text that `parseQuery` reads back to an equal AST. Compound children
 * are always parenthesised, so the printed text never depends on precedence.
 */
export function formatQuery(node: QueryNode): string {
  switch (node.kind) {
    case 'all':
      return '*';
    case 'and':
    case 'or':
      return node.children.map(group).join(node.kind === 'and' ? ' AND ' : ' OR ');
    case 'not':
      return `NOT ${group(node.child)}`;
    case 'text':
      return escapeWord(node.text);
    case 'phrase':
      return quote(node.text);
    case 'term':
      return `${escapeWord(fieldSyntaxName(node.field))}:${node.value === '' ? '""' : escapeWord(node.value, 'value')}`;
    case 'wildcard':
      return node.field === 'message'
        ? escapePattern(node.pattern, 'free')
        : `${escapeWord(fieldSyntaxName(node.field))}:${escapePattern(node.pattern, 'value')}`;
    case 'exists':
      return `${escapeWord(fieldSyntaxName(node.field))}:*`;
    case 'range':
      return `${escapeWord(fieldSyntaxName(node.field))}:${formatRange(node.field, node.lower, node.upper)}`;
  }
}

function group(node: QueryNode): string {
  const text = formatQuery(node);
  return node.kind === 'and' || node.kind === 'or' ? `(${text})` : text;
}

function formatRange(field: FieldName, lower: RangeBound | undefined, upper: RangeBound | undefined): string {
  const date = fieldClass(field) === 'date';
  const print = date ? formatTimestamp : formatNumber;
  // `ts:<instant>` parses to the one-millisecond range; only for ts (`x:5` is a term).
  if (date && lower?.inclusive && upper?.inclusive && lower.value === upper.value) return print(lower.value);
  if (lower !== undefined && upper !== undefined) {
    return `${lower.inclusive ? '[' : '{'}${print(lower.value)} TO ${print(upper.value)}${upper.inclusive ? ']' : '}'}`;
  }
  if (lower !== undefined) return `${lower.inclusive ? '>=' : '>'}${print(lower.value)}`;
  if (upper !== undefined) return `${upper.inclusive ? '<=' : '<'}${print(upper.value)}`;
  return '[* TO *]';
}

/** Characters that end or change a word everywhere. */
const SPECIAL = new Set(['\\', '(', ')', '"', '[', ']', '{', '}', '*', '?']);

/**
 * Where a word is printed: free text (where ':' ends a word and a leading '-' negates) or
 * right after `field:` (where a leading '<' or '>' compares).
 */
type Position = 'free' | 'value';

function escapeChar(ch: string, first: boolean, position: Position): string {
  const special = SPECIAL.has(ch) || isWhitespace(ch)
    || (position === 'free' ? ch === ':' || (first && ch === '-') : first && (ch === '<' || ch === '>'));
  return special ? `\\${ch}` : ch;
}

/** A literal as one word: escapes structure, wildcards and keywords. */
export function escapeWord(text: string, position: Position = 'free'): string {
  let out = '';
  for (const ch of text) out += escapeChar(ch, out === '', position);
  // Keywords only count when unescaped: `\AND` is the word AND.
  return position === 'free' && /^(AND|OR|NOT)$/.test(out) ? `\\${out}` : out;
}

/** An OpenSearch wildcard pattern as a query word: wildcards stay, literals are escaped. */
function escapePattern(pattern: string, position: Position): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' || ch === '?') {
      out += ch;
    } else {
      const literal = ch === '\\' && i + 1 < pattern.length ? pattern[++i] : ch;
      out += escapeChar(literal, out === '', position);
    }
  }
  return out;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}
