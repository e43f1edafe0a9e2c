import type { AiAnalysisRepository, AiJobRepository } from './repositories/ai.js';
import type { ApiKeyRepository } from './repositories/api-keys.js';
import type { AuditEntryRepository } from './repositories/audit-entries.js';
import type { BackupJobRepository } from './repositories/backup-jobs.js';
import type { BlobJournalRepository } from './repositories/blob-journal.js';
import type { CollectionRepository } from './repositories/collections.js';
import type { CommentRepository } from './repositories/comments.js';
import type { ContentHashRepository } from './repositories/content-hashes.js';
import type { CustomMetadataFieldRepository } from './repositories/custom-metadata-fields.js';
import type { DeliveryUsageRepository } from './repositories/delivery-usage.js';
import type { FileRecord, FileRepository } from './repositories/files.js';
import type { FolderRecord, FolderRepository } from './repositories/folders.js';
import type { GrantRepository } from './repositories/grants.js';
import type { GroupRepository } from './repositories/groups.js';
import type { ImageSignatureRepository } from './repositories/image-signatures.js';
import type { JobRepository } from './repositories/jobs.js';
import type { NamedTransformationRepository } from './repositories/named-transformations.js';
import type { NotificationRepository } from './repositories/notifications.js';
import type { OriginRepository } from './repositories/origins.js';
import type { PerceptualHashRepository } from './repositories/perceptual-hashes.js';
import type { ReferenceRepository } from './repositories/references.js';
import type { RenditionRepository } from './repositories/renditions.js';
import type { SavedExtensionRepository } from './repositories/saved-extensions.js';
import type { SettingRepository } from './repositories/settings.js';
import type { ShareRepository } from './repositories/shares.js';
import type { SpentUploadTokenRepository } from './repositories/spent-upload-tokens.js';
import type { SuggestionRepository } from './repositories/suggestions.js';
import type { TrashRepository } from './repositories/trash.js';
import type { UrlEndpointRepository } from './repositories/url-endpoints.js';
import type { UserRepository } from './repositories/users.js';
import type { VersionDataRepository } from './repositories/version-data.js';

export type { ListQuery, SortColumn } from './list-query.js';
export type { AiAnalysisRecord, AiJobKind, AiJobRecord, AiJobStatus } from './repositories/ai.js';
export type { ApiKeyRecord } from './repositories/api-keys.js';
export type { AuditFilter, AuditRecord, NewAuditRecord } from './repositories/audit-entries.js';
export type { BackupCounts, BackupJobRecord } from './repositories/backup-jobs.js';
export type { CollectionPatch, CollectionRecord } from './repositories/collections.js';
export type { CommentPatch, CommentRecord } from './repositories/comments.js';
export type { DuplicateScope } from './repositories/content-hashes.js';
export type {
  CustomMetadataFieldPatch,
  CustomMetadataFieldRecord,
} from './repositories/custom-metadata-fields.js';
export type { UsageCount } from './repositories/delivery-usage.js';
export type { FilePatch, FileRecord } from './repositories/files.js';
export type { FolderPatch, FolderRecord } from './repositories/folders.js';
export type { GrantKey, GrantRecord } from './repositories/grants.js';
export type { GroupMember, GroupRecord } from './repositories/groups.js';
export type { NewSignature, StoredSignature } from './repositories/image-signatures.js';
export type { JobRecord, JobStatus, JobType } from './repositories/jobs.js';
export type { NamedTransformationRecord } from './repositories/named-transformations.js';
export type {
  NewNotificationRecord,
  NotificationRecord,
  NotificationSettingsRecord,
  WatchRecord,
} from './repositories/notifications.js';
export type { OriginRecord } from './repositories/origins.js';
export type { ReferenceRecord } from './repositories/references.js';
export type { RenditionRecord } from './repositories/renditions.js';
export type { SavedExtensionRecord } from './repositories/saved-extensions.js';
export type { SharePatch, ShareRecord, ShareTargetType } from './repositories/shares.js';
export type { SuggestionKind, SuggestionRow } from './repositories/suggestions.js';
export type { TrashContents, TrashItemRecord, TrashQuery } from './repositories/trash.js';
export type { UrlEndpointRecord } from './repositories/url-endpoints.js';
export type { UserPatch, UserRecord, UserSessionRecord } from './repositories/users.js';

/**
 * The catalog: one repository per aggregate, over SQLite (one machine) or PostgreSQL (many).
 * Repositories are small and composable; `transaction` runs calls on several as one atomic unit.
 */
export interface Store {
  readonly files: FileRepository;
  readonly folders: FolderRepository;
  readonly jobs: JobRepository;
  readonly backupJobs: BackupJobRepository;
  /** AI work any node claims (docs/ai.md). */
  readonly aiJobs: AiJobRepository;
  /** What the local models found per version. */
  readonly aiAnalyses: AiAnalysisRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly customMetadataFields: CustomMetadataFieldRepository;
  readonly spentUploadTokens: SpentUploadTokenRepository;
  readonly blobJournal: BlobJournalRepository;
  readonly renditions: RenditionRepository;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly grants: GrantRepository;
  readonly collections: CollectionRepository;
  readonly namedTransformations: NamedTransformationRepository;
  readonly savedExtensions: SavedExtensionRepository;
  readonly origins: OriginRepository;
  readonly urlEndpoints: UrlEndpointRepository;
  readonly deliveryUsage: DeliveryUsageRepository;
  readonly settings: SettingRepository;
  /** Public share links; read per request, never cached. */
  readonly shares: ShareRepository;
  /** Where files are used (CMS entries), as the plugins report it. */
  readonly references: ReferenceRepository;
  /** The SHA-256 of uploaded versions: exact duplicates. */
  readonly contentHashes: ContentHashRepository;
  /** The pHash of image versions: near duplicates. */
  readonly perceptualHashes: PerceptualHashRepository;
  /** Similarity signatures of image versions: "find similar". */
  readonly imageSignatures: ImageSignatureRepository;
  /** Rows derived from a version (AI analysis and jobs, signatures, hashes): gone with it for good. */
  readonly versionData: VersionDataRepository;
  /** What the search box suggests as a person types. */
  readonly suggestions: SuggestionRepository;
  /** Deleted files and folders until they are purged or restored. */
  readonly trash: TrashRepository;
  /** Append-only: writes add their entry inside their own transaction. */
  readonly audit: AuditEntryRepository;
  /** Comments on files (docs/comments.md). */
  readonly comments: CommentRepository;
  /** Notifications, watches and notification settings. */
  readonly notifications: NotificationRepository;
  /**
   * A token that changes whenever the catalog may have changed, for caches of what it answers;
   * undefined where there is no cheap, exact one (PostgreSQL: other nodes write too).
   */
  catalogVersion(): Promise<string | undefined>;
  /** Runs `work` atomically on the store it is handed; nested calls join the outer transaction. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export const isFolderRecord = (record: FileRecord | FolderRecord): record is FolderRecord =>
  'folderId' in record;
