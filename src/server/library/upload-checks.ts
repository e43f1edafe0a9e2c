import { parseSize } from '../../shared/sizes.js';
import { badRequest, messages } from '../errors.js';
import {
  type Condition,
  parseQuery,
  type QueryNode,
  QuerySyntaxError,
  type Scalar,
} from '../search/query-language.js';

/** What an upload's `checks` expression may look at. */
export interface CheckSubject {
  file: { size: number; mime: string; width: number | null; height: number | null };
  request: { folder: string; fileName: string; tags: string[] };
}

type Field = (s: CheckSubject) => string | number | string[] | null;

const fields: Record<string, Field> = {
  'file.size': (s) => s.file.size,
  'file.mime': (s) => s.file.mime,
  'file.width': (s) => s.file.width,
  'file.height': (s) => s.file.height,
  'request.folder': (s) => s.request.folder,
  'request.fileName': (s) => s.request.fileName,
  'request.tags': (s) => s.request.tags,
};

/**
 * Parses a `checks` expression up front, so bad syntax fails before any bytes are judged.
 * Example: `"file.size" < "1mb" AND "file.mime" : "image/"`.
 */
export function parseChecks(expression: string): QueryNode {
  try {
    const tree = parseQuery(expression);
    assertKnownFields(tree);
    return tree;
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw badRequest(messages.invalidChecksSyntax, {
        help: `The checks expression has an error: ${error.message}.`,
      });
    }
    throw error;
  }
}

function assertKnownFields(node: QueryNode): void {
  if (node.kind !== 'condition') {
    assertKnownFields(node.left);
    assertKnownFields(node.right);
    return;
  }
  if (!(node.field in fields)) {
    throw new QuerySyntaxError(
      `unknown field '${node.field}'; checks can use ${Object.keys(fields).join(', ')}`,
      node.position,
    );
  }
}

/** Throws ImageKit's "failed checks" 400 unless the subject satisfies the expression. */
export function enforceChecks(tree: QueryNode, subject: CheckSubject): void {
  if (!evaluate(tree, subject)) throw badRequest(messages.failedChecks);
}

function evaluate(node: QueryNode, subject: CheckSubject): boolean {
  if (node.kind === 'and') return evaluate(node.left, subject) && evaluate(node.right, subject);
  if (node.kind === 'or') return evaluate(node.left, subject) || evaluate(node.right, subject);
  return evaluateCondition(node, subject);
}

function evaluateCondition(condition: Condition, subject: CheckSubject): boolean {
  const actual = fields[condition.field]!(subject);
  if (actual === null) return false;
  const { op, value } = condition;
  if (op === 'IN' || op === 'NOT IN') {
    if (value.kind !== 'list') return false;
    const norm = (v: string | number | null) =>
      typeof v === 'string' ? normaliseFolder(condition.field, v) : v;
    const wanted = value.items.map((item) => norm(scalarFor(actual, item)));
    const hit = (Array.isArray(actual) ? actual : [actual]).some((a) => wanted.includes(norm(a)));
    return op === 'IN' ? hit : !hit;
  }
  if (value.kind === 'list') return false;
  const expected = scalarFor(actual, value);
  if (Array.isArray(actual)) {
    const hit = actual.some((a) => compare(op.replace('NOT ', ''), a, expected, condition.field));
    return op.startsWith('NOT ') ? !hit : hit;
  }
  return compare(op, actual, expected, condition.field);
}

function compare(
  op: string,
  actual: string | number,
  expected: string | number | null,
  field: string,
): boolean {
  if (expected === null) return false;
  if (typeof actual === 'number') {
    if (typeof expected !== 'number') return false;
    switch (op) {
      case '=':
        return actual === expected;
      case 'NOT =':
        return actual !== expected;
      case '<':
        return actual < expected;
      case '<=':
        return actual <= expected;
      case '>':
        return actual > expected;
      case '>=':
        return actual >= expected;
      default:
        return false;
    }
  }
  const a = normaliseFolder(field, actual);
  const e = normaliseFolder(field, String(expected));
  switch (op) {
    case '=':
      return a === e;
    case 'NOT =':
      return a !== e;
    case ':':
      return a.startsWith(e);
    case 'NOT :':
      return !a.startsWith(e);
    default:
      return false;
  }
}

/** Folders compare without their leading slash, the way ImageKit's examples write them (`marketing/`). */
function normaliseFolder(field: string, text: string): string {
  return field === 'request.folder' ? text.replace(/^\/+/, '') : text;
}

/** Reads a literal in the type of the field it is compared with: sizes for numbers, text otherwise. */
function scalarFor(actual: unknown, scalar: Scalar): string | number | null {
  if (typeof actual === 'number') {
    if (scalar.kind === 'number') return scalar.value;
    if (scalar.kind === 'string' || scalar.kind === 'bareword') return parseSize(scalar.value) ?? null;
    return null;
  }
  if (scalar.kind === 'number') return scalar.raw;
  return String(scalar.value);
}
