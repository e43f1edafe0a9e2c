import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { SearchTranslator } from '../search/translator.js';
import type { Dialect } from './migrations.js';
import type { SearchFields } from './postgres-search-index.js';
import type { FileRecord } from './repositories/files.js';
import type { Database } from './schema.js';

/** What differs between the databases the store runs on. */
export interface StoreDialect {
  name: Dialect;
  search: SearchTranslator;
  /** Fills the search structures the database does not keep itself (PostgreSQL; SQLite's triggers do). */
  indexForSearch?(db: Kysely<Database>, rows: SearchFields[], fresh: boolean): Promise<void>;
  /** Columns beyond schema.ts a new version is inserted with (PostgreSQL's words). */
  searchColumns?(file: FileRecord): Record<string, string>;
  /** Runs first in every `transaction`. */
  beginTransaction?(db: Kysely<Database>): Promise<void>;
}

/** What every repository works on: the database or the transaction it is part of, and its dialect. */
export interface Connection {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** Runs several statements as one: in the surrounding transaction when there is one. */
  atomically<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T>;
}

/**
 * `column` holds a folder path at or below `folder` (which ends in `/`). A range rather than
 * LIKE: names may hold `_` and `%`, and a range on a byte-ordered column uses the index.
 */
export const inFolderTree = (column: string, folder: string): Expression<SqlBool> =>
  sql<SqlBool>`(${sql.ref(column)} >= ${folder} and ${sql.ref(column)} < ${`${folder.slice(0, -1)}0`})`;

/**
 * The granted folder trees without those inside another (`/a/b/` under `/a/` adds nothing):
 * fewer ranges to test per row, and ranges that never overlap (no row matched twice).
 */
export function outermostTrees(trees: string[]): string[] {
  const kept: string[] = [];
  for (const tree of [...new Set(trees)].sort()) {
    if (!kept.some((outer) => tree.startsWith(outer))) kept.push(tree);
  }
  return kept;
}

/**
 * `column` in one of `trees`, tested as prefixes: one lookup in a list per distinct tree length
 * (`substr(folder, 1, 15) in (…)`) instead of two comparisons per tree. The same rows as
 * inFolderTree's ranges (a tree ends in `/`, so the range holds exactly what starts with it), and
 * cheaper per row; the ranges are what an index can seek, this is what a walk along another
 * index tests. Lengths count characters, as `substr` does on both databases.
 */
export function inFolderTreesByPrefix(column: string, trees: string[]): Expression<SqlBool>[] {
  const byLength = new Map<number, string[]>();
  for (const tree of outermostTrees(trees)) {
    const length = [...tree].length;
    byLength.set(length, [...(byLength.get(length) ?? []), tree]);
  }
  return [...byLength].map(
    ([length, same]) =>
      sql<SqlBool>`substr(${sql.ref(column)}, 1, ${sql.lit(length)}) in (${sql.join(same)})`,
  );
}

/**
 * What a member's grants reach, as one condition: `folderColumn` in one of the granted trees, or
 * `fileColumn` one of the granted files, or (for folder rows) `folderColumn` one of the folders
 * above them. No grants at all match nothing. `trees` says how the trees are tested: as `ranges`
 * an index on the column can seek, or as `prefixes` a walk along another index tests cheaply.
 */
export function inGranted(
  granted: { trees: string[]; fileIds: string[]; above?: string[] },
  folderColumn: string,
  fileColumn?: string,
  trees: 'ranges' | 'prefixes' = 'ranges',
): Expression<SqlBool> {
  const parts =
    trees === 'prefixes'
      ? inFolderTreesByPrefix(folderColumn, granted.trees)
      : outermostTrees(granted.trees).map((tree) => inFolderTree(folderColumn, tree));
  if (fileColumn && granted.fileIds.length > 0) {
    parts.push(sql<SqlBool>`${sql.ref(fileColumn)} in (${sql.join(granted.fileIds)})`);
  }
  if (granted.above && granted.above.length > 0) {
    parts.push(sql<SqlBool>`${sql.ref(folderColumn)} in (${sql.join(granted.above)})`);
  }
  return parts.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** A LIKE pattern (escape `!`) matching values that contain `text`, lower-cased. */
export const containsPattern = (text: string): string =>
  `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** One aggregate's queries, on the connection (the database's, or a transaction's) it was made with. */
export abstract class Repository {
  protected readonly c: Connection;

  constructor(connection: Connection) {
    this.c = connection;
  }
}
