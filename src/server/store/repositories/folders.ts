import { sql } from 'kysely';
import type { CustomMetadataValue } from '../../../shared/wire.js';
import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { ListQuery, SortColumn } from '../list-query.js';
import { asIs, bigint, json, RowMapper } from '../row-mapper.js';
import type { FolderTable } from '../schema.js';

export interface FolderRecord {
  folderId: string;
  /** With a trailing slash: `/a/b/`. */
  path: string;
  parent: string;
  name: string;
  customMetadata: Record<string, CustomMetadataValue>;
  createdAt: number;
  updatedAt: number;
}

export type FolderPatch = Partial<Pick<FolderRecord, 'path' | 'parent' | 'name' | 'updatedAt'>>;

const folderRows = new RowMapper<FolderRecord, FolderTable>({
  folderId: asIs('folder_id'),
  path: asIs('path'),
  parent: asIs('parent'),
  name: asIs('name'),
  customMetadata: json('custom_metadata'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Folders have no size or dimensions: sorting by those sorts them by name. */
const sortColumns: Record<SortColumn, keyof FolderTable> = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  height: 'name',
  width: 'name',
  size: 'name',
};

/** Folders, one row each but the root `/`, which always exists. */
export class FolderRepository extends Repository {
  get(path: string): Promise<FolderRecord | undefined> {
    return folderRows.first(this.c.db.selectFrom('folders').selectAll().where('path', '=', path));
  }

  /** Inserts the folder unless its path exists; answers whether it inserted. */
  async insertIfMissing(folder: FolderRecord): Promise<boolean> {
    const result = await this.c.db
      .insertInto('folders')
      .values(folderRows.toRow(folder))
      .onConflict((oc) => oc.column('path').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** The folder and every folder beneath it, shallowest first. */
  listTree(path: string): Promise<FolderRecord[]> {
    return folderRows.all(
      this.c.db
        .selectFrom('folders')
        .selectAll()
        .where(inFolderTree('path', path))
        .orderBy(sql`length(path)`)
        .orderBy('path'),
    );
  }

  async update(folderId: string, patch: FolderPatch): Promise<void> {
    await this.c.db
      .updateTable('folders')
      .set(folderRows.toPatch(patch))
      .where('folder_id', '=', folderId)
      .execute();
  }

  async delete(folderId: string): Promise<void> {
    await this.c.db.deleteFrom('folders').where('folder_id', '=', folderId).execute();
  }

  /** Deletes the folder and every folder beneath it (not their files: see FileRepository.deleteInTree). */
  async deleteTree(path: string): Promise<void> {
    await this.c.db.deleteFrom('folders').where(inFolderTree('path', path)).execute();
  }

  /** How many folders `query` lists. */
  async count(query: ListQuery): Promise<number> {
    const row = await this.#matching(query)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One page of the folders `query` lists, in its order. */
  list(query: ListQuery, skip: number, limit: number): Promise<FolderRecord[]> {
    return folderRows.all(
      this.#matching(query)
        .selectAll()
        .orderBy(sortColumns[query.sort.column], query.sort.direction)
        .orderBy('folder_id', query.sort.direction)
        .limit(limit)
        .offset(skip),
    );
  }

  #matching(query: ListQuery) {
    let q = this.c.db.selectFrom('folders');
    if (query.folder !== undefined) q = q.where('parent', '=', query.folder);
    if (query.within !== undefined) q = q.where(inFolderTree('path', query.within));
    // The search first: a condition no folder can meet (`tags IN […]`) is then settled once, not
    // after seeking every granted tree; the grants as prefixes, tested on the rows the rest leaves.
    if (query.filter !== undefined) q = q.where(this.c.dialect.search.folders(query.filter));
    if (query.granted !== undefined) q = q.where(inGranted(query.granted, 'path', undefined, 'prefixes'));
    return q;
  }
}
