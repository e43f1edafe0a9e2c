/**
 * ImageKit's Lucene-like query language, as used by `searchQuery` (list and search) and by the
 * upload `checks` parameter: conditions `field op value` joined by AND/OR with parentheses.
 * AND binds tighter than OR. This module only parses; what a field means is up to the caller.
 */

export type Operator = '=' | ':' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'NOT =' | 'NOT :';

export type Scalar =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'bool'; value: boolean }
  /** Unquoted words such as `2020-01-01`, `7d` or `1mb`; the caller decides what they mean. */
  | { kind: 'bareword'; value: string };

export type Value = Scalar | { kind: 'list'; items: Scalar[] };

export interface Condition {
  kind: 'condition';
  field: string;
  op: Operator;
  value: Value;
  /** 1-based position of the field in the query, for error messages. */
  position: number;
}

export type QueryNode =
  | Condition
  | { kind: 'and'; left: QueryNode; right: QueryNode }
  | { kind: 'or'; left: QueryNode; right: QueryNode };

/** A syntax error with the 1-based position where the parser gave up and what it expected. */
export class QuerySyntaxError extends Error {
  readonly position: number;
  constructor(detail: string, position: number) {
    super(`${detail} at position ${position}`);
    this.position = position;
  }
}

/** How big a query may be; each limit, when passed, is named in the 400. */
export interface QueryLimits {
  /** Characters in the whole query. */
  maxLength: number;
  /** Parentheses nested inside one another. */
  maxDepth: number;
  /** Conditions joined by AND and OR. */
  maxConditions: number;
  /** Values in one `IN [...]` list, or words in one `:` phrase. */
  maxValues: number;
}

/** Far beyond what a person or the query builder writes; small enough that SQL stays shallow. */
export const defaultQueryLimits: QueryLimits = {
  maxLength: 4096,
  maxDepth: 32,
  maxConditions: 100,
  maxValues: 100,
};

/** C0 and C1 control characters: no field is named with one, and PostgreSQL text holds no NUL. */
const controlCharacter = /\p{Cc}/u;

type TokenKind = 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'op' | 'string' | 'word' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  /** 0-based offset of the first character. */
  start: number;
  end: number;
}

const punctuation: Record<string, TokenKind> = {
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
  ',': 'comma',
};

// Dates may be written bare and carry colons (`2020-01-01T12:12:12Z`), which would otherwise end a word.
const bareDate =
  /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![^\s()[\],=:<>"'])/y;
const wordChars = /[^\s()[\],=:<>"'!]+/y;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const punct = punctuation[c];
    if (punct) {
      tokens.push({ kind: punct, text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '<' || c === '>') {
      const text = query[i + 1] === '=' ? `${c}=` : c;
      tokens.push({ kind: 'op', text, start: i, end: i + text.length });
      i += text.length;
      continue;
    }
    if (c === '=' || c === ':') {
      tokens.push({ kind: 'op', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const { text, end } = readQuoted(query, i);
      tokens.push({ kind: 'string', text, start: i, end });
      i = end;
      continue;
    }
    bareDate.lastIndex = i;
    const date = bareDate.exec(query);
    wordChars.lastIndex = i;
    const word = date ?? wordChars.exec(query);
    if (!word) throw new QuerySyntaxError(`unexpected character '${c}'`, i + 1);
    tokens.push({ kind: 'word', text: word[0], start: i, end: i + word[0].length });
    i += word[0].length;
  }
  tokens.push({ kind: 'end', text: '', start: query.length, end: query.length });
  return tokens;
}

function readQuoted(query: string, start: number): { text: string; end: number } {
  const quote = query[start];
  let text = '';
  let i = start + 1;
  while (i < query.length) {
    const c = query[i]!;
    if (c === '\\') {
      const next = query[i + 1];
      if (next === undefined) break;
      text += next;
      i += 2;
      continue;
    }
    if (c === quote) return { text, end: i + 1 };
    text += c;
    i++;
  }
  throw new QuerySyntaxError(`unterminated string starting`, start + 1);
}

const isKeyword = (token: Token, keyword: string) =>
  token.kind === 'word' && token.text.toUpperCase() === keyword;

class Parser {
  readonly #query: string;
  readonly #tokens: Token[];
  readonly #limits: QueryLimits;
  #index = 0;
  #depth = 0;
  #conditions = 0;

  constructor(query: string, limits: QueryLimits) {
    this.#query = query;
    this.#tokens = tokenize(query);
    this.#limits = limits;
  }

  parse(): QueryNode {
    if (this.#peek().kind === 'end') throw new QuerySyntaxError('expected a condition', 1);
    const node = this.#or();
    const rest = this.#peek();
    if (rest.kind !== 'end') {
      const hint = rest.kind === 'rparen' ? "unmatched ')'" : `expected AND or OR before '${rest.text}'`;
      throw new QuerySyntaxError(hint, rest.start + 1);
    }
    return node;
  }

  #peek(): Token {
    return this.#tokens[this.#index]!;
  }

  #next(): Token {
    const token = this.#tokens[this.#index]!;
    if (token.kind !== 'end') this.#index++;
    return token;
  }

  /** The query text from `from` up to the current token, to quote in messages. */
  #before(from: number): string {
    const previous = this.#tokens[this.#index - 1];
    return this.#query.slice(from, previous ? previous.end : from).trim();
  }

  #or(): QueryNode {
    let left = this.#and();
    while (isKeyword(this.#peek(), 'OR')) {
      this.#next();
      left = { kind: 'or', left, right: this.#and() };
    }
    return left;
  }

  #and(): QueryNode {
    let left = this.#unary();
    while (isKeyword(this.#peek(), 'AND')) {
      this.#next();
      left = { kind: 'and', left, right: this.#unary() };
    }
    return left;
  }

  #unary(): QueryNode {
    const token = this.#peek();
    if (token.kind === 'lparen') {
      if (++this.#depth > this.#limits.maxDepth) {
        throw new QuerySyntaxError(
          `parentheses nested more than ${this.#limits.maxDepth} deep, the most this server accepts,`,
          token.start + 1,
        );
      }
      this.#next();
      const inner = this.#or();
      const close = this.#next();
      if (close.kind !== 'rparen') {
        throw new QuerySyntaxError(
          `expected ')' to close the '(' at position ${token.start + 1}`,
          close.start + 1,
        );
      }
      this.#depth--;
      return inner;
    }
    return this.#condition();
  }

  #condition(): Condition {
    const fieldToken = this.#next();
    const isField =
      fieldToken.kind === 'string' ||
      (fieldToken.kind === 'word' && !['AND', 'OR', 'NOT', 'IN'].includes(fieldToken.text.toUpperCase()));
    if (!isField) {
      const found = fieldToken.kind === 'end' ? 'the end of the query' : `'${fieldToken.text}'`;
      const after = this.#before(0);
      const where = after ? ` after '${after}'` : '';
      throw new QuerySyntaxError(`expected a field name${where} but found ${found}`, fieldToken.start + 1);
    }
    if (controlCharacter.test(fieldToken.text)) {
      throw new QuerySyntaxError('a field name may not contain control characters', fieldToken.start + 1);
    }
    if (++this.#conditions > this.#limits.maxConditions) {
      throw new QuerySyntaxError(
        `the query has more than ${this.#limits.maxConditions} conditions, the most this server accepts,`,
        fieldToken.start + 1,
      );
    }
    const op = this.#operator(fieldToken);
    const value = this.#value(fieldToken.start, op);
    return { kind: 'condition', field: fieldToken.text, op, value, position: fieldToken.start + 1 };
  }

  #operator(field: Token): Operator {
    const token = this.#next();
    if (token.kind === 'op') return token.text as Operator;
    if (isKeyword(token, 'IN')) return 'IN';
    if (isKeyword(token, 'NOT')) {
      const sofar = this.#before(field.start);
      const second = this.#next();
      if (isKeyword(second, 'IN')) return 'NOT IN';
      if (second.kind === 'op' && (second.text === '=' || second.text === ':'))
        return `NOT ${second.text}` as Operator;
      throw new QuerySyntaxError(`expected IN, '=' or ':' after '${sofar}'`, second.start + 1);
    }
    throw new QuerySyntaxError(
      `expected an operator (=, :, <, <=, >, >=, IN, NOT IN, NOT =) after '${field.text}'`,
      token.start + 1,
    );
  }

  #value(from: number, op: Operator): Value {
    const token = this.#peek();
    if (token.kind === 'lbracket') {
      this.#next();
      const items: Scalar[] = [];
      if (this.#peek().kind === 'rbracket') {
        this.#next();
        return { kind: 'list', items };
      }
      for (;;) {
        if (items.length === this.#limits.maxValues) {
          throw new QuerySyntaxError(
            `a list may hold at most ${this.#limits.maxValues} values, the most this server accepts,`,
            this.#peek().start + 1,
          );
        }
        items.push(this.#scalar(from));
        const sep = this.#next();
        if (sep.kind === 'rbracket') return { kind: 'list', items };
        if (sep.kind !== 'comma')
          throw new QuerySyntaxError(`expected ',' or ']' in the list`, sep.start + 1);
      }
    }
    if (op === 'IN' || op === 'NOT IN') {
      throw new QuerySyntaxError(
        `expected a list like ["a", "b"] after '${this.#before(from)}'`,
        token.start + 1,
      );
    }
    return this.#scalar(from);
  }

  #scalar(from: number): Scalar {
    const token = this.#peek();
    if (token.text.includes('\0')) throw new QuerySyntaxError('a value may not contain NUL', token.start + 1);
    if (token.kind === 'string') {
      this.#next();
      return { kind: 'string', value: token.text };
    }
    if (token.kind === 'word' && !['AND', 'OR'].includes(token.text.toUpperCase())) {
      this.#next();
      if (token.text === 'true' || token.text === 'false')
        return { kind: 'bool', value: token.text === 'true' };
      if (/^-?\d+(\.\d+)?$/.test(token.text))
        return { kind: 'number', value: Number(token.text), raw: token.text };
      return { kind: 'bareword', value: token.text };
    }
    throw new QuerySyntaxError(`expected a value after '${this.#before(from)}'`, token.start + 1);
  }
}

/** Parses a query into its tree, or throws `QuerySyntaxError` saying where and what was expected. */
export function parseQuery(query: string, limits: QueryLimits = defaultQueryLimits): QueryNode {
  if (query.length > limits.maxLength) {
    throw new QuerySyntaxError(
      `the query is longer than ${limits.maxLength} characters, the most this server accepts,`,
      limits.maxLength + 1,
    );
  }
  return new Parser(query, limits).parse();
}
