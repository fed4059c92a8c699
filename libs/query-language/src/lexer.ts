import { QuerySyntaxError } from './errors';

export type TokenType =
  | 'word' | 'phrase' | 'lparen' | 'rparen' | 'colon' | 'and' | 'or' | 'not' | 'minus'
  | 'cmp' | 'rangeOpen' | 'rangeClose' | 'to' | 'eof';

export type Comparator = '>' | '>=' | '<' | '<=';

export interface Token {
  type: TokenType;
  /** Offsets in the query text: [start, end). */
  start: number;
  end: number;
  /** Unescaped text of a word or phrase. */
  value: string;
  /**
   * For a word with an unescaped `*` or `?`: the OpenSearch wildcard pattern, where `\`
   * escapes a literal `*`, `?` or `\`. Undefined for words without wildcards.
   */
  pattern?: string;
  /** For `cmp`. */
  op?: Comparator;
  /** For `rangeOpen` and `rangeClose`: `[` and `]` are inclusive, `{` and `}` exclusive. */
  inclusive?: boolean;
}

/**
 * The lexer is context-sensitive in a small way, which keeps common values unescaped:
 * - query: free text; `:` ends a word (it separates a field from its value).
 * - value: the token right after `field:`; `<`, `>`, `[`, `{` start comparisons and ranges,
 *   and colons belong to the word (`ts:2024-01-01T10:00:00Z`, `url:http://x`).
 * - bound: the token right after a comparator; colons belong to the word.
 * - range: between `[`/`{` and `]`/`}`; `TO` is a keyword, colons belong to words.
 */
type Mode = 'query' | 'value' | 'bound' | 'range';

const WHITESPACE = /\s/;

export function isWhitespace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

/** Characters that end a word everywhere; `:` also ends it in query mode. */
const STRUCTURAL = new Set(['(', ')', '"', '[', ']', '{', '}']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let mode = 'query' as Mode;

  const push = (type: TokenType, start: number, end: number, extra: Partial<Token> = {}): void => {
    tokens.push({ type, start, end, value: '', ...extra });
    pos = end;
  };

  for (;;) {
    if (mode === 'query' || mode === 'range') {
      while (pos < text.length && isWhitespace(text[pos])) pos++;
    } else if (pos >= text.length || isWhitespace(text[pos])) {
      // Nothing right after `field:` or the comparator: the parser reports the gap.
      mode = 'query';
      continue;
    }
    if (pos >= text.length) {
      push('eof', pos, pos);
      return tokens;
    }
    const ch = text[pos];
    const start = pos;

    if (ch === '"') {
      tokens.push(readPhrase(text, start));
      pos = tokens[tokens.length - 1].end;
      if (mode !== 'range') mode = 'query';
      continue;
    }
    if (ch === '(' || ch === ')') {
      push(ch === '(' ? 'lparen' : 'rparen', start, start + 1);
      if (mode !== 'range') mode = 'query';
      continue;
    }
    if (ch === ']' || ch === '}') {
      push('rangeClose', start, start + 1, { inclusive: ch === ']' });
      mode = 'query';
      continue;
    }
    if (ch === '[' || ch === '{') {
      push('rangeOpen', start, start + 1, { inclusive: ch === '[' });
      // Only `field:[` opens a range; a stray bracket elsewhere is a parse error anyway.
      mode = mode === 'value' || mode === 'range' ? 'range' : 'query';
      continue;
    }

    if (mode === 'query') {
      if (ch === ':') {
        push('colon', start, start + 1);
        mode = 'value';
        continue;
      }
      if (ch === '-') {
        push('minus', start, start + 1);
        continue;
      }
      const word = readWord(text, start, true);
      const next = text[word.end];
      // Keywords are upper-case, unescaped and not a field name (`AND:x` is a field).
      if (!word.escaped && next !== ':' && (word.raw === 'AND' || word.raw === 'OR' || word.raw === 'NOT')) {
        push(word.raw === 'AND' ? 'and' : word.raw === 'OR' ? 'or' : 'not', start, word.end);
      } else {
        tokens.push(word.token);
        pos = word.end;
      }
      continue;
    }

    if (mode === 'value' && (ch === '>' || ch === '<')) {
      const op = (text[pos + 1] === '=' ? `${ch}=` : ch) as Comparator;
      push('cmp', start, start + op.length, { op });
      mode = 'bound';
      continue;
    }

    const word = readWord(text, start, false);
    if (mode === 'range' && !word.escaped && word.raw === 'TO') {
      push('to', start, word.end);
    } else {
      tokens.push(word.token);
      pos = word.end;
    }
    if (mode !== 'range') mode = 'query';
  }
}

interface WordScan { token: Token; end: number; raw: string; escaped: boolean }

function readWord(text: string, start: number, colonEnds: boolean): WordScan {
  let pos = start;
  let value = '';
  let pattern = '';
  let wildcard = false;
  let escaped = false;
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === '\\') {
      if (pos + 1 >= text.length) {
        throw new QuerySyntaxError(pos + 1, "a character after '\\'", 'end of query');
      }
      const code = text.codePointAt(pos + 1)!;
      const literal = String.fromCodePoint(code);
      value += literal;
      pattern += literal === '*' || literal === '?' || literal === '\\' ? `\\${literal}` : literal;
      pos += 1 + literal.length;
      escaped = true;
      continue;
    }
    if (isWhitespace(ch) || STRUCTURAL.has(ch) || (colonEnds && ch === ':')) break;
    if (ch === '*' || ch === '?') wildcard = true;
    value += ch;
    pattern += ch;
    pos++;
  }
  const token: Token = { type: 'word', start, end: pos, value };
  if (wildcard) token.pattern = pattern;
  return { token, end: pos, raw: text.slice(start, pos), escaped };
}

function readPhrase(text: string, start: number): Token {
  let pos = start + 1;
  let value = '';
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === '"') return { type: 'phrase', start, end: pos + 1, value };
    if (ch === '\\') {
      if (pos + 1 >= text.length) break;
      const literal = String.fromCodePoint(text.codePointAt(pos + 1)!);
      value += literal;
      pos += 1 + literal.length;
      continue;
    }
    value += ch;
    pos++;
  }
  throw new QuerySyntaxError(
    text.length, `'"' to close the phrase opened at position ${start}`, 'end of query',
  );
}
