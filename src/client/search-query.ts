/**
 * Writes ImageKit's `searchQuery` language (`field op value`, AND/OR, parentheses), so callers
 * never build queries by string concatenation. Strings are quoted and escaped; field names with
 * a dot (`customMetadata.price`) are quoted as ImageKit's docs write them.
 */

export type QueryOperator = '=' | ':' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'NOT =' | 'NOT :';
export type QueryScalar = string | number | boolean;

/** `"text"` with backslashes and double quotes escaped. */
export function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function literal(value: QueryScalar): string {
  return typeof value === 'string' ? quote(value) : String(value);
}

function fieldName(field: string): string {
  return /^[A-Za-z_][\w]*$/.test(field) ? field : quote(field);
}

/** One condition: `condition('tags', 'IN', ['a', 'b'])` → `tags IN ["a", "b"]`. */
export function condition(field: string, op: QueryOperator, value: QueryScalar | QueryScalar[]): string {
  const written = Array.isArray(value) ? `[${value.map(literal).join(', ')}]` : literal(value);
  return `${fieldName(field)} ${op} ${written}`;
}

const join = (parts: Array<string | undefined | false>, joiner: 'AND' | 'OR'): string => {
  const present = parts.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (present.length === 1) return present[0]!;
  // A part that itself joins conditions keeps its meaning only in parentheses.
  return present.map((p) => (/\s(AND|OR)\s/i.test(p) ? `(${p})` : p)).join(` ${joiner} `);
};

/** Every part must hold; empty parts are left out. */
export const allOf = (...parts: Array<string | undefined | false>): string => join(parts, 'AND');

/** Any part may hold; empty parts are left out. */
export const anyOf = (...parts: Array<string | undefined | false>): string => join(parts, 'OR');
