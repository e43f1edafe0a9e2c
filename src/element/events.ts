import type { MediaApiError } from '../client/errors.js';
import type { MediaFile } from '../shared/wire.js';

/** `ml-insert`, `ml-select` and `ml-upload` detail. */
export interface FilesDetail {
  files: MediaFile[];
}
/** ImageKit's widget payload, the `insert` event's detail. */
export interface InsertPayload {
  eventType: 'INSERT';
  data: MediaFile[];
}
/** `ml-error` detail. */
export interface ErrorDetail {
  message: string;
  /** HTTP status; 0 when the server or token endpoint could not be reached. */
  status: number;
  reason?: string;
  source: 'api' | 'session' | 'network';
  error: MediaApiError;
}
/** `ml-close` detail: why the dialog closed. */
export interface CloseDetail {
  reason: 'insert' | 'cancel' | 'api';
}
/** `ml-navigate` detail: what `initial-folder`, `initial-query` and `view` restore. */
export interface NavigateDetail {
  folder: string;
  query: string;
  view: 'grid' | 'list';
  /** The collection open instead of the folder (its id; feed it back through `initial-collection`). */
  collection?: string;
}
/** `ml-upload-progress` detail: the whole batch's progress. */
export interface UploadProgressDetail {
  percent: number;
  bytesUploaded: number;
  bytesTotal: number;
}
/** `ml-upload-success` detail: one file uploaded (`file` as the server answered it). */
export interface UploadSuccessDetail {
  file: MediaFile | undefined;
  name: string | undefined;
}
/** `ml-upload-error` detail: one file failed, with the server's reason. */
export interface UploadErrorDetail {
  name: string | undefined;
  message: string;
}

/** The element's public events, as `addEventListener` types them. */
export interface LibraryEventMap {
  'ml-insert': CustomEvent<FilesDetail>;
  insert: CustomEvent<InsertPayload>;
  'ml-select': CustomEvent<FilesDetail>;
  'ml-error': CustomEvent<ErrorDetail>;
  'ml-close': CustomEvent<CloseDetail>;
  'ml-navigate': CustomEvent<NavigateDetail>;
  'ml-upload': CustomEvent<FilesDetail>;
  'ml-upload-progress': CustomEvent<UploadProgressDetail>;
  'ml-upload-success': CustomEvent<UploadSuccessDetail>;
  'ml-upload-error': CustomEvent<UploadErrorDetail>;
}

/** Fires a public event: it bubbles and crosses shadow roots, so a host can listen anywhere above the element. */
export function fire<K extends keyof LibraryEventMap>(
  target: EventTarget,
  type: K,
  detail: LibraryEventMap[K]['detail'],
): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** `ml-error`'s detail for a failure. */
export function errorDetail(error: MediaApiError): ErrorDetail {
  return {
    message: error.message,
    status: error.status,
    source: error.source,
    ...(error.reason !== undefined && { reason: error.reason }),
    error,
  };
}

declare global {
  interface HTMLElementEventMap extends LibraryEventMap {}
}
