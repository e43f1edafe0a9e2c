/**
 * `media-library`: registers `<media-library>` and exports the element class and the API client
 * it uses. The ImageKit widget drop-in is `media-library/widget`.
 */
export {
  type Authorizer,
  basicAuth,
  type FetchAuth,
  SessionAuthorizer,
} from '../client/auth.js';
export { MediaApiError } from '../client/errors.js';
export {
  type ListAssetsParams,
  MediaClient,
  type MediaClientOptions,
  type SortOrder,
} from '../client/media-client.js';
export type { Asset, MediaFile, MediaFolder } from '../shared/wire.js';
export type {
  CloseDetail,
  ErrorDetail,
  FilesDetail,
  InsertPayload,
  LibraryEventMap,
  NavigateDetail,
  UploadErrorDetail,
  UploadProgressDetail,
  UploadSuccessDetail,
} from './events.js';
export { type Catalog, Localizer, type Message, registerLocale } from './i18n/localize.js';
export { MediaLibraryElement } from './media-library.js';

/** Loads and registers `<ml-notification-bell>` (a lazy chunk; the DAM app's header puts it up). */
export const loadNotificationBell = (): Promise<typeof import('./parts/notification-bell.js')> =>
  import('./parts/notification-bell.js');
