import type { Locker } from '@tus/server';
import type { AiJobs } from './ai/jobs.js';
import type { AiProviders } from './ai/providers.js';
import type { ApiKeys } from './auth/api-keys.js';
import type { RateLimiter } from './auth/rate-limiter.js';
import type { SignInLimits } from './auth/user-sessions.js';
import type { ServerConfig } from './config.js';
import type { BackupQueue } from './library/backup.js';
import type { DeliveryUsageRecorder } from './library/delivery-usage.js';
import type { DerivedImages } from './library/derived-images.js';
import type { FolderJobs } from './library/folder-jobs.js';
import type { NamedTransformationCatalog } from './library/named-transformations.js';
import type { NotificationHub } from './library/notification-hub.js';
import type { NotificationMailer } from './library/notification-mail.js';
import type { RenderQueue } from './library/render-queue.js';
import type { UnauthenticatedUploads } from './library/unauthenticated-uploads.js';
import type { UrlEndpointCatalog } from './library/url-endpoints.js';
import type { BlobStorage } from './storage/blob-storage.js';
import type { Store } from './store/store.js';

/** The parts every route and library function works with; built once at start. */
export interface ServerContext {
  config: ServerConfig;
  store: Store;
  storage: BlobStorage;
  /** Local directory for bytes still arriving; emptied at start. */
  stagingDir: string;
  keys: ApiKeys;
  /** Folder copy, move and rename jobs; set once the context exists. */
  jobs: FolderJobs;
  /** Writes of new versions to the backup bucket (`--backup`); idle when none is configured. */
  backup: BackupQueue;
  /** Transformed images, cached in storage and rendered once however many ask at the same time. */
  derivedImages: DerivedImages;
  rateLimiter?: RateLimiter;
  /** Failed sign-ins per account and per address (always on, shared through Redis when there is one). */
  signInLimits: SignInLimits;
  /** Share links' public pages per client address, and their password attempts (src/server/routes/share-page.ts). */
  shareLimits: { requests: RateLimiter; passwords: RateLimiter };
  /** Renders running at once, and the short queue behind them. */
  renderQueue: RenderQueue;
  /** Video renders waiting for (and holding) their share of the render slots. */
  videoQueue: RenderQueue;
  /** Uncached renders per client address through unsigned delivery URLs; none when unset. */
  renderBudget?: RateLimiter;
  /** Upload bytes in flight from senders not yet known (signature fields still to come). */
  unauthenticatedUploads: UnauthenticatedUploads;
  /** Every `n-<name>` delivery may use: built in, configured, and made over the API. */
  namedTransformations: NamedTransformationCatalog;
  /** Delivery responses counted for usage analytics. */
  deliveryUsage: DeliveryUsageRecorder;
  /** URL endpoints by prefix, for the router's rewrite of `/<urlPrefix>/…`. */
  urlEndpoints: UrlEndpointCatalog;
  /** Locks resumable uploads across nodes (with Redis); tus's in-process locker otherwise. */
  resumableLocker?: Locker;
  /** Open notification streams on this node, woken across nodes (docs/comments.md). */
  notificationHub: NotificationHub;
  /** Notification emails, when SMTP is configured. */
  notificationMailer: NotificationMailer;
  /** AI providers by capability (src/server/ai/providers.ts); empty when none is configured. */
  ai: AiProviders;
  /** The AI job queue (docs/ai.md); set once the context exists. */
  aiJobs: AiJobs;
}
