import type { Generated } from 'kysely';

/**
 * Table types for Kysely. Columns are chosen to mean the same on SQLite and PostgreSQL:
 * booleans are 0/1 integers, times are epoch milliseconds, JSON is text.
 */

/** One row per version of a file; the current version has `is_current = 1`. */
export interface FileVersionTable {
  id: Generated<number>;
  version_id: string;
  file_id: string;
  version_number: number;
  is_current: number;
  name: string;
  /** Folder with a trailing slash: `/` or `/a/b/`. */
  folder: string;
  file_path: string;
  blob_key: string;
  size: number;
  mime: string;
  file_type: string;
  /** Extension-like format used by search: `jpg`, `png`, `pdf`… */
  format: string;
  width: number | null;
  height: number | null;
  has_alpha: number;
  /** JSON array of strings, or null when the file has no tags. */
  tags: string | null;
  ai_tags: string | null;
  custom_coordinates: string | null;
  custom_metadata: string;
  embedded_metadata: string;
  description: string | null;
  is_private: number;
  is_published: number;
  created_at: number;
  updated_at: number;
}

export interface FolderTable {
  folder_id: string;
  /** With a trailing slash: `/a/b/`. The root `/` has no row. */
  path: string;
  parent: string;
  name: string;
  custom_metadata: string;
  created_at: number;
  updated_at: number;
}

export interface CustomMetadataFieldTable {
  id: string;
  name: string;
  label: string;
  schema: string;
  description: string | null;
  is_deleted: number;
  created_at: number;
  updated_at: number;
}

/** One row per private key; a pair is all rows sharing a public key (a rolled key keeps its old row until expiry). */
export interface ApiKeyTable {
  private_key: string;
  public_key: string;
  kind: string;
  permission: string;
  name: string;
  created_at: number;
  expires_at: number | null;
}

/** Client-upload tokens already used, kept until their `expire` passes so a replay is refused. */
export interface SpentUploadTokenTable {
  token: string;
  expires_at: number;
}

/** Blobs that may exist without a row pointing at them: written before their row, or left by a delete. */
export interface BlobJournalTable {
  blob_key: string;
  created_at: number;
}

/** Derived images in blob storage: what the rendition cache's size budget counts and evicts. */
export interface RenditionTable {
  key: string;
  /** The original it was rendered from; it goes with the original. */
  blob_key: string;
  size: number;
  last_used_at: number;
}

export interface JobTable {
  job_id: string;
  type: string;
  status: string;
  params: string;
  error: string | null;
  attempts: number;
  claimed_by: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

/** A library path's pending (or last) write to the backup bucket. */
export interface BackupJobTable {
  file_path: string;
  version_id: string;
  blob_key: string;
  status: string;
  attempts: number;
  next_at: number;
  claimed_by: string | null;
  lease_until: number | null;
  error: string | null;
  done_at: number | null;
  updated_at: number;
}

/** AI work queued on a version (docs/ai.md). */
export interface AiJobTable {
  job_id: string;
  file_id: string;
  version_id: string;
  kind: string;
  params: string;
  status: string;
  attempts: number;
  claimed_by: string | null;
  lease_until: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** What the local models found in a version. */
export interface AiAnalysisTable {
  version_id: string;
  text: string | null;
  /** JSON: `{faces: Box[], objects: {label, confidence, box}[]}` in the version's pixels. */
  detections: string;
  analysed_at: number;
}

/** ImageKit's named transformations (`n-<name>`) made over the API; configured ones live in the config. */
export interface NamedTransformationTable {
  id: string;
  name: string;
  transformation: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** Extension configurations saved for reuse (`{ name: 'saved-extension', id }` on upload). */
export interface SavedExtensionTable {
  id: string;
  name: string;
  description: string;
  config: string;
  created_at: number;
  updated_at: number;
}

/** A source of files besides the library: an S3 bucket or a web folder; `settings` holds its type's fields. */
export interface OriginTable {
  id: string;
  name: string;
  type: string;
  settings: string;
  created_at: number;
  updated_at: number;
}

/** A URL prefix and the origins, in order, its paths are looked up in. */
export interface UrlEndpointTable {
  id: string;
  description: string;
  url_prefix: string;
  origins: string;
  created_at: number;
  updated_at: number;
}

/** Deliveries counted per UTC day (`YYYY-MM-DD`), dimension and name: requests and bytes sent. */
export interface DeliveryUsageTable {
  day: string;
  dimension: string;
  name: string;
  requests: number;
  bytes: number;
}

/** The audit log: one row per write, appended in the write's transaction, never changed. */
export interface AuditEntryTable {
  id: Generated<number>;
  at: number;
  actor_type: string;
  actor_id: string;
  actor_name: string | null;
  actor_folder: string | null;
  action: string;
  file_id: string | null;
  /** The file's path or the folder's (`/a/b/`) after the write (before it, for a delete). */
  path: string | null;
  /** Other target ids (a version, a key, a field) as JSON, or null. */
  target: string | null;
  /** JSON `{field: {before, after}}`, or null. */
  changes: string | null;
}

export interface UserTable {
  user_id: string;
  email: string;
  name: string;
  /** `admin`, `manager` or `member`. */
  role: string;
  /** `active` or `disabled`. */
  status: string;
  /** `scrypt$…` (src/server/auth/passwords.ts); null until a password is set. */
  password_hash: string | null;
  created_at: number;
  updated_at: number;
}

/** A signed-in browser: the SHA-256 of its cookie's token, never the token. */
export interface UserSessionTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

export interface UserGroupTable {
  group_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface GroupMemberTable {
  group_id: string;
  /** `user` or `group`. */
  member_type: string;
  member_id: string;
}

export interface GrantTable {
  /** `user` or `group`. */
  principal_type: string;
  principal_id: string;
  /** `folder` (target is `/a/b/`) or `file` (target is a file id). */
  target_type: string;
  target: string;
  /** `view`, `contribute` or `manage`. */
  level: string;
  created_at: number;
}

export interface SettingTable {
  key: string;
  /** The setting's value as JSON. */
  value: string;
  updated_at: number;
}

export interface CollectionTable {
  collection_id: string;
  name: string;
  /** The name lower-cased: unique. */
  name_key: string;
  description: string;
  /** The DAM user who made it, when a user did. */
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface CollectionItemTable {
  collection_id: string;
  file_id: string;
  /** Order within the collection: ascending, gaps allowed. */
  position: number;
  added_at: number;
}

/** A public share link: the SHA-256 of its token, never the token. */
export interface ShareTable {
  share_id: string;
  token_hash: string;
  /** `file`, `folder` or `collection`. */
  target_type: string;
  /** A file id, a folder path (`/a/b/`) or a collection id. */
  target: string;
  title: string | null;
  /** `scrypt$…` (src/server/auth/passwords.ts), or null for a link without a password. */
  password_hash: string | null;
  allow_download: number;
  expires_at: number | null;
  /** The audit actor that made it, as JSON. */
  created_by: string;
  created_by_id: string;
  created_at: number;
  updated_at: number;
}

export interface CommentTable {
  comment_id: string;
  file_id: string;
  /** The version the comment was written on, when the writer said. */
  version_id: string | null;
  /** The thread's first comment, for a reply. */
  parent_id: string | null;
  author_id: string;
  body: string;
  /** JSON: `[{type: 'user' | 'group', id}]`. */
  mentions: string;
  /** JSON: `{x, y, width?, height?}` in 0–1 of the image. */
  anchor: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
}

export interface WatchTable {
  user_id: string;
  /** `file` (target is a file id) or `folder` (target is `/a/b/`). */
  target_type: string;
  target: string;
  created_at: number;
}

export interface NotificationTable {
  seq: Generated<number>;
  notification_id: string;
  user_id: string;
  /** `mention`, `comment`, `reply`, `resolved`, `share` or `upload`. */
  kind: string;
  file_id: string | null;
  comment_id: string | null;
  folder: string | null;
  actor_id: string | null;
  actor_name: string;
  excerpt: string;
  created_at: number;
  read_at: number | null;
  emailed_at: number | null;
}

export interface NotificationSettingsTable {
  user_id: string;
  /** JSON: the kinds the user does not want. */
  muted_kinds: string;
  /** `off`, `immediate` or `daily`. */
  email: string;
  updated_at: number;
}

/** The SHA-256 (hex) of a version's bytes, recorded at upload: exact duplicates share it. */
/** An image version's similarity signature (migration 018): pHash, its bands, a colour histogram. */
export interface ImageSignatureTable {
  version_id: string;
  phash: string;
  band0: number;
  band1: number;
  band2: number;
  band3: number;
  colour: number;
  histogram: string;
  embedding_model: string | null;
  embedding: string | null;
  created_at: number;
}

export interface ContentHashTable {
  version_id: string;
  content_hash: string;
}

/** An image version's 64-bit pHash as four 16-bit bands (high first), for near-duplicate lookups. */
export interface PerceptualHashTable {
  version_id: string;
  band0: number;
  band1: number;
  band2: number;
  band3: number;
}

/** One place (a CMS entry) using one file: `PUT /_ml/references` replaces a place's rows. */
export interface FileReferenceTable {
  /** Where the place lives, e.g. `wordpress:https://site`. */
  source: string;
  /** The place within its source, e.g. `post/42`. */
  ref_key: string;
  file_id: string;
  title: string;
  url: string | null;
  updated_at: number;
}

/** A deleted file or folder, kept until `purge_at`; its rows wait in trash_rows. */
export interface TrashItemTable {
  /** The file's fileId or the folder's folderId. */
  item_id: string;
  /** `file` or `folder`. */
  kind: string;
  /** The file's path, or the folder's (`/a/b/`), where a restore puts it back. */
  path: string;
  name: string;
  size: number;
  file_count: number;
  deleted_by: string | null;
  deleted_at: number;
  purge_at: number;
}

/** A file version (`kind` `version`) or folder (`folder`) a trash item took with it, as JSON. */
export interface TrashRowTable {
  id: Generated<number>;
  item_id: string;
  kind: string;
  record: string;
  blob_key: string | null;
}

export interface Database {
  content_hashes: ContentHashTable;
  perceptual_hashes: PerceptualHashTable;
  image_signatures: ImageSignatureTable;
  file_references: FileReferenceTable;
  trash_items: TrashItemTable;
  trash_rows: TrashRowTable;
  comments: CommentTable;
  watches: WatchTable;
  notifications: NotificationTable;
  notification_settings: NotificationSettingsTable;
  shares: ShareTable;
  settings: SettingTable;
  collections: CollectionTable;
  collection_items: CollectionItemTable;
  delivery_usage: DeliveryUsageTable;
  origins: OriginTable;
  url_endpoints: UrlEndpointTable;
  saved_extensions: SavedExtensionTable;
  ai_jobs: AiJobTable;
  ai_analyses: AiAnalysisTable;
  named_transformations: NamedTransformationTable;
  audit_entries: AuditEntryTable;
  jobs: JobTable;
  backup_jobs: BackupJobTable;
  file_versions: FileVersionTable;
  folders: FolderTable;
  custom_metadata_fields: CustomMetadataFieldTable;
  api_keys: ApiKeyTable;
  spent_upload_tokens: SpentUploadTokenTable;
  blob_journal: BlobJournalTable;
  renditions: RenditionTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  user_groups: UserGroupTable;
  group_members: GroupMemberTable;
  grants: GrantTable;
}
