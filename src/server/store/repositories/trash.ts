import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { GrantedSet } from '../list-query.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { TrashItemTable } from '../schema.js';
import type { FileRecord } from './files.js';
import type { FolderRecord } from './folders.js';

/** A deleted file or folder waiting in the trash until `purgeAt`. Times are epoch ms. */
export interface TrashItemRecord {
  /** The file's fileId, or the folder's folderId. */
  itemId: string;
  kind: 'file' | 'folder';
  /** Where it was, and where a restore puts it back: `/a/b.png` or `/a/b/`. */
  path: string;
  name: string;
  /** Bytes of every version it holds. */
  size: number;
  fileCount: number;
  /** The audit log's name for who deleted it. */
  deletedBy: string | null;
  deletedAt: number;
  purgeAt: number;
}

/** What an item took with it: file versions and (for a folder) the folders beneath. */
export interface TrashContents {
  versions: FileRecord[];
  folders: FolderRecord[];
}

const itemRows = new RowMapper<TrashItemRecord, TrashItemTable>({
  itemId: asIs('item_id'),
  kind: asIs('kind'),
  path: asIs('path'),
  name: asIs('name'),
  size: bigint('size'),
  fileCount: bigint('file_count'),
  deletedBy: asIs('deleted_by'),
  deletedAt: bigint('deleted_at'),
  purgeAt: bigint('purge_at'),
});

/** Rows per multi-row insert: well under both databases' limits on bound parameters. */
const insertBatch = 500;

/** Which trash items a listing shows: inside a session's folder and a member's grants. */
export interface TrashQuery {
  within?: string;
  granted?: GrantedSet;
  skip: number;
  limit: number;
}

/**
 * The trash. A deleted file's or folder's rows move here from the live tables, so every listing,
 * search, count, tag list and delivery misses it without a condition of its own; blobs stay put.
 */
export class TrashRepository extends Repository {
  async insert(item: TrashItemRecord, contents: TrashContents): Promise<void> {
    const rows = [
      ...contents.folders.map((f) => ({ kind: 'folder', record: JSON.stringify(f), blob_key: null })),
      ...contents.versions.map((v) => ({ kind: 'version', record: JSON.stringify(v), blob_key: v.blobKey })),
    ];
    await this.c.atomically(async (db) => {
      await db.insertInto('trash_items').values(itemRows.toRow(item)).execute();
      for (let start = 0; start < rows.length; start += insertBatch) {
        await db
          .insertInto('trash_rows')
          .values(rows.slice(start, start + insertBatch).map((r) => ({ item_id: item.itemId, ...r })))
          .execute();
      }
    });
  }

  get(itemId: string): Promise<TrashItemRecord | undefined> {
    return itemRows.first(this.c.db.selectFrom('trash_items').selectAll().where('item_id', '=', itemId));
  }

  /** Newest deletions first. */
  list(query: TrashQuery): Promise<TrashItemRecord[]> {
    return itemRows.all(
      this.#matching(query)
        .selectAll()
        .orderBy('deleted_at', 'desc')
        .orderBy('item_id', 'desc')
        .limit(query.limit)
        .offset(query.skip),
    );
  }

  async count(query: Omit<TrashQuery, 'skip' | 'limit'>): Promise<number> {
    const row = await this.#matching({ ...query, skip: 0, limit: 0 })
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every item's id the query matches (emptying the trash). */
  async ids(query: Omit<TrashQuery, 'skip' | 'limit'>): Promise<string[]> {
    const rows = await this.#matching({ ...query, skip: 0, limit: 0 })
      .select('item_id')
      .execute();
    return rows.map((r) => r.item_id);
  }

  async contents(itemId: string): Promise<TrashContents> {
    const rows = await this.c.db
      .selectFrom('trash_rows')
      .select(['kind', 'record'])
      .where('item_id', '=', itemId)
      .orderBy('id')
      .execute();
    const contents: TrashContents = { versions: [], folders: [] };
    for (const row of rows) {
      if (row.kind === 'folder') contents.folders.push(JSON.parse(row.record) as FolderRecord);
      else contents.versions.push(JSON.parse(row.record) as FileRecord);
    }
    return contents;
  }

  /** Removes the item and its rows (restored, or gone for good); answers the blob keys it held. */
  async remove(itemId: string): Promise<string[]> {
    return this.c.atomically(async (db) => {
      const rows = await db
        .deleteFrom('trash_rows')
        .where('item_id', '=', itemId)
        .returning('blob_key')
        .execute();
      await db.deleteFrom('trash_items').where('item_id', '=', itemId).execute();
      return rows.flatMap((r) => (r.blob_key === null ? [] : [r.blob_key]));
    });
  }

  /**
   * Up to `limit` items whose time is up, locked for this transaction: nodes purging at once each
   * skip the rows another is taking (SQLite has one writer anyway).
   */
  async claimExpired(now: number, limit: number): Promise<TrashItemRecord[]> {
    const q = this.c.db
      .selectFrom('trash_items')
      .selectAll()
      .where('purge_at', '<=', now)
      .orderBy('purge_at')
      .limit(limit);
    return itemRows.all(this.c.dialect.name === 'postgres' ? q.forUpdate().skipLocked() : q);
  }

  #matching(query: TrashQuery) {
    let q = this.c.db.selectFrom('trash_items');
    if (query.within !== undefined) q = q.where(inFolderTree('path', query.within));
    if (query.granted !== undefined) {
      q = q.where(
        inGranted({ trees: query.granted.trees, fileIds: query.granted.fileIds }, 'path', 'item_id'),
      );
    }
    return q;
  }
}
