/** `media-library/client`: a typed, fetch-based ImageKit v1 client for browsers and Node. */

export type { AuditAction, AuditActor, AuditChange, AuditEntry, AuditPage } from '../shared/audit.js';
export type {
  Comment,
  CommentAnchor,
  CommentThreads,
  CommentWriteResult,
  MentionCandidate,
  Notification,
  NotificationPage,
  NotificationSettings,
} from '../shared/comments.js';
export type { SimilarAnswer, Suggestion, SuggestionKind } from '../shared/discovery.js';
export type {
  FileReference,
  ReferencesInput,
  RestoreAnswer,
  RestoreRequest,
  TrashItem,
  TrashPage,
} from '../shared/lifecycle.js';
export type { DownloadLink, NewShare, Share, SharePatchBody, ShareTarget } from '../shared/shares.js';
export type {
  Asset,
  CustomMetadataField,
  CustomMetadataValue,
  FileMetadata,
  MediaCollection,
  MediaFile,
  MediaFolder,
  SessionResponse,
} from '../shared/wire.js';
export { type AuditQuery, listAuditEntries, mayReadAudit } from './audit.js';
export {
  type Authorizer,
  basicAuth,
  CookieAuthorizer,
  type FetchAuth,
  fetchAuthFrom,
  SessionAuthorizer,
  type SessionAuthorizerOptions,
} from './auth.js';
export {
  addToCollection,
  createCollection,
  deleteCollection,
  getCollection,
  listCollectionItems,
  listCollections,
  removeFromCollection,
  reorderCollection,
  updateCollection,
} from './collections.js';
export {
  addComment,
  commentCounts,
  editComment,
  listComments,
  listNotifications,
  markNotificationsRead,
  mentionable,
  type NewComment,
  notificationSettings,
  removeComment,
  resolveThread,
  watchFile,
} from './comments.js';
export { similarFiles, suggest } from './discovery.js';

export {
  type BulkResult,
  changeTags,
  deleteFiles,
  deleteFolder,
  deleteVersion,
  type EditOperation,
  editImage,
  type FileDetailsPatch,
  type JobStatus,
  listVersions,
  renameFile,
  replaceFile,
  restoreVersion,
  startFolderJob,
  suggestTags,
  transferFile,
  updateFileDetails,
  waitForJob,
} from './editing.js';
export { isAbortError, MediaApiError, type MediaErrorSource } from './errors.js';
export {
  deleteFromTrash,
  fileReferences,
  listTrash,
  putReferences,
  referenceCounts,
  restoreFromTrash,
} from './lifecycle.js';
export {
  type ListAssetsParams,
  MediaClient,
  type MediaClientOptions,
  type RequestOptions,
  type SortField,
  type SortOrder,
} from './media-client.js';
export {
  allOf,
  anyOf,
  condition,
  literal,
  type QueryOperator,
  type QueryScalar,
  quote,
} from './search-query.js';
export { createDownload, createShare, listShares, revokeShare, updateShare } from './shares.js';
