import type { FetchAuth, SessionAuthorizer } from '../../client/auth.js';
import type { MediaApiError } from '../../client/errors.js';
import type { MediaClient } from '../../client/media-client.js';
import type { Asset, MediaFile } from '../../shared/wire.js';
import type { Localizer } from '../i18n/localize.js';

/** How the element reaches the media backend once it has a session. */
export interface LibraryConnection {
  client: MediaClient;
  /** The session's source; none when the host handed the element a client of its own. */
  authorizer: SessionAuthorizer | undefined;
  /** How the token endpoint is called (for upload signatures); none without one. */
  fetchAuth: FetchAuth | undefined;
}

/** What the lazy parts read of `<media-library>` itself: the page's settings and the element's state. */
export interface LibraryElement extends HTMLElement {
  /** `accept`, as the host set it (`image/*,.pdf`). */
  readonly accept: string;
  /** `max-files`; 0 for no limit. */
  readonly maxFiles: number;
  readonly theme: 'light' | 'dark' | 'auto';
  /** `modal`, `inline` or `app` (the DAM's full page). */
  readonly mode: 'modal' | 'inline' | 'app';
  /** What uploads carry: the session token, or a fresh signature per file. */
  readonly uploadAuth: 'token' | 'signature';
  /** The folder on screen (`/` or `/a/b`). */
  readonly currentFolder: string;
  /** The selected files, in the order they were picked. */
  readonly selectedFiles: readonly MediaFile[];
}

/**
 * What `<media-library>` offers the parts it loads lazily (menus, dragging, organising, upload),
 * through `libraryContext`: the state they read and the few things they may ask of it. Data that
 * a part renders still comes down as properties.
 */
export interface LibraryHost {
  /** The `<media-library>` element: public events fire on it, files are dropped or pasted on it, and its settings are read from it. */
  readonly element: LibraryElement;
  readonly l10n: Localizer;
  /** What the grid lists. */
  readonly items: readonly Asset[];
  /** The client for the parts that change the library; none for a read-only session. */
  readonly client: MediaClient | undefined;
  /** The connection, once there is one; rejects when connecting fails. */
  connection(): Promise<LibraryConnection>;
  /** Shows `text` as a notice in the footer (clears it without). */
  notify(text?: string): void;
  /**
   * A part changed the library: a file's new state (shown at once), or else a reload of the
   * listing and of `folder` in the tree; `text` is shown as a notice.
   */
  changed(file?: MediaFile, folder?: string, text?: string): Promise<void>;
  /** New files are in the library: the listing reloads, and the modal picker selects them. */
  uploaded(files: MediaFile[]): void;
  /** Tells the page (`ml-error`). */
  reportError(error: MediaApiError): void;
  /** The overlay part `tag` (the upload panel) in the element's layout, made the first time it is asked for. */
  overlay<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K];
}
