import colourModule from '@img/colour';
import { badRequest } from '../errors.js';

/**
 * The values inside ImageKit's transformation parameters: colours (hex, hex with opacity, or a
 * named colour), numbers with ImageKit's `N` for minus, arithmetic expressions such as
 * `bw_mul_0.4` (imagekit.io/docs/arithmetic-expressions-in-transformations) and the conditions of
 * `if-…` blocks (imagekit.io/docs/conditional-transformations).
 */

// The package's types describe an ES module; at run time its CommonJS export is the function itself.
const colour = colourModule as unknown as typeof colourModule.default;

export const invalid = (token: string, why: string) =>
  badRequest(`Invalid transformation parameter \`${token}\`: ${why}`, {
    reason: 'INVALID_TRANSFORMATION',
  });

export const unsupported = (token: string, what: string) =>
  badRequest(`Transformation parameter \`${token}\` is not supported: ${what}`, {
    reason: 'UNSUPPORTED_TRANSFORMATION',
  });

/** An RGBA colour, alpha 0–1. */
export interface Color {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

/**
 * `FF0000`, `FF000040` (ImageKit's last two digits: opacity in percent, 00–99; two hex digits
 * beyond that are read as hex alpha) or a named colour such as `red` or `lightgreen`.
 */
export function parseColor(token: string, value: string): Color {
  const hex = /^([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(value);
  if (hex) {
    const rgb = hex[1]!;
    const alpha = hex[2];
    return {
      r: Number.parseInt(rgb.slice(0, 2), 16),
      g: Number.parseInt(rgb.slice(2, 4), 16),
      b: Number.parseInt(rgb.slice(4, 6), 16),
      alpha:
        alpha === undefined
          ? 1
          : /^\d\d$/.test(alpha)
            ? Number(alpha) / 100
            : Number.parseInt(alpha, 16) / 255,
    };
  }
  if (/^[a-z]{3,24}$/.test(value)) {
    try {
      const [r, g, b] = colour(value).rgb().array() as [number, number, number];
      return { r, g, b, alpha: 1 };
    } catch {
      // Not a colour name: fall through to the message below.
    }
  }
  throw invalid(
    token,
    'colours are 6 hex digits (FF0000), optionally followed by 2 digits of opacity in percent, or a colour name such as red.',
  );
}

export const colorText = (c: Color) =>
  [c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0').toUpperCase()).join('') +
  (c.alpha === 1 ? '' : String(Math.round(c.alpha * 100)).padStart(2, '0'));

export const cssColor = (c: Color) => `rgba(${c.r},${c.g},${c.b},${c.alpha})`;

/** `12`, `0.5`, or `N12` for −12 when `negative` is allowed. */
export function parseNumber(token: string, value: string, negative = false): number {
  const match = /^(N?)(\d+(?:\.\d+)?)$/.exec(value);
  if (!match || (match[1] && !negative)) {
    throw invalid(token, negative ? 'use a number, with N for minus (N10).' : 'use a positive number.');
  }
  return match[1] ? -Number(match[2]) : Number(match[2]);
}

export const variables = ['iw', 'ih', 'iar', 'cw', 'ch', 'car', 'bw', 'bh', 'bar'] as const;
export type Variable = (typeof variables)[number];
const operators = ['add', 'sub', 'mul', 'div', 'mod', 'pow'] as const;
type Operator = (typeof operators)[number];

/** `ih_mul_0.8_add_iw_mul_0.4`: operands and the operators between them. */
export interface Expression {
  operands: Array<number | Variable>;
  operators: Operator[];
}

/** A number now, or one worked out once the sizes it names are known. */
export type Value = number | Expression;

/** The sizes an expression may name; `bw`, `bh` and `bar` only inside a layer. */
export type Sizes = Partial<Record<Variable, number>>;

const isVariable = (text: string): text is Variable => (variables as readonly string[]).includes(text);

/** Whether `value` is an expression (`iw`, `bw_mul_0.4`) rather than a plain number. */
export const isExpressionText = (value: string) => value.includes('_') || isVariable(value);

export function parseExpression(token: string, value: string): Expression {
  const parts = value.split('_');
  const operands: Array<number | Variable> = [];
  const ops: Operator[] = [];
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 1) {
      if (!(operators as readonly string[]).includes(part)) {
        throw invalid(token, `\`${part}\` is not an operator; use ${operators.join(', ')}.`);
      }
      ops.push(part as Operator);
    } else if (isVariable(part)) operands.push(part);
    else if (/^\d+(\.\d+)?$/.test(part)) operands.push(Number(part));
    else throw invalid(token, `\`${part}\` is neither a number nor one of ${variables.join(', ')}.`);
  }
  if (operands.length !== ops.length + 1) throw invalid(token, 'an expression ends with a value.');
  return { operands, operators: ops };
}

/** A plain number (with `N` when `negative`) or an arithmetic expression. */
export function parseValue(token: string, value: string, negative = false): Value {
  return isExpressionText(value) ? parseExpression(token, value) : parseNumber(token, value, negative);
}

const apply = (op: Operator, a: number, b: number): number => {
  switch (op) {
    case 'add':
      return a + b;
    case 'sub':
      return a - b;
    case 'mul':
      return a * b;
    case 'div':
      return b === 0 ? 0 : a / b;
    case 'mod':
      return b === 0 ? 0 : a % b;
    case 'pow':
      return a ** b;
  }
};

/** ImageKit's order: multiplication and division, then addition and subtraction, then mod, then pow. */
const precedence: Operator[][] = [['mul', 'div'], ['add', 'sub'], ['mod'], ['pow']];

export function evaluate(value: Value, sizes: Sizes, token = 'expression'): number {
  if (typeof value === 'number') return value;
  const numbers = value.operands.map((operand) => {
    if (typeof operand === 'number') return operand;
    const size = sizes[operand];
    if (size === undefined) {
      throw invalid(
        token,
        `\`${operand}\` is only known inside a layer (bw, bh and bar name the layer's base).`,
      );
    }
    return size;
  });
  const ops = [...value.operators];
  for (const level of precedence) {
    for (let i = 0; i < ops.length; ) {
      if (level.includes(ops[i]!)) {
        numbers.splice(i, 2, apply(ops[i]!, numbers[i]!, numbers[i + 1]!));
        ops.splice(i, 1);
      } else i++;
    }
  }
  return numbers[0]!;
}

export const valueText = (value: Value): string =>
  typeof value === 'number'
    ? value < 0
      ? `N${-value}`
      : String(value)
    : value.operands.map((o, i) => (i === 0 ? String(o) : `${value.operators[i - 1]}_${o}`)).join('_');

const properties = ['w', 'h', 'ar', 'iw', 'ih', 'iar'] as const;
type Property = (typeof properties)[number];
const comparisons = ['eq', 'ne', 'gte', 'gt', 'lte', 'lt'] as const;
type Comparison = (typeof comparisons)[number];

/** `h_gte_100_and_ar_lt_4-3`: alternatives (or) of all-of groups (and). */
export type Condition = Array<Array<{ property: Property; comparison: Comparison; value: number }>>;

export function parseCondition(token: string, text: string): Condition {
  const words = text.split('_');
  const condition: Condition = [[]];
  for (let i = 0; i < words.length; ) {
    const [property, comparison, value] = words.slice(i, i + 3);
    if (!property || !comparison || value === undefined) {
      throw invalid(token, 'a condition is {property}_{operator}_{value}, such as ar_gt_1.');
    }
    if (!(properties as readonly string[]).includes(property)) {
      throw invalid(
        token,
        `\`${property}\` is not a property a condition can test; use ${properties.join(', ')}.`,
      );
    }
    if (!(comparisons as readonly string[]).includes(comparison)) {
      throw invalid(token, `\`${comparison}\` is not a comparison; use ${comparisons.join(', ')}.`);
    }
    const ratio = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(value);
    const number = ratio ? Number(ratio[1]) / Number(ratio[2]) : Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) && !ratio) throw invalid(token, `\`${value}\` is not a number.`);
    condition
      .at(-1)!
      .push({ property: property as Property, comparison: comparison as Comparison, value: number });
    i += 3;
    const joiner = words[i];
    if (joiner === undefined) break;
    if (joiner === 'or') condition.push([]);
    else if (joiner !== 'and') throw invalid(token, 'join conditions with _and_ or _or_.');
    i++;
  }
  return condition;
}

export function holds(condition: Condition, sizes: Record<Property, number>): boolean {
  const test = ({ property, comparison, value }: Condition[number][number]) => {
    const actual = sizes[property];
    switch (comparison) {
      case 'eq':
        return Math.abs(actual - value) < 1e-9;
      case 'ne':
        return Math.abs(actual - value) >= 1e-9;
      case 'gt':
        return actual > value;
      case 'gte':
        return actual >= value;
      case 'lt':
        return actual < value;
      case 'lte':
        return actual <= value;
    }
  };
  return condition.some((all) => all.every(test));
}
