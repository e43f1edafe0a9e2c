import {
  type Insertable,
  type Kysely,
  type OrderByModifiers,
  type Selectable,
  type SelectQueryBuilder,
  sql,
} from 'kysely';
import type { AITag, CustomMetadataValue, FileType } from '../../../shared/wire.js';
import { inFolderTree, inGranted, outermostTrees, Repository } from '../connection.js';
import type { ListQuery, SortColumn } from '../list-query.js';
import { asIs, bigint, flag, json, nullableJson, RowMapper } from '../row-mapper.js';
import type { Database, FileVersionTable } from '../schema.js';

/** One version of a file. The file itself is its current version (`isCurrent`). Times are epoch ms. */
export interface FileRecord {
  versionId: string;
  fileId: string;
  versionNumber: number;
  isCurrent: boolean;
  name: string;
  /** With a trailing slash: `/` or `/a/b/`. */
  folder: string;
  filePath: string;
  blobKey: string;
  size: number;
  mime: string;
  fileType: FileType;
  /** Extension-like, as searchQuery's `format` field uses it: `jpg`, `png`, `pdf`… */
  format: string;
  width: number | null;
  height: number | null;
  hasAlpha: boolean;
  tags: string[] | null;
  aiTags: AITag[] | null;
  customCoordinates: string | null;
  customMetadata: Record<string, CustomMetadataValue>;
  embeddedMetadata: Record<string, unknown>;
  description: string | null;
  isPrivate: boolean;
  isPublished: boolean;
  createdAt: number;
  updatedAt: number;
}

export type FilePatch = Partial<
  Pick<
    FileRecord,
    | 'tags'
    | 'aiTags'
    | 'customCoordinates'
    | 'customMetadata'
    | 'description'
    | 'isPublished'
    | 'isCurrent'
    | 'updatedAt'
    | 'fileId'
    | 'versionNumber'
    | 'name'
    | 'folder'
    | 'filePath'
  >
>;

const fileRows = new RowMapper<FileRecord, FileVersionTable>({
  versionId: asIs('version_id'),
  fileId: asIs('file_id'),
  versionNumber: asIs('version_number'),
  isCurrent: flag('is_current'),
  name: asIs('name'),
  folder: asIs('folder'),
  filePath: asIs('file_path'),
  blobKey: asIs('blob_key'),
  size: bigint('size'),
  mime: asIs('mime'),
  fileType: asIs('file_type'),
  format: asIs('format'),
  width: asIs('width'),
  height: asIs('height'),
  hasAlpha: flag('has_alpha'),
  tags: nullableJson('tags'),
  aiTags: nullableJson('ai_tags'),
  customCoordinates: asIs('custom_coordinates'),
  customMetadata: json('custom_metadata'),
  embeddedMetadata: json('embedded_metadata'),
  description: asIs('description'),
  isPrivate: flag('is_private'),
  isPublished: flag('is_published'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

type VersionIds = SelectQueryBuilder<Database, 'file_versions', { version_id: string }>;

/** Sorts the folder indexes (is_current, folder, created_at or name, version_id) hold. */
const folderIndexSorts = new Set<SortColumn>(['createdAt', 'name']);

const sortColumns: Record<SortColumn, keyof FileVersionTable> = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  height: 'height',
  width: 'width',
  size: 'size',
};

/** Columns that may be NULL sort it first ascending and last descending, as SQLite does on its own. */
const nullableSortColumns = new Set<SortColumn>(['width', 'height']);

function sortOrder(column: SortColumn, direction: 'asc' | 'desc'): OrderByModifiers {
  if (!nullableSortColumns.has(column)) return direction;
  return (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast());
}

/** Rows per multi-row insert: well under both databases' limits on bound parameters. */
const insertBatch = 500;

/** Fields the search structures are made from: changing one re-indexes the version (PostgreSQL). */
const searchedFields: Array<keyof FilePatch> = ['name', 'tags', 'aiTags', 'customMetadata'];

type VersionQuery = SelectQueryBuilder<Database, 'file_versions', Selectable<FileVersionTable>>;

/** Files and their versions: one row per version, the current one standing for the file. */
export class FileRepository extends Repository {
  /** The current version of the file. */
  get(fileId: string): Promise<FileRecord | undefined> {
    return this.#first((q) => q.where('file_id', '=', fileId).where('is_current', '=', 1));
  }

  /** The current versions of these files (those that exist), in no order. */
  getMany(fileIds: string[]): Promise<FileRecord[]> {
    if (fileIds.length === 0) return Promise.resolve([]);
    return this.#all((q) => q.where('file_id', 'in', fileIds).where('is_current', '=', 1));
  }

  getByPath(filePath: string): Promise<FileRecord | undefined> {
    return this.#first((q) => q.where('file_path', '=', filePath).where('is_current', '=', 1));
  }

  /** Every version, oldest first. */
  versions(fileId: string): Promise<FileRecord[]> {
    return this.#all((q) => q.where('file_id', '=', fileId).orderBy('version_number'));
  }

  /** These versions (those that exist), in no order, by their unique version ids. */
  getVersions(versionIds: string[]): Promise<FileRecord[]> {
    if (versionIds.length === 0) return Promise.resolve([]);
    return this.#all((q) => q.where('version_id', 'in', versionIds));
  }

  version(fileId: string, versionId: string): Promise<FileRecord | undefined> {
    return this.#first((q) => q.where('file_id', '=', fileId).where('version_id', '=', versionId));
  }

  /** Every current file in the folder or beneath it. */
  listInTree(path: string): Promise<FileRecord[]> {
    return this.#all((q) =>
      q.where('is_current', '=', 1).where(inFolderTree('folder', path)).orderBy('created_at'),
    );
  }

  /** Every version of every file in the folder or beneath it (what deleting the folder takes). */
  versionsInTree(path: string): Promise<FileRecord[]> {
    return this.#all((q) => q.where(inFolderTree('folder', path)).orderBy('version_id'));
  }

  insertVersion(version: FileRecord): Promise<void> {
    return this.insertVersions([version]);
  }

  /** Inserts many versions at once (seeding, migration); same as one insertVersion each. */
  async insertVersions(versions: FileRecord[]): Promise<void> {
    const { indexForSearch, searchColumns } = this.c.dialect;
    // Extra columns are the dialect's own: Kysely writes what it is given.
    const row = (v: FileRecord): Insertable<FileVersionTable> =>
      searchColumns ? { ...fileRows.toRow(v), ...searchColumns(v) } : fileRows.toRow(v);
    for (let start = 0; start < versions.length; start += insertBatch) {
      const batch = versions.slice(start, start + insertBatch);
      if (!indexForSearch) {
        await this.c.db.insertInto('file_versions').values(batch.map(row)).execute();
        continue;
      }
      await this.c.atomically(async (db) => {
        const ids = await db
          .insertInto('file_versions')
          .values(batch.map(row))
          .returning(['id', 'version_id'])
          .execute();
        const idOf = new Map(ids.map((r) => [r.version_id, Number(r.id)]));
        await indexForSearch(
          db,
          batch.map((v) => ({ id: idOf.get(v.versionId)!, ...v })),
          true,
        );
      });
    }
  }

  async updateVersions(versionIds: string[], patch: FilePatch): Promise<void> {
    if (versionIds.length === 0) return;
    const set = fileRows.toPatch(patch);
    const { indexForSearch } = this.c.dialect;
    if (!indexForSearch || !searchedFields.some((field) => patch[field] !== undefined)) {
      await this.c.db.updateTable('file_versions').set(set).where('version_id', 'in', versionIds).execute();
      return;
    }
    await this.c.atomically(async (db) => {
      await db.updateTable('file_versions').set(set).where('version_id', 'in', versionIds).execute();
      const rows = await db
        .selectFrom('file_versions')
        .selectAll()
        .where('version_id', 'in', versionIds)
        .execute();
      await indexForSearch(
        db,
        rows.map((row) => ({ id: Number(row.id), ...fileRows.fromRow(row) })),
        false,
      );
    });
  }

  /** Deletes one version row; answers its blob key. */
  async deleteVersion(versionId: string): Promise<string | undefined> {
    const row = await this.c.db
      .deleteFrom('file_versions')
      .where('version_id', '=', versionId)
      .returning('blob_key')
      .executeTakeFirst();
    return row?.blob_key;
  }

  /** Deletes the file with all its versions, and takes it out of its collections; answers their blob keys. */
  async delete(fileId: string): Promise<string[]> {
    return this.c.atomically(async (db) => {
      await db.deleteFrom('collection_items').where('file_id', '=', fileId).execute();
      const rows = await db
        .deleteFrom('file_versions')
        .where('file_id', '=', fileId)
        .returning('blob_key')
        .execute();
      return rows.map((r) => r.blob_key);
    });
  }

  /** Deletes every version of every file in the folder or beneath it (and their collection items); answers their blob keys. */
  async deleteInTree(path: string): Promise<string[]> {
    return this.c.atomically(async (db) => {
      await db
        .deleteFrom('collection_items')
        .where(
          'file_id',
          'in',
          db.selectFrom('file_versions').select('file_id').where(inFolderTree('folder', path)),
        )
        .execute();
      const rows = await db
        .deleteFrom('file_versions')
        .where(inFolderTree('folder', path))
        .returning('blob_key')
        .execute();
      return rows.map((r) => r.blob_key);
    });
  }

  /** Every version of every file, in version id order, `limit` at a time after `afterVersionId`. */
  scanVersions(afterVersionId: string | null, limit: number): Promise<FileRecord[]> {
    return this.#all((q) =>
      (afterVersionId === null ? q : q.where('version_id', '>', afterVersionId))
        .orderBy('version_id')
        .limit(limit),
    );
  }

  /** Which of these version ids the catalog holds. */
  async existingVersionIds(versionIds: string[]): Promise<Set<string>> {
    if (versionIds.length === 0) return new Set();
    const rows = await this.c.db
      .selectFrom('file_versions')
      .select('version_id')
      .where('version_id', 'in', versionIds)
      .execute();
    return new Set(rows.map((r) => r.version_id));
  }

  /** Whether any version's bytes are this blob. */
  async isBlobReferenced(blobKey: string): Promise<boolean> {
    const row = await this.c.db
      .selectFrom('file_versions')
      .select('version_id')
      .where('blob_key', '=', blobKey)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** One page of the versions `query` asks for (its folders aside), in its order. */
  async list(query: ListQuery, skip: number, limit: number): Promise<FileRecord[]> {
    const column = sortColumns[query.sort.column];
    const { direction } = query.sort;
    // Page over ids alone (an index-only scan, cheap even at a deep skip), then fetch those rows.
    const order = sortOrder(query.sort.column, direction);
    if (query.collection?.inItsOrder) {
      // The collection's own order: each file's place in it.
      const place = sql`(select position from collection_items where collection_id = ${query.collection.id} and file_id = file_versions.file_id)`;
      const inOrder = this.#matchingIds(query).orderBy(place).orderBy('version_id').limit(limit).offset(skip);
      return this.#all((q) => q.where('version_id', 'in', inOrder).orderBy(place).orderBy('version_id'));
    }
    const page = (this.#fromGrantedTrees(query) ?? this.#matchingIds(query))
      .orderBy(column, order)
      .orderBy('version_id', direction)
      .limit(limit)
      .offset(skip);
    return this.#all((q) =>
      q.where('version_id', 'in', page).orderBy(column, order).orderBy('version_id', direction),
    );
  }

  /** How many files `query` lists, counting at most `cap` (ids only, so a big folder costs little). */
  async count(query: ListQuery, cap: number): Promise<number> {
    const row = await this.c.db
      .selectFrom(this.#matchingIds(query).limit(cap).as('matching'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * A member's search, read from its granted trees rather than along the sort: each tree a range on
   * the folder index (which holds the name and date orders too), then the filter on those rows alone.
   * Walking the sort's index instead tests the grants' ranges on every row until enough match both,
   * which for a selective search is most of the library. Only for folder grants (file grants keep
   * the condition) and the sorts those indexes hold; a plain listing stops early along its sort anyway.
   */
  #fromGrantedTrees(query: ListQuery) {
    const { granted, filter } = query;
    if (granted === undefined || filter === undefined || granted.fileIds.length > 0) return undefined;
    if (granted.trees.length === 0 || !folderIndexSorts.has(query.sort.column)) return undefined;
    // Ranges that never overlap, so no row is read twice; VALUES names its columns column1, column2.
    const ranges = sql<{ column1: string; column2: string }>`(values ${sql.join(
      outermostTrees(granted.trees).map((tree) => sql`(${tree}, ${`${tree.slice(0, -1)}0`})`),
    )})`;
    // The ranges first (SQLite keeps a CROSS JOIN's order; newer SQLite would otherwise walk the
    // sort's index and scan the ranges per row). The rest names only file_versions' columns.
    return this.#matchingIds(
      { ...query, granted: undefined },
      (db) =>
        db
          .selectFrom(ranges.as('granted_trees'))
          .crossJoin('file_versions')
          .whereRef('file_versions.folder', '>=', 'granted_trees.column1')
          .whereRef('file_versions.folder', '<', 'granted_trees.column2')
          .select('file_versions.version_id') as unknown as VersionIds,
    );
  }

  /** The version ids `query` lists, in no order. */
  #matchingIds(
    query: ListQuery,
    from: (db: Kysely<Database>) => VersionIds = (db) => db.selectFrom('file_versions').select('version_id'),
  ) {
    let ids = from(this.c.db).where('is_current', 'in', [
      ...(query.include.files ? [1] : []),
      ...(query.include.versions ? [0] : []),
    ]);
    if (query.folder !== undefined) ids = ids.where('folder', '=', query.folder);
    if (query.collection !== undefined) {
      const { id } = query.collection;
      ids = ids.where('file_id', 'in', (eb) =>
        eb.selectFrom('collection_items').select('file_id').where('collection_id', '=', id),
      );
    }
    if (query.within !== undefined) ids = ids.where(inFolderTree('folder', query.within));
    if (query.granted !== undefined) {
      const { trees, fileIds } = query.granted;
      // One folder's files are all inside a granted tree or none is: settled here, not per row.
      const folderGranted =
        query.folder !== undefined && trees.some((tree) => query.folder!.startsWith(tree));
      if (!folderGranted) {
        // Walked along the sort's index (or the folder's), every row passed is tested: prefixes.
        const reach = { trees: query.folder === undefined ? trees : [], fileIds };
        ids = ids.where(inGranted(reach, 'folder', 'file_id', 'prefixes'));
      }
    }
    if (query.filter !== undefined) ids = ids.where(this.c.dialect.search.files(query.filter));
    if (query.fileType !== undefined) ids = ids.where('file_type', '=', query.fileType);
    return ids;
  }

  /** Distinct user tags of current files that start with `prefix` (case-sensitive), in order; `within` as in ListQuery. */
  async listTags(
    query: Pick<ListQuery, 'within' | 'granted'> & { prefix: string; limit: number },
  ): Promise<string[]> {
    // A range on file_tags_by_tag (tag, row_id), so a prefix reads only the tags it matches.
    const upper = `${query.prefix}\u{10FFFF}`;
    const inScope = query.within === undefined ? sql`` : sql`and ${inFolderTree('v.folder', query.within)}`;
    const inGrants =
      query.granted === undefined
        ? sql``
        : sql`and ${inGranted({ trees: query.granted.trees, fileIds: query.granted.fileIds }, 'v.folder', 'v.file_id')}`;
    const result = await sql<{ tag: string }>`
      select distinct t.tag as tag from file_tags t join file_versions v on v.id = t.row_id
      where t.tag >= ${query.prefix} and t.tag < ${upper} and t.source = 'user' and v.is_current = 1 ${inScope} ${inGrants}
      order by t.tag limit ${query.limit}`.execute(this.c.db);
    return result.rows.map((r) => r.tag);
  }

  /** Bytes of every version of every file. */
  async storedBytes(): Promise<number> {
    const row = await this.c.db
      .selectFrom('file_versions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'))
      .executeTakeFirstOrThrow();
    return Number(row.bytes);
  }

  /** Current files in a folder tree, by path after `afterPath`: a bulk read (ZIPs) pages with it, never skipping. */
  pageInTree(path: string, afterPath: string, limit: number): Promise<FileRecord[]> {
    return this.#all((q) =>
      q
        .where('is_current', '=', 1)
        .where(inFolderTree('folder', path))
        .where('file_path', '>', afterPath)
        .orderBy('file_path')
        .limit(limit),
    );
  }

  /** How many current files a folder tree holds, and their bytes. */
  async sizeInTree(path: string): Promise<{ count: number; bytes: number }> {
    const row = await this.c.db
      .selectFrom('file_versions')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'),
      ])
      .where('is_current', '=', 1)
      .where(inFolderTree('folder', path))
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), bytes: Number(row.bytes) };
  }

  #first(where: (q: VersionQuery) => VersionQuery): Promise<FileRecord | undefined> {
    return fileRows.first(where(this.c.db.selectFrom('file_versions').selectAll()));
  }

  #all(where: (q: VersionQuery) => VersionQuery): Promise<FileRecord[]> {
    return fileRows.all(where(this.c.db.selectFrom('file_versions').selectAll()));
  }
}
