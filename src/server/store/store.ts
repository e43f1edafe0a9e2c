import type {
  AITag,
  CustomMetadataFieldSchema,
  CustomMetadataValue,
  FileType,
  KeyPermission,
} from '../../shared/wire.js';
import type { Filter } from '../search/filter.js';

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

export interface CustomMetadataFieldRecord {
  id: string;
  name: string;
  label: string;
  schema: CustomMetadataFieldSchema;
  description: string | null;
  isDeleted: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ApiKeyRecord {
  privateKey: string;
  publicKey: string;
  kind: 'standard' | 'restricted';
  /** Standard keys always carry `ReadWrite`. */
  permission: KeyPermission;
  name: string;
  createdAt: number;
  /** Set when the key was rolled; the key is refused from then on. */
  expiresAt: number | null;
}

export type SortColumn = 'name' | 'createdAt' | 'updatedAt' | 'height' | 'width' | 'size';

export interface ListQuery {
  /** Which rows: folders (always listed first), current files, older versions. */
  include: { folders: boolean; files: boolean; versions: boolean };
  /** Only direct children of this folder (trailing slash); everything when absent. */
  folder?: string;
  /** Only what lies inside this folder, at any depth (a session's scope); trailing slash. */
  within?: string;
  fileType?: FileType;
  /** A compiled searchQuery. */
  filter?: Filter;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  limit: number;
  skip: number;
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

export type FolderPatch = Partial<Pick<FolderRecord, 'path' | 'parent' | 'name' | 'updatedAt'>>;

export type JobType = 'COPY_FOLDER' | 'MOVE_FOLDER' | 'RENAME_FOLDER';
export type JobStatus = 'Pending' | 'Completed' | 'Failed';

/** A folder copy, move or rename, run in the background and resumed after a restart. */
export interface JobRecord {
  jobId: string;
  type: JobType;
  status: JobStatus;
  params: Record<string, unknown>;
  error: string | null;
  /** Times a node has started it. */
  attempts: number;
  /** The node running it, while its lease holds. */
  claimedBy: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export type CustomMetadataFieldPatch = Partial<
  Pick<CustomMetadataFieldRecord, 'label' | 'schema' | 'description' | 'isDeleted' | 'updatedAt'>
>;

/**
 * The catalog: every fact about files, folders, keys and fields. Two implementations share this
 * contract (SQLite for one machine, PostgreSQL for many). Methods are small and composable;
 * `transaction` runs several as one atomic unit.
 */
/** A derived image the rendition cache holds. */
export interface RenditionRecord {
  key: string;
  blobKey: string;
  size: number;
  lastUsedAt: number;
}

export interface Store {
  /** Runs `work` atomically; nested calls join the outer transaction. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  listApiKeys(): Promise<ApiKeyRecord[]>;
  findApiKey(privateKey: string): Promise<ApiKeyRecord | undefined>;
  findApiKeysByPublicKey(publicKey: string): Promise<ApiKeyRecord[]>;
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  setApiKeyExpiry(privateKey: string, expiresAt: number): Promise<void>;
  deleteApiKeyPair(publicKey: string): Promise<void>;

  /** Records a client-upload token as used. Answers false when it was used before (a replay). */
  spendUploadToken(token: string, expiresAt: number): Promise<boolean>;
  forgetExpiredUploadTokens(now: number): Promise<void>;
  /** Spent tokens still within their `expire` (what a replay could still use). */
  listSpentUploadTokens(now: number): Promise<Array<{ token: string; expiresAt: number }>>;

  /** Notes blobs that may exist without a row, so a crash cannot leave them behind unnoticed. */
  journalBlobs(blobKeys: string[], now: number): Promise<void>;
  unjournalBlobs(blobKeys: string[]): Promise<void>;
  journaledBlobs(createdBefore: number): Promise<string[]>;
  isBlobReferenced(blobKey: string): Promise<boolean>;

  /** Records a rendition as stored and used at `lastUsedAt` (again, when it was stored before). */
  recordRendition(rendition: RenditionRecord): Promise<void>;
  /** Notes that these renditions were served at `at`. */
  touchRenditions(keys: string[], at: number): Promise<void>;
  /** Bytes every recorded rendition holds. */
  renditionBytes(): Promise<number>;
  /** The `limit` renditions served longest ago. */
  leastRecentlyUsedRenditions(limit: number): Promise<RenditionRecord[]>;
  forgetRenditions(keys: string[]): Promise<void>;
  /** Forgets every rendition of these originals (their tree was deleted). */
  forgetRenditionsOf(blobKeys: string[]): Promise<void>;

  getFolder(path: string): Promise<FolderRecord | undefined>;
  /** Inserts the folder unless its path exists; answers whether it inserted. */
  insertFolderIfMissing(folder: FolderRecord): Promise<boolean>;
  /** Deletes the folder, everything beneath it and every version of every file in it; answers their blob keys. */
  deleteFolderTree(path: string): Promise<string[]>;
  /** The folder and every folder beneath it, shallowest first. */
  listFolderTree(path: string): Promise<FolderRecord[]>;
  updateFolder(folderId: string, patch: FolderPatch): Promise<void>;
  deleteFolder(folderId: string): Promise<void>;
  /** Every current file in the folder or beneath it. */
  listFilesInTree(path: string): Promise<FileRecord[]>;

  getFile(fileId: string): Promise<FileRecord | undefined>;
  getFileByPath(filePath: string): Promise<FileRecord | undefined>;
  /** Every version, oldest first. */
  getFileVersions(fileId: string): Promise<FileRecord[]>;
  getFileVersion(fileId: string, versionId: string): Promise<FileRecord | undefined>;
  /** Deletes one version row; answers its blob key. */
  deleteFileVersion(versionId: string): Promise<string | undefined>;
  insertFileVersion(version: FileRecord): Promise<void>;
  updateFileVersions(versionIds: string[], patch: FilePatch): Promise<void>;
  /** Inserts many versions at once (seeding, migration); same as one insertFileVersion each. */
  insertFileVersions(versions: FileRecord[]): Promise<void>;
  /** Every version of every file, in version id order, `limit` at a time after `afterVersionId`. */
  scanFileVersions(afterVersionId: string | null, limit: number): Promise<FileRecord[]>;
  /** Which of these version ids the catalog holds. */
  existingVersionIds(versionIds: string[]): Promise<Set<string>>;
  /** Deletes the file with all its versions; answers their blob keys. */
  deleteFile(fileId: string): Promise<string[]>;
  list(query: ListQuery): Promise<Array<FileRecord | FolderRecord>>;
  /** Distinct user tags of current files that start with `prefix` (case-sensitive), in order; `within` as in ListQuery. */
  listTags(query: { prefix: string; limit: number; within?: string }): Promise<string[]>;
  /** Bytes of every version of every file. */
  storedBytes(): Promise<number>;

  insertJob(job: JobRecord): Promise<void>;
  hasPendingJobs(): Promise<boolean>;
  getJob(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Takes the oldest pending job no live node holds: sets `owner` and a lease until `leaseUntil`
   * and counts an attempt. Two nodes asking at once never get the same job.
   */
  claimJob(owner: string, now: number, leaseUntil: number): Promise<JobRecord | undefined>;
  /** Extends the lease; answers false when the job is no longer this owner's (another node took it). */
  renewJobLease(jobId: string, owner: string, leaseUntil: number): Promise<boolean>;
  /**
   * Ends the owner's claim: `Completed` or `Failed` for good, or `Pending` to leave it for another
   * attempt. Answers false (and changes nothing) when the job is no longer this owner's.
   */
  releaseJob(
    jobId: string,
    owner: string,
    outcome: { status: JobStatus; error?: string; updatedAt: number },
  ): Promise<boolean>;
  /** Forgets every claim; only for a catalog no other node uses (SQLite), on start. */
  releaseAllJobClaims(): Promise<void>;

  listCustomMetadataFields(includeDeleted: boolean): Promise<CustomMetadataFieldRecord[]>;
  getCustomMetadataField(id: string): Promise<CustomMetadataFieldRecord | undefined>;
  findCustomMetadataFieldByName(name: string): Promise<CustomMetadataFieldRecord | undefined>;
  findLiveCustomMetadataFieldByLabel(label: string): Promise<CustomMetadataFieldRecord | undefined>;
  insertCustomMetadataField(field: CustomMetadataFieldRecord): Promise<void>;
  updateCustomMetadataField(id: string, patch: CustomMetadataFieldPatch): Promise<void>;
}

export const isFolderRecord = (record: FileRecord | FolderRecord): record is FolderRecord =>
  'folderId' in record;
