import { type RawBuilder, type SqlBool, sql } from 'kysely';
import { badRequest } from '../errors.js';
import type { CompareOp, Predicate, Scalar } from './filter.js';
import {
  combine,
  fileColumns,
  folderColumns,
  hasOpenComments,
  imageTextHas,
  inCollections,
  negateForFiles,
  negateForFolders,
  prefixEnd,
  type SearchTranslator,
  stored,
  storedFolderPath,
  type Table,
} from './translator.js';
import { phraseQuery } from './word-index.js';

/**
 * The PostgreSQL translator answers exactly what the SQLite one does on the same rows
 * (test/server/store.test.ts compares them over thousands of queries). Text compares by bytes
 * (columns are `collate "C"`), `lower` folds ASCII only, as SQLite's does, and JSON values compare
 * the way SQLite compares what `json_each` and `json_extract` give: numbers below text, booleans
 * as 1 and 0.
 */

const TRUE = sql<SqlBool>`true`;
const FALSE = sql<SqlBool>`false`;
/** What a folder says to a question about file contents (tags, size…): unknown, even negated. */
const UNKNOWN = sql<SqlBool>`null::boolean`;

/** Columns holding integers; the rest of the asset columns hold text. */
const integerColumns = new Set([
  'size',
  'width',
  'height',
  'created_at',
  'updated_at',
  'is_private',
  'is_published',
  'has_alpha',
]);

/** PostgreSQL text cannot hold NUL, so no stored value has one; say so rather than fail. */
function text(value: string): string {
  if (value.includes('\u0000')) {
    throw badRequest('Invalid search query: text cannot contain the NUL character.', {
      reason: 'INVALID_SEARCH_QUERY',
    });
  }
  return value;
}

const param = (value: Scalar) => {
  const v = stored(value);
  return typeof v === 'string' ? text(v) : v;
};

/** `column op value` on an integer column; a fraction or huge number compares as a float, as SQLite would. */
function compareInteger(column: RawBuilder<unknown>, op: CompareOp, value: number): RawBuilder<SqlBool> {
  if (Number.isSafeInteger(value)) return sql<SqlBool>`${column} ${sql.raw(op)} ${value}`;
  return sql<SqlBool>`${column}::float8 ${sql.raw(op)} ${value}::float8`;
}

function compare(
  column: RawBuilder<unknown>,
  integer: boolean,
  op: CompareOp,
  values: Scalar[],
): RawBuilder<SqlBool> {
  const typed = values.map(param);
  if (integer) {
    const parts = typed.map((v) => compareInteger(column, op, Number(v)));
    return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
  }
  if (typed.length > 1) return sql<SqlBool>`${column} in (${sql.join(typed)})`;
  return sql<SqlBool>`${column} ${sql.raw(op)} ${typed[0]!}`;
}

/** Byte-ordered prefix match as a range, so a btree index on the column can serve it. */
function startsWith(column: RawBuilder<unknown>, prefix: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${column} >= ${text(prefix)} and ${column} < ${prefixEnd(prefix)})`;
}

/** Contains, ignoring ASCII case: SQLite's `instr(lower(x), lower(y)) > 0`. */
const contains = (column: RawBuilder<unknown>, needle: string) =>
  sql<SqlBool>`strpos(lower(${column} collate "C"), ${text(needle.toLowerCase())}) > 0`;

/**
 * A JSON value compared with a literal the way SQLite compares an untyped value: NULL is unknown,
 * numbers (booleans as 1/0) come before text and compare as numbers, text compares by bytes, and
 * an array or object is its JSON text.
 */
function compareJson(value: RawBuilder<unknown>, op: CompareOp, literal: Scalar): RawBuilder<SqlBool> {
  const v = param(literal);
  const o = sql.raw(op);
  const asText = op === '<' || op === '<=';
  if (typeof v === 'number') {
    // Text sorts after every number: it is greater, never equal.
    const textAnswer = op === '>' || op === '>=' ? TRUE : FALSE;
    return sql<SqlBool>`(case when ${value} is null then null
      when jsonb_typeof(${value}) = 'number' then (${value})::numeric ${o} ${v}::numeric
      when jsonb_typeof(${value}) = 'boolean' then (case when (${value})::boolean then 1 else 0 end) ${o} ${v}::numeric
      when jsonb_typeof(${value}) = 'null' then null
      else ${textAnswer} end)`;
  }
  // A number sorts before every text: it is less, never equal.
  const numberAnswer = asText ? TRUE : FALSE;
  return sql<SqlBool>`(case when ${value} is null then null
    when jsonb_typeof(${value}) = 'string' then (${value} #>> '{}') collate "C" ${o} ${v}
    when jsonb_typeof(${value}) in ('number', 'boolean') then ${numberAnswer}
    when jsonb_typeof(${value}) = 'null' then null
    else (${value})::text collate "C" ${o} ${v} end)`;
}

function compareJsonAny(value: RawBuilder<unknown>, op: CompareOp, values: Scalar[]): RawBuilder<SqlBool> {
  const parts = values.map((literal) => compareJson(value, values.length > 1 ? '=' : op, literal));
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** A JSON value as SQLite's `lower()` would read it: text as is, numbers as written, booleans as 1/0. */
const jsonAsText = (value: RawBuilder<unknown>) =>
  sql`(case jsonb_typeof(${value}) when 'string' then ${value} #>> '{}'
    when 'number' then ${value} #>> '{}'
    when 'boolean' then (case when (${value})::boolean then '1' else '0' end)
    when 'null' then null else (${value})::text end)`;

/** A byte-ordered prefix match on a JSON value: only text (and arrays or objects, as JSON text) can start with text. */
function jsonStartsWith(value: RawBuilder<unknown>, prefix: string): RawBuilder<SqlBool> {
  const asText = sql`(case when jsonb_typeof(${value}) = 'string' then ${value} #>> '{}'
    when jsonb_typeof(${value}) in ('array', 'object') then (${value})::text end)`;
  return sql<SqlBool>`(case when ${value} is null or jsonb_typeof(${value}) = 'null' then null
    when jsonb_typeof(${value}) in ('number', 'boolean') then false
    else ${startsWith(sql`${asText} collate "C"`, prefix)} end)`;
}

/** `$."key"` in SQLite: keys are checked to hold no quotes before they get here. */
const jsonKey = (key: string) => text(key.replaceAll('"', ''));

/**
 * JSON text as jsonb, which cannot hold NUL: an escaped NUL reads as U+FFFD. Swapping one escape
 * for another of the same length keeps the JSON valid, escaped backslashes before it or not.
 */
const asJsonb = (document: RawBuilder<unknown>) =>
  sql`replace(${document}, ${'\\u0000'}, ${'\\ufffd'})::jsonb`;

/** What `json_each(json, '$."key"')` yields: an array's elements, an object's values, or the value itself. */
function jsonEach(document: RawBuilder<unknown>, key: string) {
  const value = sql`(${asJsonb(document)} -> ${jsonKey(key)})`;
  return sql`jsonb_array_elements(case jsonb_typeof(${value})
    when 'array' then ${value}
    when 'object' then (select coalesce(jsonb_agg(m.value), '[]'::jsonb) from jsonb_each(${value}) m)
    else jsonb_build_array(${value}) end)`;
}

function metadataMatch(p: Extract<Predicate, { kind: 'metadata' }>): RawBuilder<SqlBool> {
  // The compiler gives each literal the kind of the values it is compared with.
  if (p.valueKind === 'text') {
    const column = sql.ref('text_value');
    if (p.op === 'contains') return contains(column, String(p.values[0]));
    return compare(column, false, p.op, p.values);
  }
  const column = sql.ref('number_value');
  if (p.op === 'contains') {
    return sql<SqlBool>`strpos(${column}::text, ${text(String(p.values[0]).toLowerCase())}) > 0`;
  }
  const values = p.values.map((v) => Number(stored(v)));
  if (values.length > 1) return sql<SqlBool>`${column} in (${sql.join(values)})`;
  return sql<SqlBool>`${column} ${sql.raw(p.op)} ${values[0]!}`;
}

/**
 * The version is among `rows` (row ids from the tag or metadata table). Written as a comparison so
 * PostgreSQL keeps it a hashed filter over the listing's own index walk, as SQLite does with its
 * bloom filter, instead of a join probing the table once per row walked.
 */
const inRows = (rows: RawBuilder<unknown>) => sql<SqlBool>`((file_versions.id in (${rows})) is true)`;

function filePredicate(p: Predicate): RawBuilder<SqlBool> {
  switch (p.kind) {
    case 'compare': {
      const column = fileColumns[p.column];
      return compare(sql.ref(`file_versions.${column}`), integerColumns.has(column), p.op, p.values);
    }
    case 'prefix':
      return startsWith(sql.ref(`file_versions.${fileColumns[p.column]}`), p.prefix);
    case 'words': {
      if (p.words.length === 0) return FALSE;
      // A direct condition: PostgreSQL's statistics on words tell it whether to walk or to look up.
      // Names carry their words' short prefixes (nameWords); tags, searched less by prefix, do not.
      const name = p.column === 'name';
      const column = sql.ref(name ? 'file_versions.name_words' : 'file_versions.tag_words');
      return sql<SqlBool>`${column} @@ ${phraseQuery(p.words, { prefixes: name })}::tsquery`;
    }
    case 'tags': {
      const source = p.source === 'ai' ? sql` and source = 'ai'` : sql``;
      return inRows(
        sql`select row_id from file_tags where tag in (${sql.join(p.values.map(text))})${source}`,
      );
    }
    case 'used':
      return sql<SqlBool>`exists (select 1 from file_references r where r.file_id = file_versions.file_id)`;
    case 'type': {
      const current = p.values.includes('file');
      const old = p.values.includes('file-version');
      if (current && old) return TRUE;
      if (current) return sql<SqlBool>`file_versions.is_current = 1`;
      if (old) return sql<SqlBool>`file_versions.is_current = 0`;
      return FALSE;
    }
    case 'metadata':
      return inRows(sql`select row_id from file_metadata_values
        where field = ${text(p.field)} and kind = ${p.valueKind} and ${metadataMatch(p)}`);
    case 'collection':
      return inCollections(p.values);
    case 'embedded': {
      const element = sql.ref('e.value');
      const match =
        p.op === 'prefix'
          ? jsonStartsWith(element, String(p.values[0]))
          : compareJsonAny(element, p.op, p.values);
      return sql<SqlBool>`exists (select 1 from ${jsonEach(sql.ref('file_versions.embedded_metadata'), p.key)} as e(value) where ${match})`;
    }
    case 'openComments':
      return hasOpenComments;
    case 'imageText':
      return imageTextHas(p.words);
  }
}

function folderPredicate(p: Predicate): RawBuilder<SqlBool> {
  switch (p.kind) {
    case 'compare':
    case 'prefix': {
      const column = folderColumns[p.column];
      if (!column) return UNKNOWN;
      const ref = sql.ref(`folders.${column}`);
      if (p.kind === 'prefix') return startsWith(ref, p.prefix);
      const values = p.column === 'path' ? p.values.map(storedFolderPath) : p.values;
      return compare(ref, integerColumns.has(column), p.op, values);
    }
    case 'words':
      if (p.column !== 'name') return UNKNOWN;
      if (p.words.length === 0) return FALSE;
      return sql<SqlBool>`(${sql.join(
        p.words.map((word) => contains(sql.ref('folders.name'), word)),
        sql` and `,
      )})`;
    case 'type':
      return p.values.includes('folder') ? TRUE : FALSE;
    case 'metadata': {
      const value = sql`(${asJsonb(sql.ref('folders.custom_metadata'))} -> ${jsonKey(p.field)})`;
      if (p.op === 'contains') return contains(jsonAsText(value), String(p.values[0]));
      return compareJsonAny(value, p.op, p.values);
    }
    default:
      return UNKNOWN;
  }
}

const fileTable: Table = { predicate: filePredicate, negate: negateForFiles };
const folderTable: Table = { predicate: folderPredicate, negate: negateForFolders };

export const postgresSearchTranslator: SearchTranslator = {
  files: (filter) => combine(filter, fileTable),
  folders: (filter) => combine(filter, folderTable),
};
