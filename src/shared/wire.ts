/**
 * Wire types of ImageKit's v1 REST API, as our server sends them and our client reads them.
 * Field names and shapes follow ImageKit exactly (see ../shared/imagekit-api.md §5).
 */

import type { Scope } from './session-token.js';

export type FileType = 'image' | 'non-image';

export interface AITag {
  name: string;
  confidence: number;
  source: string;
}

export interface VersionInfo {
  id: string;
  name: string;
}

/** A file (current version) or one of its older versions, as returned by details, list and versions. */
export interface MediaFile {
  fileId: string;
  type: 'file' | 'file-version';
  name: string;
  filePath: string;
  tags: string[] | null;
  AITags: AITag[] | null;
  versionInfo: VersionInfo;
  isPrivateFile: boolean;
  isPublished: boolean;
  customCoordinates: string | null;
  url: string;
  thumbnail: string;
  fileType: FileType;
  mime: string;
  width?: number;
  height?: number;
  size: number;
  hasAlpha: boolean;
  customMetadata: Record<string, CustomMetadataValue>;
  embeddedMetadata?: Record<string, unknown>;
  description?: string;
  /** After `PATCH …/details` with `extensions`: each one `pending`, `success` or `failed`. */
  extensionStatus?: Record<string, 'pending' | 'success' | 'failed'>;
  createdAt: string;
  updatedAt: string;
}

/** `GET /_ml/files/{fileId}/ai` (ours): where the file's AI work stands and what it found. */
export interface FileAiStatus {
  /** `pending` while a job runs or waits; `done` when none is left; `none` when none was asked for. */
  aiStatus: 'pending' | 'done' | 'none';
  extensionStatus: Record<string, 'pending' | 'success' | 'failed'>;
  /** Words read from the image (OCR), or null. */
  text: string | null;
  faces: number;
  objects: string[];
}

/** A folder as it appears in `GET /v1/files?type=folder|all`. `folderPath` has no trailing slash. */
export interface MediaFolder {
  type: 'folder';
  folderId: string;
  name: string;
  folderPath: string;
  customMetadata: Record<string, CustomMetadataValue>;
  createdAt: string;
  updatedAt: string;
}

export type Asset = MediaFile | MediaFolder;

/** `POST /api/v1/files/upload` answer. Optional fields appear only when asked for with `responseFields`. */
export interface UploadResponse {
  fileId: string;
  name: string;
  filePath: string;
  url: string;
  thumbnailUrl: string;
  size: number;
  width?: number;
  height?: number;
  fileType: FileType;
  mime: string;
  hasAlpha: boolean;
  versionInfo: VersionInfo;
  AITags: AITag[] | null;
  description?: string;
  tags?: string[] | null;
  isPrivateFile?: boolean;
  isPublished?: boolean;
  customCoordinates?: string | null;
  customMetadata?: Record<string, CustomMetadataValue>;
  embeddedMetadata?: Record<string, unknown>;
  metadata?: FileMetadata;
  selectedFieldsSchema?: Record<string, CustomMetadataFieldSchema>;
  /** When `extensions` were asked for: each one `pending` until its background job ends. */
  extensionStatus?: Record<string, 'pending' | 'success' | 'failed'>;
}

/** `GET /v1/files/{fileId}/metadata`. */
export interface FileMetadata {
  height?: number;
  width?: number;
  size: number;
  format: string;
  hasColorProfile: boolean;
  quality?: number;
  density?: number;
  hasTransparency: boolean;
  exif: Record<string, Record<string, unknown>>;
  /** 64-bit perceptual hash, hex. */
  pHash?: string;
}

export type CustomMetadataValue = string | number | boolean | Array<string | number | boolean>;

export const customMetadataFieldTypes = [
  'Text',
  'Textarea',
  'Number',
  'Date',
  'Boolean',
  'SingleSelect',
  'MultiSelect',
] as const;

export type CustomMetadataFieldType = (typeof customMetadataFieldTypes)[number];

export interface CustomMetadataFieldSchema {
  type: CustomMetadataFieldType;
  selectOptions?: Array<string | number | boolean>;
  defaultValue?: CustomMetadataValue;
  isValueRequired?: boolean;
  minValue?: string | number;
  maxValue?: string | number;
  minLength?: number;
  maxLength?: number;
}

export interface CustomMetadataField {
  id: string;
  name: string;
  label: string;
  schema: CustomMetadataFieldSchema;
  description?: string;
}

/**
 * Every `reason` this server puts in an error body, so clients branch on a checked name. ImageKit's
 * own codes (`SOURCE_FILE_MISSING`, `FILE_ALREADY_EXISTS`, `SAME_OLD_AND_NEW_NAME`…) keep its spelling.
 */
export type ErrorReason =
  | 'APP_NOT_BUILT'
  | 'UPLOAD_RULE_NAMING'
  | 'UPLOAD_RULE_MAX_SIZE'
  | 'UPLOAD_RULE_TYPE'
  | 'EXTENSION_NOT_AVAILABLE'
  | 'BACKGROUND_REMOVAL_FAILED'
  | 'NOT_IN_TRASH'
  | 'RESTORE_CONFLICT'
  | 'BOTH_AUTH_METHODS'
  | 'CSRF_TOKEN_INVALID'
  | 'EMAIL_TAKEN'
  | 'GRANT_ABOVE_OWN_LEVEL'
  | 'GROUP_LOOP'
  | 'GROUP_NOT_FOUND'
  | 'COLLECTION_NAME_TAKEN'
  | 'COLLECTION_NOT_FOUND'
  | 'NOT_IN_COLLECTION'
  | 'CURRENT_VERSION'
  | 'DUPLICATE_LABEL'
  | 'DUPLICATE_NAME'
  | 'FIELD_DELETED'
  | 'FILES_MISSING'
  | 'FILE_ALREADY_EXISTS'
  | 'FILE_MISSING'
  | 'FILE_TOO_LARGE'
  | 'FILE_TYPE_NOT_ACCEPTED'
  | 'FOLDER_ALREADY_EXISTS'
  | 'FOLDER_NOT_FOUND'
  | 'GRANT_NOT_FOUND'
  | 'FORMAT_CHANGE_NEEDS_SAVE_AS'
  | 'HEADERS_TOO_LARGE'
  | 'IMAGE_TOO_LARGE'
  | 'INVALID_CUSTOM_METADATA'
  | 'INVALID_DESTINATION'
  | 'INVALID_EXPIRE'
  | 'INVALID_FILE'
  | 'INVALID_FOLDER_PATH'
  | 'INVALID_IMAGE'
  | 'INVALID_VIDEO'
  | 'INVALID_JSON'
  | 'INVALID_MULTIPART'
  | 'INVALID_OPERATION'
  | 'INVALID_PARAMETER'
  | 'INVALID_PATH'
  | 'INVALID_REQUEST'
  | 'INVALID_SCHEMA'
  | 'INVALID_SEARCH_QUERY'
  | 'INVALID_SESSION_TOKEN'
  | 'INVALID_SIGNATURE'
  | 'INVALID_TRANSFORMATION'
  | 'KEY_LIMIT_REACHED'
  | 'KEY_NOT_FOUND'
  | 'LAST_ADMIN'
  | 'LAST_STANDARD_KEY'
  | 'LAYER_NOT_FOUND'
  | 'LIMIT_REACHED'
  | 'MISSING_PARAMETER'
  | 'NOT_AN_IMAGE'
  | 'NOT_FOUND'
  | 'OUTSIDE_SESSION_SCOPE'
  | 'PERMISSION_DENIED'
  | 'RATE_LIMITED'
  | 'RENDER_BUDGET_EXCEEDED'
  | 'RENDER_QUEUE_FULL'
  | 'REQUEST_TIMEOUT'
  | 'SAME_NAME'
  | 'SIGN_IN_FAILED'
  | 'SIGN_IN_LOCKED'
  | 'SAME_OLD_AND_NEW_NAME'
  | 'SESSION_EXPIRED'
  | 'SIGNATURE_EXPIRED'
  | 'SIGNATURE_REQUIRED'
  | 'SOURCE_CHANGED'
  | 'SOURCE_FILE_MISSING'
  | 'TIMEOUT'
  | 'TOKEN_REUSED'
  | 'TRANSFORMATION_TOO_LARGE'
  | 'UNAUTHENTICATED_UPLOADS_BUSY'
  | 'UNAUTHENTICATED_UPLOADS_IN_FLIGHT'
  | 'UNAUTHENTICATED_UPLOAD_TOO_LARGE'
  | 'UNKNOWN_HOST'
  | 'USER_DISABLED'
  | 'USER_NOT_FOUND'
  | 'UNNAMED_TRANSFORMATION_RESTRICTED'
  | 'UNSUPPORTED_TRANSFORMATION'
  | 'UPLOAD_FINISHED'
  | 'UPLOAD_NOT_FINISHED'
  | 'UPLOAD_NOT_FOUND'
  | 'URL_FETCH_FAILED'
  | 'VERSION_LIMIT_REACHED'
  // share links and downloads
  | 'PASSWORD_TOO_SHORT'
  | 'COLLECTION_NOT_FOUND'
  | 'SHARE_NOT_FOUND'
  | 'DOWNLOAD_TOO_LARGE'
  | 'INVALID_DOWNLOAD_LINK'
  // comments and notifications
  | 'COMMENT_NOT_FOUND'
  | 'COMMENT_EMPTY'
  | 'COMMENT_TOO_LONG'
  | 'INVALID_ANCHOR'
  | 'MENTION_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'NOT_COMMENT_AUTHOR'
  | 'NOT_A_THREAD'
  | 'USER_REQUIRED'
  | 'INVALID_CURSOR'
  // ai-providers
  | 'AI_NOT_CONFIGURED'
  | 'AI_PROVIDER_FAILED'
  | 'PRIVATE_FILE_NOT_SENT';

/** Every error body, ImageKit's shape. Some endpoints add `reason`, `errors` or `missingFileIds`. */
export interface ErrorBody {
  message: string;
  help: string;
  reason?: ErrorReason;
  errors?: Record<string, string>;
  missingFileIds?: string[];
}

/** A DAM user's role: `admin` (everything, keys and users too), `manager` (the whole library), `member` (what is granted). */
export type UserRole = 'admin' | 'manager' | 'member';
export type UserStatus = 'active' | 'disabled';
/** How far a grant reaches: see and download; also upload and edit; also move, delete and grant. */
export type AccessLevel = 'view' | 'contribute' | 'manage';
/** Who a grant or a group membership is for. */
export type PrincipalType = 'user' | 'group';
/** What a grant is on (`collection` once collections exist). */
export type GrantTargetType = 'folder' | 'file' | 'collection';

/** A user as `/_ml/users` and `/_ml/me` show it. */
export interface DamUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  status: UserStatus;
  /** Whether a password is set (an invited user has none yet). */
  hasPassword: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DamGroup {
  id: string;
  name: string;
  members: Array<{ type: PrincipalType; id: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface DamGrant {
  principal: { type: PrincipalType; id: string };
  target:
    | { type: 'folder'; path: string }
    | { type: 'file'; id: string }
    | { type: 'collection'; id: string };
  level: AccessLevel;
  createdAt: string;
}

/** Permission of a restricted API key, as ImageKit's dashboard names them. */
export type KeyPermission = 'None' | 'Read' | 'ReadWrite';

/** An API key pair as the keys admin API (`/_ml/keys`) lists it. The private key is masked there. */
export interface ApiKeyPair {
  publicKey: string;
  privateKey: string;
  kind: 'standard' | 'restricted';
  permission: KeyPermission;
  name: string;
  createdAt: string;
  /** Present while a rolled private key is still accepted. */
  previousKeyExpiresAt?: string;
}

/** The session a browser receives from a token endpoint's `POST …/session`. */
export interface SessionResponse {
  token: string;
  /** ISO 8601, UTC. */
  expiresAt: string;
  scope: Scope;
  /** Where the element sends `/v1/*` and upload calls. */
  endpoint: string;
}

/**
 * Server settings an admin changes at run time (`GET`/`PATCH /_ml/settings`). `auditRetentionDays`
 * null keeps audit entries forever; unset settings answer the server's defaults
 * (`MEDIA_LIBRARY_AUDIT_RETENTION` for the retention).
 */
export interface ServerSettings {
  /** Shown in the DAM app's header and title. */
  libraryName: string;
  auditRetentionDays: number | null;
  /** Images whose pHashes differ in at most this many of 64 bits are near duplicates; null: off. */
  nearDuplicateDistance: number | null;
  /** Library-wide upload rules; each unset one leaves uploads as ImageKit's API has them. */
  uploadRules: UploadRules;
}

/**
 * An upload rule is `enforced` (a request asking otherwise is refused, naming the rule) or a
 * `default` (applies when the request says nothing; the element starts from it).
 */
export type RuleMode = 'enforced' | 'default';

/** What happens to an upload whose name is taken in its folder. */
export type NamingPolicy = 'unique' | 'version' | 'reject';

export interface UploadRules {
  /** unique: a suffixed name; version: a new version of the file; reject: refused. */
  naming: { policy: NamingPolicy; mode: RuleMode } | null;
  /** MIME types (`image/png`) or families (`image/*`) an upload may have. */
  allowedTypes: { types: string[]; mode: RuleMode } | null;
  /** The largest upload in bytes. */
  maxSize: { bytes: number; mode: RuleMode } | null;
  /** Tags an upload into a folder (or below it) gets; the deepest folder listed wins. */
  folderTags: { folders: Array<{ folder: string; tags: string[] }>; mode: RuleMode } | null;
}

/** Another file like this one: `distance` is how many of 64 pHash bits differ (0 for the same bytes). */
export interface SimilarFile {
  file: MediaFile;
  distance: number;
}

/** `GET /_ml/duplicates`: groups of duplicates, the first file leading; `cursor` continues, null at the end. */
export interface DuplicateGroupsPage {
  groups: Array<{ files: SimilarFile[] }>;
  cursor: string | null;
}

/** `GET /_ml/upload-rules`: the rules as any caller that may upload sees them. */
export interface UploadRulesResponse {
  rules: UploadRules;
}

/** A collection (`/_ml/collections`): a named, ordered set of files from any folders. */
export interface MediaCollection {
  id: string;
  name: string;
  description: string;
  /** Files in it that the caller may see. */
  itemCount: number;
  /** The DAM user who made it; null when a key or a session without a user did. */
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `GET /_ml/ai`: which AI actions this server offers (docs/ai-providers.md). */
export interface AiCapabilities {
  /** "Suggest alt text" (`POST /_ml/files/{id}/alt-text-suggestion`). */
  altText: boolean;
  /** "Generate" in the upload panel (`POST /_ml/generate`). */
  generate: boolean;
  backgroundRemoval: boolean;
  similar: boolean;
  /** The auto-tagging extensions this server runs. */
  taggingExtensions: string[];
}
