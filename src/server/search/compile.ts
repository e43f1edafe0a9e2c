import { parseSize } from '../../shared/sizes.js';
import type { CustomMetadataFieldSchema } from '../../shared/wire.js';
import { badRequest } from '../errors.js';
import type { AssetColumn, AssetType, CompareOp, Filter, Scalar } from './filter.js';
import {
  type Condition,
  defaultQueryLimits,
  type Scalar as Literal,
  type Operator,
  parseQuery,
  type QueryLimits,
  type QueryNode,
  QuerySyntaxError,
} from './query-language.js';

export interface SearchContext {
  /** "Now" for relative dates such as `7d`. */
  now: number;
  /** Schemas of the live custom metadata fields, by name. */
  customFields: ReadonlyMap<string, CustomMetadataFieldSchema>;
  /** How big a query may be; the defaults when absent. */
  limits?: QueryLimits;
}

/**
 * Parses and checks a searchQuery, answering its filter, or a 400 whose message says what is
 * wrong and where: `Invalid search query: expected a value after 'size >' at position 7`.
 */
export function compileSearch(query: string, context: SearchContext): Filter {
  try {
    return compileNode(parseQuery(query, context.limits), context);
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw badRequest(`Invalid search query: ${error.message}`, {
        reason: 'INVALID_SEARCH_QUERY',
        help: 'See https://imagekit.io/docs/api-reference/digital-asset-management-dam/list-and-search-assets for the searchQuery language.',
      });
    }
    throw error;
  }
}

function compileNode(node: QueryNode, context: SearchContext): Filter {
  if (node.kind === 'and' || node.kind === 'or') {
    return {
      kind: node.kind,
      left: compileNode(node.left, context),
      right: compileNode(node.right, context),
    };
  }
  return compileCondition(node, context);
}

type ValueType = 'text' | 'words' | 'number' | 'size' | 'date' | 'bool';

interface FieldSpec {
  ops: readonly Operator[];
  build(condition: Condition, context: SearchContext): Filter;
}

const textOps = ['=', ':', 'IN', 'NOT =', 'NOT :', 'NOT IN'] as const;
const exactOps = ['=', 'IN', 'NOT =', 'NOT IN'] as const;
const rangeOps = ['=', '<', '<=', '>', '>=', 'IN', 'NOT =', 'NOT IN'] as const;
const boolOps = ['=', 'NOT ='] as const;
const listOps = ['=', ':', 'IN', 'NOT =', 'NOT :', 'NOT IN'] as const;

const fail = (detail: string, condition: Condition): never => {
  throw new QuerySyntaxError(detail, condition.position);
};

const negated = (op: Operator) => op.startsWith('NOT ');
const wrap = (op: Operator, filter: Filter): Filter => (negated(op) ? { kind: 'not', filter } : filter);
const baseOp = (op: Operator) => op.replace('NOT ', '') as '=' | ':' | 'IN' | '<' | '<=' | '>' | '>=';

/** The condition's literal(s): a list only after IN, and never an empty one. */
function literalsOf(condition: Condition): Literal[] {
  if (condition.value.kind !== 'list') return [condition.value];
  if (baseOp(condition.op) !== 'IN') fail(`use IN or NOT IN with a list, not ${condition.op}`, condition);
  if (condition.value.items.length === 0) fail(`the list after ${condition.op} is empty`, condition);
  return condition.value.items;
}

/** The condition's literal(s), converted to `type`. */
function values(condition: Condition, type: ValueType, context: SearchContext): Scalar[] {
  return literalsOf(condition).map((literal) => convert(literal, type, condition, context));
}

function convert(literal: Literal, type: ValueType, condition: Condition, context: SearchContext): Scalar {
  const text = literal.kind === 'number' ? literal.raw : String(literal.value);
  switch (type) {
    case 'text':
    case 'words':
      if (literal.kind === 'bool') fail(`${condition.field} needs text, not ${text}`, condition);
      return text;
    case 'number':
      if (literal.kind === 'number') return literal.value;
      if (literal.kind !== 'bool' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
      return fail(`${condition.field} needs a number, not ${JSON.stringify(text)}`, condition);
    case 'size': {
      const bytes = literal.kind === 'number' ? literal.value : parseSize(text);
      if (bytes === undefined || literal.kind === 'bool') {
        return fail(
          `${condition.field} needs a number of bytes or a size like "500kb" or "1mb", not ${JSON.stringify(text)}`,
          condition,
        );
      }
      return bytes;
    }
    case 'date': {
      const time =
        literal.kind === 'bool' || literal.kind === 'number' ? undefined : parseDate(text, context.now);
      if (time === undefined) {
        return fail(
          `${condition.field} needs a date like "2024-05-01", "2024-05-01T10:00:00" or a relative time like "7d", not ${JSON.stringify(text)}`,
          condition,
        );
      }
      return time;
    }
    case 'bool':
      if (literal.kind === 'bool') return literal.value;
      if (text === 'true' || text === 'false') return text === 'true';
      return fail(`${condition.field} needs true or false, not ${JSON.stringify(text)}`, condition);
  }
}

const relativeUnits: Record<string, (date: Date, n: number) => void> = {
  h: (d, n) => d.setTime(d.getTime() - n * 3_600_000),
  d: (d, n) => d.setTime(d.getTime() - n * 86_400_000),
  w: (d, n) => d.setTime(d.getTime() - n * 7 * 86_400_000),
  m: (d, n) => d.setUTCMonth(d.getUTCMonth() - n),
  y: (d, n) => d.setUTCFullYear(d.getUTCFullYear() - n),
};

/** `7d` (seven days ago), `2024-05-01` (UTC midnight) or a full ISO time; epoch ms, or undefined. */
export function parseDate(text: string, now: number): number | undefined {
  const relative = /^(\d+)\s*([hdwmy])$/.exec(text.trim());
  if (relative) {
    const date = new Date(now);
    relativeUnits[relative[2]!]!(date, Number(relative[1]));
    return date.getTime();
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  if (!iso) return undefined;
  // A time without a zone is UTC, as a date without a time is UTC midnight.
  const withZone = iso[1] && !iso[4] ? `${text.trim()}Z` : text.trim();
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : time;
}

/** `createdAt = "2024-05-01"` means that whole day; a full time means that second. */
function dateEquality(column: AssetColumn, times: number[], condition: Condition): Filter {
  const literals = literalsOf(condition);
  const spans = times.map((time, i) => {
    const text = String(literals[i]!.kind === 'number' ? '' : literals[i]!.value);
    const length =
      /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) || /^\d+\s*[dwmy]$/.test(text.trim()) ? 86_400_000 : 1000;
    const span: Filter = {
      kind: 'and',
      left: { kind: 'compare', column, op: '>=', values: [time] },
      right: { kind: 'compare', column, op: '<', values: [time + length] },
    };
    return span;
  });
  return spans.reduce((left, right) => ({ kind: 'or', left, right }));
}

function columnField(column: AssetColumn, type: ValueType, ops: readonly Operator[]): FieldSpec {
  return {
    ops,
    build(condition, context) {
      const op = baseOp(condition.op);
      const converted = values(condition, type === 'words' ? 'text' : type, context);
      if (op === ':') {
        if (type === 'words')
          return wrap(condition.op, {
            kind: 'words',
            column: 'name',
            words: phraseWords(converted[0] as string, condition, context),
          });
        return wrap(condition.op, { kind: 'prefix', column, prefix: converted[0] as string });
      }
      if (type === 'date' && (op === '=' || op === 'IN')) {
        return wrap(condition.op, dateEquality(column, converted as number[], condition));
      }
      const compareOp: CompareOp = op === 'IN' ? '=' : op;
      return wrap(condition.op, { kind: 'compare', column, op: compareOp, values: converted });
    },
  };
}

/** Splits text into the words the full-text index holds (letters and digits of any script). */
export function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** The words of a `:` phrase, no more than a list may hold values: each one is a term of the SQL. */
function phraseWords(text: string, condition: Condition, context: SearchContext): string[] {
  const found = words(text);
  const { maxValues } = context.limits ?? defaultQueryLimits;
  if (found.length > maxValues) {
    fail(`a : phrase may hold at most ${maxValues} words, the most this server accepts,`, condition);
  }
  return found;
}

function tagsField(source: 'any' | 'ai'): FieldSpec {
  return {
    ops: listOps,
    build(condition, context) {
      const converted = values(condition, 'text', context) as string[];
      if (baseOp(condition.op) === ':') {
        const found = phraseWords(converted[0]!, condition, context);
        // Text read from the image counts as the file's words too (docs/ai.md).
        return wrap(condition.op, {
          kind: 'or',
          left: { kind: 'words', column: 'tags', words: found },
          right: { kind: 'imageText', words: found },
        });
      }
      return wrap(condition.op, { kind: 'tags', source, values: converted });
    },
  };
}

const assetTypes: readonly AssetType[] = ['file', 'file-version', 'folder'];

const typeField: FieldSpec = {
  ops: exactOps,
  build(condition, context) {
    const converted = values(condition, 'text', context) as string[];
    for (const value of converted) {
      if (!assetTypes.includes(value as AssetType)) {
        fail(`type is one of "file", "file-version" or "folder", not ${JSON.stringify(value)}`, condition);
      }
    }
    return wrap(condition.op, { kind: 'type', values: converted as AssetType[] });
  },
};

const fields: Record<string, FieldSpec> = {
  name: columnField('name', 'words', textOps),
  tags: tagsField('any'),
  AITags: tagsField('ai'),
  type: typeField,
  fileType: {
    ops: exactOps,
    build(condition, context) {
      const converted = values(condition, 'text', context) as string[];
      for (const value of converted) {
        if (value !== 'image' && value !== 'non-image')
          fail(`fileType is "image" or "non-image", not ${JSON.stringify(value)}`, condition);
      }
      return wrap(condition.op, { kind: 'compare', column: 'fileType', op: '=', values: converted });
    },
  },
  mime: columnField('mime', 'text', textOps),
  format: columnField('format', 'text', exactOps),
  filePath: columnField('path', 'text', textOps),
  path: columnField('path', 'text', textOps),
  size: columnField('size', 'size', rangeOps),
  width: columnField('width', 'number', rangeOps),
  height: columnField('height', 'number', rangeOps),
  createdAt: columnField('createdAt', 'date', rangeOps),
  updatedAt: columnField('updatedAt', 'date', rangeOps),
  isPrivateFile: columnField('isPrivate', 'bool', boolOps),
  private: columnField('isPrivate', 'bool', boolOps),
  isPublished: columnField('isPublished', 'bool', boolOps),
  published: columnField('isPublished', 'bool', boolOps),
  collection: {
    ops: exactOps,
    build(condition, context) {
      const named = values(condition, 'text', context) as string[];
      return wrap(condition.op, { kind: 'collection', values: named });
    },
  },
  // Beyond ImageKit: whether a place uses the file (docs/server.md "Where used"); `used = false` finds unused files.
  used: {
    ops: boolOps,
    build(condition, context) {
      const [value] = values(condition, 'bool', context) as boolean[];
      const used: Filter = { kind: 'used' };
      return wrap(condition.op, value ? used : { kind: 'not', filter: used });
    },
  },
  transparency: columnField('hasAlpha', 'bool', boolOps),
  hasAlpha: columnField('hasAlpha', 'bool', boolOps),
  // Ours, beyond ImageKit: `text : "sale"`, words read from the image by OCR (docs/ai.md).
  text: {
    ops: [':', 'NOT :'],
    build(condition, context) {
      const [phrase] = values(condition, 'text', context) as string[];
      return wrap(condition.op, { kind: 'imageText', words: phraseWords(phrase!, condition, context) });
    },
  },
  // Ours, beyond ImageKit: `hasOpenComments = true` (docs/comments.md).
  hasOpenComments: {
    ops: boolOps,
    build(condition, context) {
      const [value] = values(condition, 'bool', context);
      return wrap(
        condition.op,
        value ? { kind: 'openComments' } : { kind: 'not', filter: { kind: 'openComments' } },
      );
    },
  },
};

function customMetadataField(name: string, schema: CustomMetadataFieldSchema): FieldSpec {
  const kind = (): { valueKind: 'text' | 'number' | 'bool'; type: ValueType; ops: readonly Operator[] } => {
    switch (schema.type) {
      case 'Number':
        return { valueKind: 'number', type: 'number', ops: rangeOps };
      case 'Date':
        return { valueKind: 'text', type: 'text', ops: rangeOps };
      case 'Boolean':
        return { valueKind: 'bool', type: 'bool', ops: boolOps };
      case 'SingleSelect':
        return { valueKind: 'text', type: 'text', ops: [...textOps, '<', '<=', '>', '>='] };
      case 'MultiSelect':
        return { valueKind: 'text', type: 'text', ops: listOps };
      default:
        return { valueKind: 'text', type: 'text', ops: textOps };
    }
  };
  const { valueKind, type, ops } = kind();
  return {
    ops,
    build(condition, context) {
      const op = baseOp(condition.op);
      // Select options may be numbers or booleans; each literal keeps its own kind there.
      const typed =
        schema.type === 'SingleSelect' || schema.type === 'MultiSelect'
          ? literalsOf(condition).map((l) => ({ valueKind: literalKind(l), value: l.value }))
          : values(condition, type, context).map((value) => ({ valueKind, value }));
      const perKind = typed.map(
        ({ valueKind: k, value }): Filter => ({
          kind: 'metadata',
          field: name,
          valueKind: k,
          op: op === 'IN' ? '=' : op === ':' ? 'contains' : op,
          values: [schema.type === 'Date' ? normaliseDate(String(value), context, condition) : value],
        }),
      );
      return wrap(
        condition.op,
        perKind.reduce((left, right) => ({ kind: 'or', left, right })),
      );
    },
  };
}

function literalKind(literal: Literal): 'text' | 'number' | 'bool' {
  return literal.kind === 'number' ? 'number' : literal.kind === 'bool' ? 'bool' : 'text';
}

/** Date fields hold ISO text; relative dates become ISO text so the comparison stays textual. */
function normaliseDate(text: string, context: SearchContext, condition: Condition): string {
  if (/^\d+\s*[hdwmy]$/.test(text.trim())) return new Date(parseDate(text, context.now)!).toISOString();
  if (parseDate(text, context.now) === undefined)
    fail(`${condition.field} needs a date like "2024-05-01"`, condition);
  return text.trim();
}

function embeddedMetadataField(key: string): FieldSpec {
  return {
    ops: [...rangeOps, ':', 'NOT :'],
    build(condition) {
      if (key === 'LocationTaken') fail('searching by location is not supported on this server', condition);
      const op = baseOp(condition.op);
      return wrap(condition.op, {
        kind: 'embedded',
        key,
        op: op === 'IN' ? '=' : op === ':' ? 'prefix' : op,
        values: literalsOf(condition).map((l) => l.value),
      });
    },
  };
}

function specFor(condition: Condition, context: SearchContext): FieldSpec {
  const field = condition.field;
  const [group, ...rest] = field.split('.');
  const key = rest.join('.');
  if (group === 'customMetadata' && key) {
    const schema = context.customFields.get(key);
    if (!schema) {
      const known = [...context.customFields.keys()].join(', ') || 'none defined';
      return fail(`'${key}' is not a custom metadata field (fields: ${known})`, condition);
    }
    return customMetadataField(key, schema);
  }
  if (group === 'embeddedMetadata' && key) return embeddedMetadataField(key);
  const spec = fields[field];
  if (!spec) {
    return fail(
      `unknown field '${field}'; use one of ${Object.keys(fields).join(', ')}, "customMetadata.<field>" or "embeddedMetadata.<key>"`,
      condition,
    );
  }
  return spec;
}

function compileCondition(condition: Condition, context: SearchContext): Filter {
  const spec = specFor(condition, context);
  if (!spec.ops.includes(condition.op)) {
    fail(`${condition.field} does not support ${condition.op}; use ${spec.ops.join(', ')}`, condition);
  }
  return spec.build(condition, context);
}
