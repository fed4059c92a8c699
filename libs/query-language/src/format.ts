import { fieldSyntaxName, type QueryNode, type RangeBound } from './ast';
import { isWhitespace } from './lexer';
import { formatNumber } from './values';

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
      return `${escapeWord(fieldSyntaxName(node.field))}:${node.value === '' ? '""' : escapeWord(node.value)}`;
    case 'wildcard': {
      const pattern = escapePattern(node.pattern);
      return node.field === 'message' ? pattern : `${escapeWord(fieldSyntaxName(node.field))}:${pattern}`;
    }
    case 'exists':
      return `${escapeWord(fieldSyntaxName(node.field))}:*`;
    case 'range':
      return `${escapeWord(fieldSyntaxName(node.field))}:${formatRange(node.lower, node.upper)}`;
  }
}

function group(node: QueryNode): string {
  const text = formatQuery(node);
  return node.kind === 'and' || node.kind === 'or' ? `(${text})` : text;
}

function formatRange(lower: RangeBound | undefined, upper: RangeBound | undefined): string {
  if (lower !== undefined && upper !== undefined) {
    return `${lower.inclusive ? '[' : '{'}${formatNumber(lower.value)} TO ${formatNumber(upper.value)}${upper.inclusive ? ']' : '}'}`;
  }
  if (lower !== undefined) return `${lower.inclusive ? '>=' : '>'}${formatNumber(lower.value)}`;
  if (upper !== undefined) return `${upper.inclusive ? '<=' : '<'}${formatNumber(upper.value)}`;
  return '[* TO *]';
}

/** Characters with a meaning somewhere in the grammar; escaping them is always allowed. */
const SPECIAL = new Set(['\\', '(', ')', '"', ':', '[', ']', '{', '}', '*', '?']);

function escapeChar(ch: string, first: boolean): string {
  // A leading '-' negates, a leading '<' or '>' compares.
  if (SPECIAL.has(ch) || isWhitespace(ch) || (first && (ch === '-' || ch === '<' || ch === '>'))) return `\\${ch}`;
  return ch;
}

/** A literal as one word: escapes structure, wildcards and keywords. */
export function escapeWord(text: string): string {
  let out = '';
  for (const ch of text) out += escapeChar(ch, out === '');
  // Keywords only count when unescaped: `\AND` is the word AND.
  return /^(AND|OR|NOT|TO)$/.test(out) ? `\\${out}` : out;
}

/** An OpenSearch wildcard pattern as a query word: wildcards stay, literals are escaped. */
function escapePattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' || ch === '?') {
      out += ch;
    } else {
      const literal = ch === '\\' && i + 1 < pattern.length ? pattern[++i] : ch;
      out += escapeChar(literal, out === '');
    }
  }
  return out;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
}
