import { type Kysely, sql } from 'kysely';
import type { Connection, StoreDialect } from './connection.js';
import { AiAnalysisRepository, AiJobRepository } from './repositories/ai.js';
import { ApiKeyRepository } from './repositories/api-keys.js';
import { AuditEntryRepository } from './repositories/audit-entries.js';
import { BackupJobRepository } from './repositories/backup-jobs.js';
import { BlobJournalRepository } from './repositories/blob-journal.js';
import { CollectionRepository } from './repositories/collections.js';
import { CommentRepository } from './repositories/comments.js';
import { ContentHashRepository } from './repositories/content-hashes.js';
import { CustomMetadataFieldRepository } from './repositories/custom-metadata-fields.js';
import { DeliveryUsageRepository } from './repositories/delivery-usage.js';
import { FileRepository } from './repositories/files.js';
import { FolderRepository } from './repositories/folders.js';
import { GrantRepository } from './repositories/grants.js';
import { GroupRepository } from './repositories/groups.js';
import { ImageSignatureRepository } from './repositories/image-signatures.js';
import { JobRepository } from './repositories/jobs.js';
import { NamedTransformationRepository } from './repositories/named-transformations.js';
import { NotificationRepository } from './repositories/notifications.js';
import { OriginRepository } from './repositories/origins.js';
import { PerceptualHashRepository } from './repositories/perceptual-hashes.js';
import { ReferenceRepository } from './repositories/references.js';
import { RenditionRepository } from './repositories/renditions.js';
import { SavedExtensionRepository } from './repositories/saved-extensions.js';
import { SettingRepository } from './repositories/settings.js';
import { ShareRepository } from './repositories/shares.js';
import { SpentUploadTokenRepository } from './repositories/spent-upload-tokens.js';
import { SuggestionRepository } from './repositories/suggestions.js';
import { TrashRepository } from './repositories/trash.js';
import { UrlEndpointRepository } from './repositories/url-endpoints.js';
import { UserRepository } from './repositories/users.js';
import { VersionDataRepository } from './repositories/version-data.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/**
 * The `Store` over any Kysely dialect whose columns follow schema.ts: every repository on one
 * connection, the database's or (inside `transaction`) the transaction's.
 */
export function kyselyStore(
  db: Kysely<Database>,
  dialect: StoreDialect,
  onClose: () => Promise<void>,
  inTransaction = false,
): Store {
  const connection: Connection = {
    db,
    dialect,
    atomically: (work) => (inTransaction ? work(db) : db.transaction().execute(work)),
  };
  const store: Store = {
    files: new FileRepository(connection),
    folders: new FolderRepository(connection),
    jobs: new JobRepository(connection),
    backupJobs: new BackupJobRepository(connection),
    aiJobs: new AiJobRepository(connection),
    aiAnalyses: new AiAnalysisRepository(connection),
    apiKeys: new ApiKeyRepository(connection),
    customMetadataFields: new CustomMetadataFieldRepository(connection),
    spentUploadTokens: new SpentUploadTokenRepository(connection),
    blobJournal: new BlobJournalRepository(connection),
    renditions: new RenditionRepository(connection),
    users: new UserRepository(connection),
    groups: new GroupRepository(connection),
    grants: new GrantRepository(connection),
    collections: new CollectionRepository(connection),
    namedTransformations: new NamedTransformationRepository(connection),
    savedExtensions: new SavedExtensionRepository(connection),
    origins: new OriginRepository(connection),
    urlEndpoints: new UrlEndpointRepository(connection),
    deliveryUsage: new DeliveryUsageRepository(connection),
    settings: new SettingRepository(connection),
    shares: new ShareRepository(connection),
    references: new ReferenceRepository(connection),
    trash: new TrashRepository(connection),
    contentHashes: new ContentHashRepository(connection),
    perceptualHashes: new PerceptualHashRepository(connection),
    imageSignatures: new ImageSignatureRepository(connection),
    versionData: new VersionDataRepository(connection),
    suggestions: new SuggestionRepository(connection),
    audit: new AuditEntryRepository(connection),
    comments: new CommentRepository(connection),
    notifications: new NotificationRepository(connection),
    transaction: (work) =>
      inTransaction
        ? work(store)
        : db.transaction().execute(async (trx) => {
            await dialect.beginTransaction?.(trx);
            return work(kyselyStore(trx, dialect, onClose, true));
          }),
    // SQLite: the rows this process's one connection changed, and whether another process wrote.
    catalogVersion: async () => {
      if (dialect.name !== 'sqlite') return undefined;
      const { rows } = await sql<{ changes: number; version: number }>`
        select total_changes() as changes, (select data_version from pragma_data_version) as version`.execute(
        db,
      );
      return `${rows[0]!.version}.${rows[0]!.changes}`;
    },
    close: onClose,
  };
  return store;
}
