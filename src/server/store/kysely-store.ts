import {
  type Expression,
  type Insertable,
  type Kysely,
  type OrderByModifiers,
  type Selectable,
  type SqlBool,
  sql,
  type Updateable,
} from 'kysely';
import type { CustomMetadataFieldSchema, FileType, KeyPermission } from '../../shared/wire.js';
import type { SearchTranslator } from '../search/translator.js';
import type { Dialect } from './migrations.js';
import type { SearchFields } from './postgres-search-index.js';
import type {
  ApiKeyTable,
  CustomMetadataFieldTable,
  Database,
  FileVersionTable,
  FolderTable,
  JobTable,
} from './schema.js';
import type {
  ApiKeyRecord,
  CustomMetadataFieldPatch,
  CustomMetadataFieldRecord,
  FilePatch,
  FileRecord,
  FolderPatch,
  FolderRecord,
  JobRecord,
  JobStatus,
  JobType,
  ListQuery,
  RenditionRecord,
  SortColumn,
  Store,
} from './store.js';

/**
 * `column` holds a folder path at or below `folder` (which ends in `/`). A range rather than
 * LIKE: names may hold `_` and `%`, and a range on a byte-ordered column uses the index.
 */
const inFolderTree = (column: string, folder: string): Expression<SqlBool> =>
  sql<SqlBool>`(${sql.ref(column)} >= ${folder} and ${sql.ref(column)} < ${`${folder.slice(0, -1)}0`})`;

const fileSortColumns: Record<SortColumn, keyof FileVersionTable> = {
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

const searchedFields: Array<keyof FilePatch> = ['name', 'tags', 'aiTags', 'customMetadata'];

const folderSortColumns: Record<SortColumn, keyof FolderTable> = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  height: 'name',
  width: 'name',
  size: 'name',
};

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

/** The `Store` over any Kysely dialect whose columns follow schema.ts. */
export class KyselyStore implements Store {
  readonly #db: Kysely<Database>;
  readonly #inTransaction: boolean;
  readonly #onClose: () => Promise<void>;
  readonly #dialect: StoreDialect;

  constructor(
    db: Kysely<Database>,
    dialect: StoreDialect,
    onClose: () => Promise<void>,
    inTransaction = false,
  ) {
    this.#db = db;
    this.#dialect = dialect;
    this.#onClose = onClose;
    this.#inTransaction = inTransaction;
  }

  async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return work(this);
    return this.#db.transaction().execute(async (trx) => {
      await this.#dialect.beginTransaction?.(trx);
      return work(new KyselyStore(trx, this.#dialect, this.#onClose, true));
    });
  }

  /** Runs several statements as one: in the store's transaction when there is one. */
  #atomically<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.#inTransaction ? work(this.#db) : this.#db.transaction().execute(work);
  }

  close(): Promise<void> {
    return this.#onClose();
  }

  // API keys

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
    return rows.map(toApiKey);
  }

  async findApiKey(privateKey: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('private_key', '=', privateKey)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  async findApiKeysByPublicKey(publicKey: string): Promise<ApiKeyRecord[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('public_key', '=', publicKey)
      .orderBy('created_at')
      .execute();
    return rows.map(toApiKey);
  }

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    await this.#db
      .insertInto('api_keys')
      .values({
        private_key: key.privateKey,
        public_key: key.publicKey,
        kind: key.kind,
        permission: key.permission,
        name: key.name,
        created_at: key.createdAt,
        expires_at: key.expiresAt,
      })
      .execute();
  }

  async setApiKeyExpiry(privateKey: string, expiresAt: number): Promise<void> {
    await this.#db
      .updateTable('api_keys')
      .set({ expires_at: expiresAt })
      .where('private_key', '=', privateKey)
      .execute();
  }

  async deleteApiKeyPair(publicKey: string): Promise<void> {
    await this.#db.deleteFrom('api_keys').where('public_key', '=', publicKey).execute();
  }

  // Upload tokens

  async spendUploadToken(token: string, expiresAt: number): Promise<boolean> {
    const result = await this.#db
      .insertInto('spent_upload_tokens')
      .values({ token, expires_at: expiresAt })
      .onConflict((oc) => oc.column('token').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async forgetExpiredUploadTokens(now: number): Promise<void> {
    await this.#db.deleteFrom('spent_upload_tokens').where('expires_at', '<', now).execute();
  }

  async listSpentUploadTokens(now: number): Promise<Array<{ token: string; expiresAt: number }>> {
    const rows = await this.#db
      .selectFrom('spent_upload_tokens')
      .selectAll()
      .where('expires_at', '>=', now)
      .execute();
    return rows.map((r) => ({ token: r.token, expiresAt: Number(r.expires_at) }));
  }

  // Blob journal

  async journalBlobs(blobKeys: string[], now: number): Promise<void> {
    if (blobKeys.length === 0) return;
    await this.#db
      .insertInto('blob_journal')
      .values(blobKeys.map((blob_key) => ({ blob_key, created_at: now })))
      .onConflict((oc) => oc.column('blob_key').doNothing())
      .execute();
  }

  async unjournalBlobs(blobKeys: string[]): Promise<void> {
    if (blobKeys.length === 0) return;
    await this.#db.deleteFrom('blob_journal').where('blob_key', 'in', blobKeys).execute();
  }

  async journaledBlobs(createdBefore: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('blob_journal')
      .select('blob_key')
      .where('created_at', '<', createdBefore)
      .execute();
    return rows.map((r) => r.blob_key);
  }

  // Renditions

  async recordRendition(r: RenditionRecord): Promise<void> {
    await this.#db
      .insertInto('renditions')
      .values({ key: r.key, blob_key: r.blobKey, size: r.size, last_used_at: r.lastUsedAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ size: r.size, last_used_at: r.lastUsedAt }))
      .execute();
  }

  async touchRenditions(keys: string[], at: number): Promise<void> {
    if (keys.length === 0) return;
    await this.#db.updateTable('renditions').set({ last_used_at: at }).where('key', 'in', keys).execute();
  }

  async renditionBytes(): Promise<number> {
    const row = await this.#db
      .selectFrom('renditions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('size'), eb.lit(0)).as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async leastRecentlyUsedRenditions(limit: number): Promise<RenditionRecord[]> {
    const rows = await this.#db
      .selectFrom('renditions')
      .selectAll()
      .orderBy('last_used_at')
      .orderBy('key')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      key: r.key,
      blobKey: r.blob_key,
      size: Number(r.size),
      lastUsedAt: Number(r.last_used_at),
    }));
  }

  async forgetRenditions(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#db.deleteFrom('renditions').where('key', 'in', keys).execute();
  }

  async forgetRenditionsOf(blobKeys: string[]): Promise<void> {
    if (blobKeys.length === 0) return;
    await this.#db.deleteFrom('renditions').where('blob_key', 'in', blobKeys).execute();
  }

  async isBlobReferenced(blobKey: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('file_versions')
      .select('version_id')
      .where('blob_key', '=', blobKey)
      .executeTakeFirst();
    return row !== undefined;
  }

  // Folders

  async getFolder(path: string): Promise<FolderRecord | undefined> {
    const row = await this.#db.selectFrom('folders').selectAll().where('path', '=', path).executeTakeFirst();
    return row && toFolder(row);
  }

  async insertFolderIfMissing(folder: FolderRecord): Promise<boolean> {
    const result = await this.#db
      .insertInto('folders')
      .values({
        folder_id: folder.folderId,
        path: folder.path,
        parent: folder.parent,
        name: folder.name,
        custom_metadata: JSON.stringify(folder.customMetadata),
        created_at: folder.createdAt,
        updated_at: folder.updatedAt,
      })
      .onConflict((oc) => oc.column('path').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async deleteFolderTree(path: string): Promise<string[]> {
    const inTree = inFolderTree('folder', path);
    const blobs = await this.#db.selectFrom('file_versions').select('blob_key').where(inTree).execute();
    await this.#db.deleteFrom('file_versions').where(inTree).execute();
    await this.#db.deleteFrom('folders').where(inFolderTree('path', path)).execute();
    return blobs.map((b) => b.blob_key);
  }

  async listFolderTree(path: string): Promise<FolderRecord[]> {
    const rows = await this.#db
      .selectFrom('folders')
      .selectAll()
      .where(inFolderTree('path', path))
      .orderBy(sql`length(path)`)
      .orderBy('path')
      .execute();
    return rows.map(toFolder);
  }

  async updateFolder(folderId: string, patch: FolderPatch): Promise<void> {
    await this.#db
      .updateTable('folders')
      .set({
        ...(patch.path !== undefined && { path: patch.path }),
        ...(patch.parent !== undefined && { parent: patch.parent }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
      })
      .where('folder_id', '=', folderId)
      .execute();
  }

  async deleteFolder(folderId: string): Promise<void> {
    await this.#db.deleteFrom('folders').where('folder_id', '=', folderId).execute();
  }

  async listFilesInTree(path: string): Promise<FileRecord[]> {
    const rows = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('is_current', '=', 1)
      .where(inFolderTree('folder', path))
      .orderBy('created_at')
      .execute();
    return rows.map(toFile);
  }

  // Files

  async getFile(fileId: string): Promise<FileRecord | undefined> {
    const row = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('file_id', '=', fileId)
      .where('is_current', '=', 1)
      .executeTakeFirst();
    return row && toFile(row);
  }

  async getFileByPath(filePath: string): Promise<FileRecord | undefined> {
    const row = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('file_path', '=', filePath)
      .where('is_current', '=', 1)
      .executeTakeFirst();
    return row && toFile(row);
  }

  async getFileVersions(fileId: string): Promise<FileRecord[]> {
    const rows = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('file_id', '=', fileId)
      .orderBy('version_number')
      .execute();
    return rows.map(toFile);
  }

  async getFileVersion(fileId: string, versionId: string): Promise<FileRecord | undefined> {
    const row = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('file_id', '=', fileId)
      .where('version_id', '=', versionId)
      .executeTakeFirst();
    return row && toFile(row);
  }

  async deleteFileVersion(versionId: string): Promise<string | undefined> {
    const row = await this.#db
      .deleteFrom('file_versions')
      .where('version_id', '=', versionId)
      .returning('blob_key')
      .executeTakeFirst();
    return row?.blob_key;
  }

  insertFileVersion(v: FileRecord): Promise<void> {
    return this.insertFileVersions([v]);
  }

  async insertFileVersions(versions: FileRecord[]): Promise<void> {
    const { indexForSearch, searchColumns } = this.#dialect;
    // Extra columns are the dialect's own: Kysely writes what it is given.
    const row = (v: FileRecord) =>
      (searchColumns ? { ...fromFile(v), ...searchColumns(v) } : fromFile(v)) as Insertable<FileVersionTable>;
    for (let start = 0; start < versions.length; start += insertBatch) {
      const batch = versions.slice(start, start + insertBatch);
      if (!indexForSearch) {
        await this.#db.insertInto('file_versions').values(batch.map(row)).execute();
        continue;
      }
      await this.#atomically(async (db) => {
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

  async existingVersionIds(versionIds: string[]): Promise<Set<string>> {
    if (versionIds.length === 0) return new Set();
    const rows = await this.#db
      .selectFrom('file_versions')
      .select('version_id')
      .where('version_id', 'in', versionIds)
      .execute();
    return new Set(rows.map((r) => r.version_id));
  }

  async scanFileVersions(afterVersionId: string | null, limit: number): Promise<FileRecord[]> {
    let q = this.#db.selectFrom('file_versions').selectAll();
    if (afterVersionId !== null) q = q.where('version_id', '>', afterVersionId);
    const rows = await q.orderBy('version_id').limit(limit).execute();
    return rows.map(toFile);
  }

  async updateFileVersions(versionIds: string[], patch: FilePatch): Promise<void> {
    if (versionIds.length === 0) return;
    const set: Updateable<FileVersionTable> = {};
    if (patch.tags !== undefined) set.tags = patch.tags === null ? null : JSON.stringify(patch.tags);
    if (patch.aiTags !== undefined) set.ai_tags = patch.aiTags === null ? null : JSON.stringify(patch.aiTags);
    if (patch.customCoordinates !== undefined) set.custom_coordinates = patch.customCoordinates;
    if (patch.customMetadata !== undefined) set.custom_metadata = JSON.stringify(patch.customMetadata);
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.isPublished !== undefined) set.is_published = patch.isPublished ? 1 : 0;
    if (patch.isCurrent !== undefined) set.is_current = patch.isCurrent ? 1 : 0;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    if (patch.fileId !== undefined) set.file_id = patch.fileId;
    if (patch.versionNumber !== undefined) set.version_number = patch.versionNumber;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.folder !== undefined) set.folder = patch.folder;
    if (patch.filePath !== undefined) set.file_path = patch.filePath;
    const update = (db: Kysely<Database>) =>
      db.updateTable('file_versions').set(set).where('version_id', 'in', versionIds).execute();
    const { indexForSearch } = this.#dialect;
    if (!indexForSearch || !searchedFields.some((field) => patch[field] !== undefined)) {
      await update(this.#db);
      return;
    }
    await this.#atomically(async (db) => {
      await update(db);
      const rows = await db
        .selectFrom('file_versions')
        .select(['id', 'name', 'tags', 'ai_tags', 'custom_metadata'])
        .where('version_id', 'in', versionIds)
        .execute();
      await indexForSearch(
        db,
        rows.map((r) => ({
          id: Number(r.id),
          name: r.name,
          tags: r.tags === null ? null : JSON.parse(r.tags),
          aiTags: r.ai_tags === null ? null : JSON.parse(r.ai_tags),
          customMetadata: JSON.parse(r.custom_metadata),
        })),
        false,
      );
    });
  }

  async deleteFile(fileId: string): Promise<string[]> {
    const rows = await this.#db
      .deleteFrom('file_versions')
      .where('file_id', '=', fileId)
      .returning('blob_key')
      .execute();
    return rows.map((r) => r.blob_key);
  }

  async list(query: ListQuery): Promise<Array<FileRecord | FolderRecord>> {
    const { include } = query;
    const wantsFiles = include.files || include.versions;
    if (!include.folders) return wantsFiles ? this.#listFiles(query, query.skip, query.limit) : [];
    // Folders first, then files, each in the requested order; skip/limit run across both.
    const folders = await this.#listFolders(query, query.skip, query.limit);
    if (folders.length === query.limit || !wantsFiles) return folders;
    let filesSkip = 0;
    if (folders.length === 0) filesSkip = Math.max(0, query.skip - (await this.#countFolders(query)));
    const files = await this.#listFiles(query, filesSkip, query.limit - folders.length);
    return [...folders, ...files];
  }

  async listTags(query: { prefix: string; limit: number; within?: string }): Promise<string[]> {
    // A range on file_tags_by_tag (tag, row_id), so a prefix reads only the tags it matches.
    const upper = `${query.prefix}\u{10FFFF}`;
    const inScope = query.within === undefined ? sql`` : sql`and ${inFolderTree('v.folder', query.within)}`;
    const result = await sql<{ tag: string }>`
      select distinct t.tag as tag from file_tags t join file_versions v on v.id = t.row_id
      where t.tag >= ${query.prefix} and t.tag < ${upper} and t.source = 'user' and v.is_current = 1 ${inScope}
      order by t.tag limit ${query.limit}`.execute(this.#db);
    return result.rows.map((r) => r.tag);
  }

  async storedBytes(): Promise<number> {
    const row = await this.#db
      .selectFrom('file_versions')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('bytes'))
      .executeTakeFirstOrThrow();
    return Number(row.bytes);
  }

  #folderFilter(query: ListQuery) {
    let q = this.#db.selectFrom('folders');
    if (query.folder !== undefined) q = q.where('parent', '=', query.folder);
    if (query.within !== undefined) q = q.where(inFolderTree('path', query.within));
    if (query.filter !== undefined) q = q.where(this.#dialect.search.folders(query.filter));
    return q;
  }

  async #countFolders(query: ListQuery): Promise<number> {
    const row = await this.#folderFilter(query)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async #listFolders(query: ListQuery, skip: number, limit: number): Promise<FolderRecord[]> {
    const rows = await this.#folderFilter(query)
      .selectAll()
      .orderBy(folderSortColumns[query.sort.column], query.sort.direction)
      .orderBy('folder_id', query.sort.direction)
      .limit(limit)
      .offset(skip)
      .execute();
    return rows.map(toFolder);
  }

  async #listFiles(query: ListQuery, skip: number, limit: number): Promise<FileRecord[]> {
    const column = fileSortColumns[query.sort.column];
    const { direction } = query.sort;
    // Page over ids alone (an index-only scan, cheap even at a deep skip), then fetch those rows.
    let page = this.#db
      .selectFrom('file_versions')
      .select('version_id')
      .where('is_current', 'in', [
        ...(query.include.files ? [1] : []),
        ...(query.include.versions ? [0] : []),
      ]);
    if (query.folder !== undefined) page = page.where('folder', '=', query.folder);
    if (query.within !== undefined) page = page.where(inFolderTree('folder', query.within));
    if (query.filter !== undefined) page = page.where(this.#dialect.search.files(query.filter));
    if (query.fileType !== undefined) page = page.where('file_type', '=', query.fileType);
    const order = sortOrder(query.sort.column, direction);
    page = page.orderBy(column, order).orderBy('version_id', direction).limit(limit).offset(skip);
    const rows = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('version_id', 'in', page)
      .orderBy(column, order)
      .orderBy('version_id', direction)
      .execute();
    return rows.map(toFile);
  }

  // Jobs

  async insertJob(job: JobRecord): Promise<void> {
    await this.#db
      .insertInto('jobs')
      .values({
        job_id: job.jobId,
        type: job.type,
        status: job.status,
        params: JSON.stringify(job.params),
        error: job.error,
        attempts: job.attempts,
        claimed_by: job.claimedBy,
        lease_until: job.leaseUntil,
        created_at: job.createdAt,
        updated_at: job.updatedAt,
      })
      .execute();
  }

  async hasPendingJobs(): Promise<boolean> {
    const row = await this.#db
      .selectFrom('jobs')
      .select('job_id')
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return row !== undefined;
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const row = await this.#db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row && toJob(row);
  }

  async claimJob(owner: string, now: number, leaseUntil: number): Promise<JobRecord | undefined> {
    const row = await this.#db
      .updateTable('jobs')
      .set((eb) => ({
        claimed_by: owner,
        lease_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('job_id', '=', (eb) => {
        const free = eb
          .selectFrom('jobs')
          .select('job_id')
          .where('status', '=', 'Pending')
          .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', now)]))
          .orderBy('created_at')
          .orderBy('job_id')
          .limit(1);
        // Nodes asking at once each skip the row another is taking (SQLite has one writer anyway).
        return this.#dialect.name === 'postgres' ? free.forUpdate().skipLocked() : free;
      })
      .returningAll()
      .executeTakeFirst();
    return row && toJob(row);
  }

  async renewJobLease(jobId: string, owner: string, leaseUntil: number): Promise<boolean> {
    const result = await this.#db
      .updateTable('jobs')
      .set({ lease_until: leaseUntil })
      .where('job_id', '=', jobId)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async releaseJob(
    jobId: string,
    owner: string,
    outcome: { status: JobStatus; error?: string; updatedAt: number },
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('jobs')
      .set({
        status: outcome.status,
        error: outcome.error ?? null,
        claimed_by: null,
        lease_until: null,
        updated_at: outcome.updatedAt,
      })
      .where('job_id', '=', jobId)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'Pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async releaseAllJobClaims(): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ claimed_by: null, lease_until: null })
      .where('status', '=', 'Pending')
      .execute();
  }

  // Custom metadata fields

  async listCustomMetadataFields(includeDeleted: boolean): Promise<CustomMetadataFieldRecord[]> {
    let q = this.#db.selectFrom('custom_metadata_fields').selectAll();
    if (!includeDeleted) q = q.where('is_deleted', '=', 0);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toField);
  }

  async getCustomMetadataField(id: string): Promise<CustomMetadataFieldRecord | undefined> {
    const row = await this.#db
      .selectFrom('custom_metadata_fields')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toField(row);
  }

  async findCustomMetadataFieldByName(name: string): Promise<CustomMetadataFieldRecord | undefined> {
    const row = await this.#db
      .selectFrom('custom_metadata_fields')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row && toField(row);
  }

  async findLiveCustomMetadataFieldByLabel(label: string): Promise<CustomMetadataFieldRecord | undefined> {
    const row = await this.#db
      .selectFrom('custom_metadata_fields')
      .selectAll()
      .where('label', '=', label)
      .where('is_deleted', '=', 0)
      .executeTakeFirst();
    return row && toField(row);
  }

  async insertCustomMetadataField(f: CustomMetadataFieldRecord): Promise<void> {
    await this.#db
      .insertInto('custom_metadata_fields')
      .values({
        id: f.id,
        name: f.name,
        label: f.label,
        schema: JSON.stringify(f.schema),
        description: f.description,
        is_deleted: f.isDeleted ? 1 : 0,
        created_at: f.createdAt,
        updated_at: f.updatedAt,
      })
      .execute();
  }

  async updateCustomMetadataField(id: string, patch: CustomMetadataFieldPatch): Promise<void> {
    const set: Partial<CustomMetadataFieldTable> = {};
    if (patch.label !== undefined) set.label = patch.label;
    if (patch.schema !== undefined) set.schema = JSON.stringify(patch.schema);
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.isDeleted !== undefined) set.is_deleted = patch.isDeleted ? 1 : 0;
    if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
    await this.#db.updateTable('custom_metadata_fields').set(set).where('id', '=', id).execute();
  }
}

function toApiKey(row: Selectable<ApiKeyTable>): ApiKeyRecord {
  return {
    privateKey: row.private_key,
    publicKey: row.public_key,
    kind: row.kind as ApiKeyRecord['kind'],
    permission: row.permission as KeyPermission,
    name: row.name,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

function toJob(row: Selectable<JobTable>): JobRecord {
  return {
    jobId: row.job_id,
    type: row.type as JobType,
    status: row.status as JobStatus,
    params: JSON.parse(row.params),
    error: row.error,
    attempts: Number(row.attempts),
    claimedBy: row.claimed_by,
    leaseUntil: row.lease_until === null ? null : Number(row.lease_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toFolder(row: Selectable<FolderTable>): FolderRecord {
  return {
    folderId: row.folder_id,
    path: row.path,
    parent: row.parent,
    name: row.name,
    customMetadata: JSON.parse(row.custom_metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toField(row: Selectable<CustomMetadataFieldTable>): CustomMetadataFieldRecord {
  return {
    id: row.id,
    name: row.name,
    label: row.label,
    schema: JSON.parse(row.schema) as CustomMetadataFieldSchema,
    description: row.description,
    isDeleted: row.is_deleted === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toFile(row: Selectable<FileVersionTable>): FileRecord {
  return {
    versionId: row.version_id,
    fileId: row.file_id,
    versionNumber: row.version_number,
    isCurrent: row.is_current === 1,
    name: row.name,
    folder: row.folder,
    filePath: row.file_path,
    blobKey: row.blob_key,
    size: Number(row.size),
    mime: row.mime,
    fileType: row.file_type as FileType,
    format: row.format,
    width: row.width,
    height: row.height,
    hasAlpha: row.has_alpha === 1,
    tags: row.tags === null ? null : JSON.parse(row.tags),
    aiTags: row.ai_tags === null ? null : JSON.parse(row.ai_tags),
    customCoordinates: row.custom_coordinates,
    customMetadata: JSON.parse(row.custom_metadata),
    embeddedMetadata: JSON.parse(row.embedded_metadata),
    description: row.description,
    isPrivate: row.is_private === 1,
    isPublished: row.is_published === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function fromFile(v: FileRecord): Insertable<FileVersionTable> {
  return {
    version_id: v.versionId,
    file_id: v.fileId,
    version_number: v.versionNumber,
    is_current: v.isCurrent ? 1 : 0,
    name: v.name,
    folder: v.folder,
    file_path: v.filePath,
    blob_key: v.blobKey,
    size: v.size,
    mime: v.mime,
    file_type: v.fileType,
    format: v.format,
    width: v.width,
    height: v.height,
    has_alpha: v.hasAlpha ? 1 : 0,
    tags: v.tags === null ? null : JSON.stringify(v.tags),
    ai_tags: v.aiTags === null ? null : JSON.stringify(v.aiTags),
    custom_coordinates: v.customCoordinates,
    custom_metadata: JSON.stringify(v.customMetadata),
    embedded_metadata: JSON.stringify(v.embeddedMetadata),
    description: v.description,
    is_private: v.isPrivate ? 1 : 0,
    is_published: v.isPublished ? 1 : 0,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}
