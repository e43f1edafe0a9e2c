import type { FetchAuth, SessionAuthorizer } from '../../client/auth.js';
import type { MediaApiError } from '../../client/errors.js';
import type { MediaClient } from '../../client/media-client.js';
import type { AccessLevel, Asset, MediaFile } from '../../shared/wire.js';
import type { Localizer } from '../i18n/localize.js';
import type { CollectionRef } from './listing.js';

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
  /** The collection on screen instead of a folder, if any. */
  readonly currentCollection: CollectionRef | undefined;
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
  /** The level the session holds at a file or folder (null: it can only see it on the way to others). */
  levelAt(asset: Asset): AccessLevel | null;
  /** Whether "Share with people…" is offered for a file or folder. */
  mayShare(asset: Asset): boolean;
  /** Settles once the user's levels (`/_ml/me`) asked for last are known: at once when they are. */
  levelsKnown(): Promise<void>;
  /**
   * Whether a public link to a collection is offered: the server lets only the whole library make
   * one (keys, admins, managers, read-write sessions for the root folder; not DAM members).
   */
  mayShareCollections(): boolean;
  /** Shows the images that look like `file` in place of the files ("Find similar"). */
  findSimilar(file: MediaFile): Promise<void>;
  /** Opens `file` in the details panel with "Remove background" asking (where the server offers it). */
  removeBackground(file: MediaFile): Promise<void>;
  /** Opens "Share with people…" for a file or folder. */
  share(asset: Asset): Promise<void>;
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
  /** Opens a collection in the grid (none: back to the folder). */
  openCollection(collection: CollectionRef | undefined): void;
  /** Moves a listed row (a collection reordered) and keeps the keyboard on it. */
  moveItem(from: number, to: number): void;
  /** Tells the page (`ml-error`). */
  reportError(error: MediaApiError): void;
  /** The overlay part `tag` (the upload panel) in the element's layout, made the first time it is asked for. */
  overlay<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K];
}
