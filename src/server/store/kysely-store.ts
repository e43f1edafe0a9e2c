import {
  type Expression,
  type Insertable,
  type Kysely,
  type Selectable,
  type SqlBool,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import type { CustomMetadataFieldSchema, FileType, KeyPermission } from '../../shared/wire.js';
import type { SearchTranslator } from '../search/sqlite-translator.js';
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

const folderSortColumns: Record<SortColumn, keyof FolderTable> = {
  name: 'name',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  height: 'name',
  width: 'name',
  size: 'name',
};

/** The `Store` over any Kysely dialect whose columns follow schema.ts. */
export class KyselyStore implements Store {
  readonly #db: Kysely<Database> | Transaction<Database>;
  readonly #inTransaction: boolean;
  readonly #onClose: () => Promise<void>;
  readonly #search: SearchTranslator;

  constructor(
    db: Kysely<Database> | Transaction<Database>,
    search: SearchTranslator,
    onClose: () => Promise<void>,
    inTransaction = false,
  ) {
    this.#db = db;
    this.#search = search;
    this.#onClose = onClose;
    this.#inTransaction = inTransaction;
  }

  async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return work(this);
    return this.#db
      .transaction()
      .execute((trx) => work(new KyselyStore(trx, this.#search, this.#onClose, true)));
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

  async insertFileVersion(v: FileRecord): Promise<void> {
    await this.#db.insertInto('file_versions').values(fromFile(v)).execute();
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
    await this.#db.updateTable('file_versions').set(set).where('version_id', 'in', versionIds).execute();
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
    if (query.filter !== undefined) q = q.where(this.#search.folders(query.filter));
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
    if (query.filter !== undefined) page = page.where(this.#search.files(query.filter));
    if (query.fileType !== undefined) page = page.where('file_type', '=', query.fileType);
    page = page.orderBy(column, direction).orderBy('version_id', direction).limit(limit).offset(skip);
    const rows = await this.#db
      .selectFrom('file_versions')
      .selectAll()
      .where('version_id', 'in', page)
      .orderBy(column, direction)
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
        created_at: job.createdAt,
        updated_at: job.updatedAt,
      })
      .execute();
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const row = await this.#db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row && toJob(row);
  }

  async listPendingJobs(): Promise<JobRecord[]> {
    const rows = await this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'Pending')
      .orderBy('created_at')
      .orderBy('job_id')
      .execute();
    return rows.map(toJob);
  }

  async updateJob(
    jobId: string,
    patch: Partial<Pick<JobRecord, 'status' | 'error' | 'attempts' | 'updatedAt'>>,
  ): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.error !== undefined && { error: patch.error }),
        ...(patch.attempts !== undefined && { attempts: patch.attempts }),
        ...(patch.updatedAt !== undefined && { updated_at: patch.updatedAt }),
      })
      .where('job_id', '=', jobId)
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
    attempts: row.attempts,
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
