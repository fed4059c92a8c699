import {
  fieldClass, resolveFieldName,
  type FieldName, type QueryNode,
} from './ast';
import { QuerySyntaxError } from './errors';
import { tokenize, type Token } from './lexer';
import { parseNumberLiteral, parseTimestampLiteral } from './values';

export const MAX_QUERY_LENGTH = 4096;
/** Parentheses and negations, which are what make the parser (and the back ends) recurse. */
export const MAX_NESTING_DEPTH = 32;

const EXPECT_TERM = "a term, a phrase or '('";
const EXPECT_VALUE = "a value, a phrase, a range or a comparison";

/**
 * Parse a query. Grammar (juxtaposition is AND; precedence NOT > AND > OR):
 *
 *   query   := or? EOF
 *   or      := and ('OR' and)*
 *   and     := unary ('AND'? unary)*
 *   unary   := ('NOT' | '-') unary | primary
 *   primary := '(' or ')' | field ':' value | PHRASE | WORD
 *   value   := cmp bound | ('[' | '{') bound 'TO' bound (']' | '}') | PHRASE | WORD
 */
export function parseQuery(text: string): QueryNode {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QuerySyntaxError(
      MAX_QUERY_LENGTH, `at most ${MAX_QUERY_LENGTH} characters`, 'more text',
      `Query too long: ${text.length} characters, at most ${MAX_QUERY_LENGTH} are allowed`,
    );
  }
  return new Parser(text, tokenize(text)).parse();
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly tokens: Token[]) {}

  parse(): QueryNode {
    if (this.peek().type === 'eof') return { kind: 'all' };
    const node = this.parseOr();
    const next = this.peek();
    if (next.type !== 'eof') this.fail(next, 'AND, OR, a term or the end of the query');
    return node;
  }

  private parseOr(): QueryNode {
    const children = [this.parseAnd()];
    while (this.peek().type === 'or') {
      this.advance();
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  private parseAnd(): QueryNode {
    const children = [this.parseUnary()];
    for (;;) {
      const next = this.peek();
      if (next.type === 'and') {
        this.advance();
        children.push(this.parseUnary());
      } else if (startsUnary(next)) {
        children.push(this.parseUnary());
      } else {
        break;
      }
    }
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  private parseUnary(): QueryNode {
    const token = this.peek();
    if (token.type !== 'not' && token.type !== 'minus') return this.parsePrimary();
    this.advance();
    // `-term` is a prefix: `- term` would silently negate something the user did not mean to.
    const operand = this.peek();
    if (token.type === 'minus' && (operand.start !== token.end || operand.type === 'eof')) {
      this.failGap(token.end, operand, EXPECT_TERM);
    }
    this.enter(token);
    const child = this.parseUnary();
    this.depth--;
    return { kind: 'not', child };
  }

  private parsePrimary(): QueryNode {
    const token = this.peek();
    switch (token.type) {
      case 'lparen': {
        this.advance();
        this.enter(token);
        const node = this.parseOr();
        const close = this.peek();
        if (close.type !== 'rparen') this.fail(close, "AND, OR, a term or ')'");
        this.advance();
        this.depth--;
        return node;
      }
      case 'phrase':
        this.advance();
        return { kind: 'phrase', text: token.value };
      case 'word': {
        this.advance();
        const colon = this.peek();
        if (colon.type === 'colon' && colon.start === token.end) {
          this.advance();
          return this.parseFieldValue(token, colon);
        }
        if (token.pattern === undefined) return { kind: 'text', text: token.value };
        return isAllStars(token.pattern) ? { kind: 'all' } : { kind: 'wildcard', field: 'message', pattern: token.pattern };
      }
      default:
        return this.fail(token, EXPECT_TERM);
    }
  }

  private parseFieldValue(name: Token, colon: Token): QueryNode {
    const field = this.resolveField(name);
    const cls = fieldClass(field);
    const token = this.peek();
    if (token.start !== colon.end || token.type === 'eof') this.failGap(colon.end, token, EXPECT_VALUE);
    switch (token.type) {
      case 'cmp': {
        this.advance();
        this.requireOrdered(field, token);
        const operand = this.peek();
        if (operand.start !== token.end || (operand.type !== 'word' && operand.type !== 'phrase')) {
          this.failGap(token.end, operand, this.boundExpectation(field, false));
        }
        this.advance();
        const bound = { value: this.boundValue(field, operand, false), inclusive: token.op!.length === 2 };
        return token.op![0] === '>' ? { kind: 'range', field, lower: bound } : { kind: 'range', field, upper: bound };
      }
      case 'rangeOpen':
        this.advance();
        this.requireOrdered(field, token);
        return this.parseRange(field, token);
      case 'phrase':
        this.advance();
        return this.valueNode(field, token, token.value);
      case 'word': {
        this.advance();
        if (token.pattern === undefined) return this.valueNode(field, token, token.value);
        if (isAllStars(token.pattern)) return { kind: 'exists', field };
        if (cls === 'date') this.fail(token, this.boundExpectation(field, false));
        return { kind: 'wildcard', field, pattern: token.pattern };
      }
      default:
        return this.fail(token, EXPECT_VALUE);
    }
  }

  /** `field:value` and `field:"value"`: the meaning depends on the field. */
  private valueNode(field: FieldName, token: Token, value: string): QueryNode {
    switch (fieldClass(field)) {
      case 'text':
        return token.type === 'phrase' ? { kind: 'phrase', text: value } : { kind: 'text', text: value };
      case 'date': {
        // A timestamp is an instant: `ts:2024-01-01T10:00:00Z` is that millisecond.
        const ms = this.boundValue(field, token, false);
        return { kind: 'range', field, lower: { value: ms, inclusive: true }, upper: { value: ms, inclusive: true } };
      }
      default:
        return { kind: 'term', field, value };
    }
  }

  private parseRange(field: FieldName, open: Token): QueryNode {
    const lower = this.rangeBound(field);
    const to = this.peek();
    if (to.type !== 'to') this.fail(to, "'TO'");
    this.advance();
    const upper = this.rangeBound(field);
    const close = this.peek();
    if (close.type !== 'rangeClose') this.fail(close, "']' or '}'");
    this.advance();
    // `[* TO *]` is "has a value"; OpenSearch rewrites an unbounded range the same way.
    if (lower === undefined && upper === undefined) return { kind: 'exists', field };
    const node: QueryNode = { kind: 'range', field };
    if (lower !== undefined) node.lower = { value: lower, inclusive: open.inclusive! };
    if (upper !== undefined) node.upper = { value: upper, inclusive: close.inclusive! };
    return node;
  }

  /** A range bound: a value, or `*` for an open bound (undefined). */
  private rangeBound(field: FieldName): number | undefined {
    const token = this.peek();
    if (token.type !== 'word' && token.type !== 'phrase') this.fail(token, this.boundExpectation(field, true));
    this.advance();
    if (token.type === 'word' && token.pattern === '*') return undefined;
    return this.boundValue(field, token, true);
  }

  private boundValue(field: FieldName, token: Token, inRange: boolean): number {
    const value = fieldClass(field) === 'date' ? parseTimestampLiteral(token.value) : parseNumberLiteral(token.value);
    if (value === undefined || token.pattern !== undefined) this.fail(token, this.boundExpectation(field, inRange));
    return value;
  }

  private boundExpectation(field: FieldName, inRange: boolean): string {
    const what = fieldClass(field) === 'date' ? 'an ISO 8601 date or epoch milliseconds' : 'a number';
    return inRange ? `${what} or '*'` : what;
  }

  /** Comparisons and ranges need an order: numbers (parsed fields) and time. */
  private requireOrdered(field: FieldName, token: Token): void {
    const cls = fieldClass(field);
    if (cls !== 'dynamic' && cls !== 'date') {
      this.fail(token, `a value (comparisons and ranges apply to ts and parsed fields, not to ${field})`);
    }
  }

  private resolveField(token: Token): FieldName {
    if (token.pattern !== undefined) this.fail(token, 'a field name without wildcards');
    const field = resolveFieldName(token.value);
    if (field === undefined) this.fail(token, 'a field name (dot-separated names, none empty)');
    return field;
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new QuerySyntaxError(
        token.start, `at most ${MAX_NESTING_DEPTH} levels of parentheses and negations`, describe(token, this.text),
        `Query nested too deeply at position ${token.start}: at most ${MAX_NESTING_DEPTH} levels of parentheses and negations are allowed`,
      );
    }
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private advance(): Token {
    return this.tokens[this.index++];
  }

  private fail(token: Token, expected: string): never {
    throw new QuerySyntaxError(token.start, expected, describe(token, this.text));
  }

  /** Something missing at `position`: either whitespace or the end came first, or `next` is wrong. */
  private failGap(position: number, next: Token, expected: string): never {
    if (next.type !== 'eof' && next.start === position) this.fail(next, expected);
    throw new QuerySyntaxError(position, expected, next.type === 'eof' ? 'end of query' : 'whitespace');
  }
}

function startsUnary(token: Token): boolean {
  return token.type === 'word' || token.type === 'phrase' || token.type === 'lparen'
    || token.type === 'not' || token.type === 'minus';
}

function isAllStars(pattern: string): boolean {
  return /^\*+$/.test(pattern);
}

function describe(token: Token, text: string): string {
  if (token.type === 'eof') return 'end of query';
  const raw = text.slice(token.start, token.end);
  return `'${raw.length > 24 ? `${raw.slice(0, 24)}…` : raw}'`;
}
