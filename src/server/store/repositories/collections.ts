import { sql } from 'kysely';
import { inFolderTree, inGranted, Repository } from '../connection.js';
import type { ListQuery } from '../list-query.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { CollectionTable } from '../schema.js';

/** A named, ordered set of files from any folders. Times are epoch ms. */
export interface CollectionRecord {
  id: string;
  name: string;
  description: string;
  /** The DAM user who made it; null when a key or a session without a user did. */
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type CollectionPatch = Partial<Pick<CollectionRecord, 'name' | 'description' | 'updatedAt'>>;

const rows = new RowMapper<CollectionRecord, CollectionTable>({
  id: asIs('collection_id'),
  name: asIs('name'),
  description: asIs('description'),
  createdBy: asIs('created_by'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** The key a name is unique by: one name is one collection however it is typed. */
export const collectionNameKey = (name: string) => name.trim().toLowerCase();

/** Collections and their items (file ids in order); the files themselves are the file repository's. */
export class CollectionRepository extends Repository {
  /** Every collection, by name. */
  list(): Promise<CollectionRecord[]> {
    return rows.all(
      this.c.db.selectFrom('collections').selectAll().orderBy('name_key').orderBy('collection_id'),
    );
  }

  get(id: string): Promise<CollectionRecord | undefined> {
    return rows.first(this.c.db.selectFrom('collections').selectAll().where('collection_id', '=', id));
  }

  findByName(name: string): Promise<CollectionRecord | undefined> {
    return rows.first(
      this.c.db.selectFrom('collections').selectAll().where('name_key', '=', collectionNameKey(name)),
    );
  }

  async insert(record: CollectionRecord): Promise<void> {
    await this.c.db
      .insertInto('collections')
      .values({ ...rows.toRow(record), name_key: collectionNameKey(record.name) })
      .execute();
  }

  async update(id: string, patch: CollectionPatch): Promise<void> {
    await this.c.db
      .updateTable('collections')
      .set({
        ...rows.toPatch(patch),
        ...(patch.name !== undefined && { name_key: collectionNameKey(patch.name) }),
      })
      .where('collection_id', '=', id)
      .execute();
  }

  /** Deletes the collection, its items (never the files) and the grants on it. */
  async delete(id: string): Promise<void> {
    await this.c.atomically(async (db) => {
      await db.deleteFrom('collection_items').where('collection_id', '=', id).execute();
      await db
        .deleteFrom('grants')
        .where('target_type', '=', 'collection')
        .where('target', '=', id)
        .execute();
      await db.deleteFrom('collections').where('collection_id', '=', id).execute();
    });
  }

  /**
   * How many current files each collection holds that `scope` lets through (a session's folder, a
   * member's grants), in one grouped query; collections with none are absent.
   */
  async visibleCounts(scope: Pick<ListQuery, 'within' | 'granted'>): Promise<Map<string, number>> {
    const within = scope.within === undefined ? sql`` : sql`and ${inFolderTree('v.folder', scope.within)}`;
    const granted =
      scope.granted === undefined
        ? sql``
        : sql`and ${inGranted({ trees: scope.granted.trees, fileIds: scope.granted.fileIds }, 'v.folder', 'v.file_id')}`;
    const result = await sql<{ id: string; n: number | string }>`
      select i.collection_id as id, count(*) as n from collection_items i
      join file_versions v on v.file_id = i.file_id and v.is_current = 1
      where 1 = 1 ${within} ${granted}
      group by i.collection_id`.execute(this.c.db);
    return new Map(result.rows.map((r) => [r.id, Number(r.n)]));
  }

  /** The collection's file ids in its order. */
  async itemIds(id: string): Promise<string[]> {
    const found = await this.c.db
      .selectFrom('collection_items')
      .select('file_id')
      .where('collection_id', '=', id)
      .orderBy('position')
      .orderBy('file_id')
      .execute();
    return found.map((r) => r.file_id);
  }

  /** Which of these files the collection holds. */
  async holding(id: string, fileIds: string[]): Promise<Set<string>> {
    if (fileIds.length === 0) return new Set();
    const found = await this.c.db
      .selectFrom('collection_items')
      .select('file_id')
      .where('collection_id', '=', id)
      .where('file_id', 'in', fileIds)
      .execute();
    return new Set(found.map((r) => r.file_id));
  }

  /** Appends files at the end, in the order given; files already in it stay where they are. */
  async addItems(id: string, fileIds: string[], now: number): Promise<string[]> {
    return this.c.atomically(async (db) => {
      const held = await db
        .selectFrom('collection_items')
        .select('file_id')
        .where('collection_id', '=', id)
        .where('file_id', 'in', fileIds)
        .execute();
      const present = new Set(held.map((r) => r.file_id));
      const added = [...new Set(fileIds)].filter((fileId) => !present.has(fileId));
      if (added.length === 0) return [];
      const last = await db
        .selectFrom('collection_items')
        .select((eb) => eb.fn.max('position').as('last'))
        .where('collection_id', '=', id)
        .executeTakeFirst();
      const start = last?.last === null || last?.last === undefined ? 0 : Number(last.last) + 1;
      await db
        .insertInto('collection_items')
        .values(
          added.map((fileId, i) => ({
            collection_id: id,
            file_id: fileId,
            position: start + i,
            added_at: now,
          })),
        )
        .execute();
      return added;
    });
  }

  /** Removes files from the collection; answers those it held. */
  async removeItems(id: string, fileIds: string[]): Promise<string[]> {
    if (fileIds.length === 0) return [];
    const removed = await this.c.db
      .deleteFrom('collection_items')
      .where('collection_id', '=', id)
      .where('file_id', 'in', fileIds)
      .returning('file_id')
      .execute();
    return removed.map((r) => r.file_id);
  }

  /**
   * Puts these items (all in the collection) in the order given, in the places they hold between
   * them: items not named (another member's, hidden from this caller) keep their places.
   */
  async reorder(id: string, fileIds: string[]): Promise<void> {
    await this.c.atomically(async (db) => {
      const places = await db
        .selectFrom('collection_items')
        .select('position')
        .where('collection_id', '=', id)
        .where('file_id', 'in', fileIds)
        .orderBy('position')
        .execute();
      for (const [i, fileId] of fileIds.entries()) {
        await db
          .updateTable('collection_items')
          .set({ position: Number(places[i]!.position) })
          .where('collection_id', '=', id)
          .where('file_id', '=', fileId)
          .execute();
      }
    });
  }

  /** Takes deleted files out of every collection. */
  async forgetFiles(fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.c.db.deleteFrom('collection_items').where('file_id', 'in', fileIds).execute();
  }
}
