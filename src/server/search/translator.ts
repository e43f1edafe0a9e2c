import type { Expression, RawBuilder, SqlBool } from 'kysely';
import { sql } from 'kysely';
import type { AssetColumn, Filter, Predicate, Scalar } from './filter.js';

/** Turns a search filter into a WHERE clause over one of the two asset tables; one per SQL dialect. */
export interface SearchTranslator {
  /** Over `file_versions` (current files and, when asked, old versions). */
  files(filter: Filter): Expression<SqlBool>;
  /** Over `folders`; conditions on what folders do not have are false. */
  folders(filter: Filter): Expression<SqlBool>;
}

export const fileColumns: Record<AssetColumn, string> = {
  name: 'name',
  path: 'file_path',
  mime: 'mime',
  format: 'format',
  fileType: 'file_type',
  size: 'size',
  width: 'width',
  height: 'height',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  isPrivate: 'is_private',
  isPublished: 'is_published',
  hasAlpha: 'has_alpha',
};

export const folderColumns: Partial<Record<AssetColumn, string>> = {
  name: 'name',
  path: 'path',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

/** How one table answers predicates and negation. */
export interface Table {
  predicate(p: Predicate): RawBuilder<SqlBool>;
  negate(inner: RawBuilder<SqlBool>): RawBuilder<SqlBool>;
}

/** Whether a filter reads only the row's own columns (no lookup in another table or index). */
function readsRowOnly(filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return readsRowOnly(filter.left) && readsRowOnly(filter.right);
    case 'not':
      return readsRowOnly(filter.filter);
    default:
      return filter.kind === 'compare' || filter.kind === 'prefix' || filter.kind === 'type';
  }
}

export function combine(filter: Filter, table: Table): RawBuilder<SqlBool> {
  switch (filter.kind) {
    case 'and': {
      // A comparison on the row first: rows it rules out skip the lookups (same answer either way).
      const [first, second] =
        !readsRowOnly(filter.left) && readsRowOnly(filter.right)
          ? [filter.right, filter.left]
          : [filter.left, filter.right];
      return sql<SqlBool>`(${combine(first, table)} and ${combine(second, table)})`;
    }
    case 'or':
      return sql<SqlBool>`(${combine(filter.left, table)} or ${combine(filter.right, table)})`;
    case 'not':
      return table.negate(combine(filter.filter, table));
    default:
      return table.predicate(filter);
  }
}

/** IS NOT TRUE: a file without the value (a PDF's width) matches the negated condition. */
export const negateForFiles = (inner: RawBuilder<SqlBool>) => sql<SqlBool>`((${inner}) is not true)`;

/** Plain NOT keeps a folder's UNKNOWN unknown: `tags NOT IN [...]` does not list every folder. */
export const negateForFolders = (inner: RawBuilder<SqlBool>) => sql<SqlBool>`(not (${inner}))`;

/** Folder paths are stored with a trailing slash; the wire form has none. */
export const storedFolderPath = (value: unknown) => `${String(value).replace(/\/+$/, '')}/`;

/** The upper bound of a prefix range: every string starting with `prefix` sorts below it. */
export const prefixEnd = (prefix: string) => `${prefix}\u{10FFFF}`;

/** The file has an open (unresolved, not deleted) comment thread; the same SQL on both databases. */
export const hasOpenComments = sql<SqlBool>`exists (select 1 from comments where comments.file_id = file_versions.file_id
  and comments.parent_id is null and comments.resolved_at is null and comments.deleted_at is null)`;

/** Booleans are stored as 1/0. */
export const stored = (value: Scalar) => (typeof value === 'boolean' ? (value ? 1 : 0) : value);

/**
 * The file is in one of the collections named (by id, or by name in any case): the same SQL on
 * both databases, a lookup on the items' primary key.
 */
export function inCollections(names: string[]): RawBuilder<SqlBool> {
  const keys = names.map((name) => name.trim().toLowerCase());
  return sql<SqlBool>`file_versions.file_id in (select i.file_id from collection_items i
    join collections c on c.collection_id = i.collection_id
    where c.collection_id in (${sql.join(names)}) or c.name_key in (${sql.join(keys)}))`;
}

/**
 * The version's OCR text (docs/ai.md) holds every word: the same SQL on both databases, one
 * lookup of the analysis by its primary key per candidate row.
 */
export function imageTextHas(words: string[]): RawBuilder<SqlBool> {
  if (words.length === 0) return sql<SqlBool>`false`;
  const escapeLike = (w: string) => w.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql<SqlBool>`exists (select 1 from ai_analyses a where a.version_id = file_versions.version_id and ${sql.join(
    words.map((w) => sql`lower(a.text) like ${`%${escapeLike(w)}%`} escape '\\'`),
    sql` and `,
  )})`;
}
