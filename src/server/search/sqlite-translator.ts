import { type RawBuilder, type SqlBool, sql } from 'kysely';
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

const TRUE = sql<SqlBool>`1`;
const FALSE = sql<SqlBool>`0`;
/** What a folder says to a question about file contents (tags, size…): unknown, even negated. */
const UNKNOWN = sql<SqlBool>`null`;

function compare(column: RawBuilder<unknown>, op: CompareOp, values: Scalar[]): RawBuilder<SqlBool> {
  if (values.length > 1) return sql<SqlBool>`${column} in (${sql.join(values.map(stored))})`;
  return sql<SqlBool>`${column} ${sql.raw(op)} ${stored(values[0]!)}`;
}

/** Byte-ordered prefix match as a range, so an index on the column can serve it. */
function startsWith(column: RawBuilder<unknown>, prefix: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${column} >= ${prefix} and ${column} < ${prefixEnd(prefix)})`;
}

const contains = (column: RawBuilder<unknown>, text: string) =>
  sql<SqlBool>`instr(lower(${column}), ${text.toLowerCase()}) > 0`;

/** FTS5 phrase whose last word is a prefix: `name : "red dr"*`. Words hold letters and digits only. */
const ftsPhrase = (column: 'name' | 'tags', words: string[]) => `${column} : "${words.join(' ')}"*`;

function filePredicate(p: Predicate): RawBuilder<SqlBool> {
  switch (p.kind) {
    case 'compare':
      return compare(sql.ref(`file_versions.${fileColumns[p.column]}`), p.op, p.values);
    case 'prefix':
      return startsWith(sql.ref(`file_versions.${fileColumns[p.column]}`), p.prefix);
    case 'words':
      if (p.words.length === 0) return FALSE;
      return sql<SqlBool>`file_versions.id in (select rowid from file_search where file_search match ${ftsPhrase(p.column, p.words)})`;
    case 'tags': {
      const source = p.source === 'ai' ? sql` and source = 'ai'` : sql``;
      return sql<SqlBool>`file_versions.id in (select row_id from file_tags where tag in (${sql.join(p.values)})${source})`;
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
    case 'metadata': {
      const value = sql.ref('value');
      const match =
        p.op === 'contains' ? contains(value, String(p.values[0])) : compare(value, p.op, p.values);
      return sql<SqlBool>`file_versions.id in (select row_id from file_metadata_values
        where field = ${p.field} and kind = ${p.valueKind} and ${match})`;
    }
    case 'collection':
      return inCollections(p.values);
    case 'embedded': {
      const value = sql.ref('value');
      const match =
        p.op === 'prefix' ? startsWith(value, String(p.values[0])) : compare(value, p.op, p.values);
      // json_each yields the value itself for a scalar and each element for a list (Keywords).
      return sql<SqlBool>`exists (select 1 from json_each(file_versions.embedded_metadata, ${jsonPath(p.key)}) where ${match})`;
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
      return compare(ref, p.op, values);
    }
    case 'words':
      if (p.column !== 'name') return UNKNOWN;
      if (p.words.length === 0) return FALSE;
      return sql<SqlBool>`(${sql.join(
        p.words.map((word) => sql`instr(lower(folders.name), ${word.toLowerCase()}) > 0`),
        sql` and `,
      )})`;
    case 'type':
      return p.values.includes('folder') ? TRUE : FALSE;
    case 'metadata': {
      const value = sql`json_extract(folders.custom_metadata, ${jsonPath(p.field)})`;
      return p.op === 'contains' ? contains(value, String(p.values[0])) : compare(value, p.op, p.values);
    }
    default:
      return UNKNOWN;
  }
}

/** `$."key"`: keys are checked to hold no quotes before they get here. */
function jsonPath(key: string): string {
  return `$."${key.replaceAll('"', '')}"`;
}

const fileTable: Table = { predicate: filePredicate, negate: negateForFiles };
const folderTable: Table = { predicate: folderPredicate, negate: negateForFolders };

export const sqliteSearchTranslator: SearchTranslator = {
  files: (filter) => combine(filter, fileTable),
  folders: (filter) => combine(filter, folderTable),
};
