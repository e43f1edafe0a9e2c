import { ContextProvider } from '@lit/context';
import { CSSResult, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { type FetchAuth, fetchAuthFrom, SessionAuthorizer } from '../client/auth.js';
import type { MediaApiError } from '../client/errors.js';
import { MediaClient } from '../client/media-client.js';
import type { Scope } from '../shared/session-token.js';
import type { AccessLevel, Asset, CustomMetadataField, MediaFile } from '../shared/wire.js';
import { property, state } from './decorators.js';
import { type CloseDetail, errorDetail, fire } from './events.js';
import { english, type Localizer, loadLocalizer, registerLocale } from './i18n/localize.js';
import './parts/asset-grid.js';
import type { SelectHow } from './parts/item-navigation.js';
import './parts/breadcrumbs.js';
import './parts/folder-tree.js';
import { loadNavigationKeys } from './parts/keys.js';
import { toMediaError } from './parts/media-error.js';
import { adoptStyles, whenIdle } from './parts/part-events.js';
import { transformedUrl } from './parts/thumbnails.js';
import './parts/search-bar.js';
import { type AcceptTest, acceptTest } from './state/accept.js';
import { libraryContext, localizeContext } from './state/contexts.js';
import { FolderTree } from './state/folder-tree.js';
import type { LibraryConnection, LibraryHost } from './state/library-host.js';
import {
  type CollectionRef,
  isWithin,
  Listing,
  type ListSort,
  normalizeFolderPath,
  parentOf,
} from './state/listing.js';
import { levelAt, type People, reaches, userClaim } from './state/people.js';
import { emptySearch, type SearchState } from './state/search.js';
import { Selection } from './state/selection.js';
import { UsageCounts } from './state/usage-counts.js';
import {
  closeIcon,
  folderPlusIcon,
  gridIcon,
  icon,
  infoIcon,
  listIcon,
  sidebarIcon,
  sortIcon,
} from './styles/icons.js';
import { mediaLibraryStyles } from './styles/media-library.styles.js';
import { shared } from './styles/shared.js';
import { tokens } from './styles/tokens.js';

export type { CloseDetail, ErrorDetail, FilesDetail, InsertPayload, NavigateDetail } from './events.js';

// The menus (sort, new folder, filters) are a lazy chunk, fetched when the browser is idle.
/** The parts the shell renders on show(), whose stylesheets are made beforehand. */
const shellParts = ['ml-asset-grid', 'ml-folder-tree', 'ml-search-bar', 'ml-breadcrumbs'];

/** Makes the constructed stylesheets of these elements' styles (Lit makes each on its first use, then keeps it). */
function parseStyles(parts: Array<CustomElementConstructor | undefined>): void {
  for (const part of parts)
    for (const style of (part as typeof LitElement | undefined)?.elementStyles ?? [])
      if (style instanceof CSSResult) style.styleSheet;
}

let menus: typeof import('./parts/menus.js') | undefined;
// So is what a DAM user's session needs (its levels, the share dialog), asked for only then.
let people: Promise<typeof import('./parts/people.js')> | undefined;
// So is dragging files onto folders (dragover must be answered at once, so it cannot load then).
let dragFiles: typeof import('./parts/drag-files.js') | undefined;
// And collections: the sidebar section, their view's parts, the add dialog, reordering.
let collections: typeof import('./parts/collections.js') | undefined;

/**
 * An embeddable media library: browse folders, search, pick files and hand them to the page.
 * Talks to a media backend that speaks ImageKit's v1 API (the media-library server or ImageKit)
 * with short-lived sessions from the host's token endpoint; never holds a private key.
 *
 * @summary Browse, search, select and insert assets from an ImageKit-compatible media library.
 *
 * @event ml-insert - `{ files: File[] }`: the user inserted files (Insert, Enter or double-click).
 * @event insert - `{ eventType: 'INSERT', data: File[] }`: the same, in ImageKit's widget payload.
 * @event ml-select - `{ files: File[] }`: the selection changed.
 * @event ml-error - `{ message, status, reason?, source, error }`: a call failed (also shown in the UI).
 * @event ml-close - `{ reason: 'insert' | 'cancel' | 'api' }`: the modal closed.
 * @event ml-navigate - `{ folder, query, view, collection? }`: the folder, search, view or collection changed (feed it back through `initial-folder`, `initial-query`, `view`, `initial-collection`).
 * @event ml-upload - `{ files: File[] }`: a batch of uploads finished; the files are in the library (and selected in the modal). A duplicate the user chose to replace by the library's existing file comes as that file, in an event of its own.
 * @event ml-upload-progress - `{ percent, bytesUploaded, bytesTotal }`: the batch's progress.
 * @event ml-upload-success - `{ file, name }`: one file uploaded.
 * @event ml-upload-error - `{ name, message }`: one file failed, with the server's reason.
 *
 * @slot toolbar - Extra controls at the end of the toolbar (above the grid).
 *
 * The element reflects a `loading` attribute while it connects or loads the first page of a
 * folder or search, for hosts that style on it.
 *
 * @csspart dialog - The native `<dialog>` in modal mode.
 * @csspart base - The layout that holds every region.
 * @csspart header - The top bar: title, search and filters.
 * @csspart search - The search bar.
 * @csspart sidebar - The folder tree's region.
 * @csspart tree - The folder tree.
 * @csspart collections - The sidebar's Collections section (the media server's collections).
 * @csspart content - The middle region: toolbar and grid.
 * @csspart toolbar - Breadcrumbs, new folder, sort and view controls.
 * @csspart breadcrumbs - The folder path.
 * @csspart grid - The grid or list of assets.
 * @csspart details - The details panel.
 * @csspart footer - Selection summary and the Cancel and Insert buttons.
 * @csspart upload-button - The Upload button (with write access; files can also be dropped or pasted anywhere).
 * @csspart insert-button - The Insert button.
 * @csspart cancel-button - The Cancel button (modal).
 * @csspart close-button - The dialog's close button (modal).
 *
 * @cssproperty --ml-font-family - Font stack.
 * @cssproperty --ml-font-size - Base font size (14px).
 * @cssproperty --ml-radius - Corner radius (8px).
 * @cssproperty --ml-cell-size - Ideal thumbnail cell width (164px; 124px compact).
 * @cssproperty --ml-row-height - List view row height (48px; 38px compact).
 * @cssproperty --ml-color-bg - Background.
 * @cssproperty --ml-color-surface - Subtle surfaces (hover, thumbnails).
 * @cssproperty --ml-color-surface-raised - Buttons and popovers.
 * @cssproperty --ml-color-text - Text.
 * @cssproperty --ml-color-text-muted - Secondary text.
 * @cssproperty --ml-color-border - Borders.
 * @cssproperty --ml-color-accent - Accent (selection, primary button, focus ring).
 * @cssproperty --ml-color-on-accent - Text on the accent colour.
 * @cssproperty --ml-color-accent-soft - Selected backgrounds.
 * @cssproperty --ml-color-danger - Errors.
 * @cssproperty --ml-color-skeleton - Loading placeholders.
 * @cssproperty --ml-backdrop - The modal's backdrop.
 * @cssproperty --ml-shadow - Shadow of the dialog and popovers.
 * @cssproperty --ml-dialog-width - Modal width.
 * @cssproperty --ml-dialog-height - Modal height.
 */
export class MediaLibraryElement extends LitElement {
  static override styles = [tokens, shared, mediaLibraryStyles];

  /** Makes a locale available to every instance: a catalog, or a loader such as `() => import('./fr.js')`. */
  static registerLocale = registerLocale;

  /** The media backend's base URL; when empty, the session's `endpoint` is used. Relative URLs resolve against the page. */
  @property() endpoint = '';
  /** The host's token endpoint; the element POSTs to `<auth-url>/session` and renews before expiry. */
  @property({ attribute: 'auth-url' }) authUrl = '';
  /**
   * `modal` (a dialog opened with `show()`), `inline` (always on the page) or `app` (the DAM's own
   * full page: fills its container, no Insert; Enter or double-click opens a file's details, and
   * a file dragged to the desktop downloads).
   */
  @property({ reflect: true }) mode: 'modal' | 'inline' | 'app' = 'modal';
  /** Whether the modal is open. */
  @property({ type: Boolean, reflect: true }) open = false;
  /** Allow selecting more than one file. */
  @property({ type: Boolean }) multiple = false;
  /** Refuse to insert images without alt text (their `description`), and offer to fill it in. */
  @property({ type: Boolean, attribute: 'require-alt' }) requireAlt = false;
  /** With `multiple`, the most files that can be selected; 0 for no limit. */
  @property({ type: Number, attribute: 'max-files' }) maxFiles = 0;
  /**
   * An ImageKit transformation for inserted images' `url` (`w-1200,h-630`), cropped around each
   * image's focus area (`fo-custom`) where it has one.
   */
  @property({ attribute: 'insert-transformation' }) insertTransformation = '';
  /** File types that can be inserted, as `<input type=file accept>`: `image/*,application/pdf`, `.pdf`. Others show dimmed. */
  @property() accept = '';
  /** The folder the element is confined to (`/brand`); the session is asked for no more. */
  @property({ attribute: 'root-folder' }) rootFolder = '/';
  /** The folder to open first. */
  @property({ attribute: 'initial-folder' }) initialFolder = '';
  /** A collection to open first, by its id (instead of a folder); the media server's collections. */
  @property({ attribute: 'initial-collection' }) initialCollection = '';
  /** A search to start with: ImageKit's query language (`tags IN ["sale"]`) or plain words. */
  @property({ attribute: 'initial-query' }) initialQuery = '';
  /** `grid` or `list`. */
  @property({ reflect: true }) view: 'grid' | 'list' = 'grid';
  /** A BCP 47 language tag (`de`, `ar`); the page's language when empty. */
  @property() locale = '';
  /** `light`, `dark`, or `auto` (the operating system's). */
  @property({ reflect: true }) theme: 'light' | 'dark' | 'auto' = 'auto';
  /** `comfortable` or `compact`. */
  @property({ reflect: true }) density: 'comfortable' | 'compact' = 'comfortable';
  /**
   * What uploads carry: `token` (the session token) or `signature` (a fresh single-use signature
   * per file from `<auth-url>/upload-auth`, ImageKit's client-upload auth).
   */
  @property({ attribute: 'upload-auth' }) uploadAuth: 'token' | 'signature' = 'token';
  /**
   * Calls the token endpoint; the default is `fetch(authUrl + '/' + path, init)`. Set it when the
   * host's endpoint needs a header (a CMS nonce) or another transport.
   */
  @property({ attribute: false }) fetchAuth: FetchAuth | undefined;
  /** An API client of the host's own, used instead of `endpoint` and `auth-url`. */
  @property({ attribute: false }) client: MediaClient | undefined;
  /** Files per page as the user scrolls (1 to 1000; default 100). */
  @property({ attribute: false }) pageSize = 100;

  @state() private sidebarOpen = false;
  /** The trash (a lazy part) shows in place of the files. */
  @state() private trashOpen = false;
  /** "Find duplicates" (a lazy part) shows in place of the files, for the folder it was opened in. */
  @state() private duplicatesOpen = false;
  /** "Find similar" (a lazy part) shows the images like this one in place of the files. */
  @state() private similarTo: MediaFile | undefined;
  @state() private detailsOpen = false;
  @state() private activeAsset: Asset | undefined;
  @state() private notice: { text: string; kind: 'warn' | 'info' } | undefined;
  @state() private customFields: CustomMetadataField[] = [];
  /** Why the element cannot work at all (not configured, session refused). */
  @state() private problem: string | undefined;

  readonly #listing = new Listing({ pageSize: 100, onError: (error) => this.#reportError(error) });
  readonly #tree = new FolderTree();
  /** Places using each listed file: the badge on cells. */
  readonly #usage = new UsageCounts(() => this.requestUpdate());
  readonly #selection = new Selection();
  readonly #localizeProvider = new ContextProvider(this, {
    context: localizeContext,
    initialValue: english,
  });
  readonly #library = this.#libraryHost();
  #localizer: Localizer = english;
  #selectedIds: ReadonlySet<string> = new Set();
  #root = '/';
  #access: Scope['access'] = 'readwrite';
  /** Whom the session acts for (a DAM user's grants, a key); none: the session's `access` alone. */
  #people: People | undefined;
  #started = false;
  /** From the start until the session is there (then the listing says whether it loads). */
  #connecting = false;
  #startGeneration = 0;
  #accepts: AcceptTest = () => true;

  constructor() {
    super();
    // Provided once: the host's members read the element's state when asked.
    new ContextProvider(this, { context: libraryContext, initialValue: this.#library });
    this.#listing.subscribe(() => {
      this.#usage.update(this.#connected?.client, this.#listing.shownRows());
      this.requestUpdate();
    });
    this.#tree.subscribe(() => this.requestUpdate());
  }

  /** The files selected now, in the order they were picked. */
  get selectedFiles(): MediaFile[] {
    return this.#selection.list();
  }

  /** The folder on screen (`/` or `/a/b`). */
  get currentFolder(): string {
    return this.#listing.state.folder;
  }

  /** The collection on screen instead of a folder (`{ id, name }`), if any. */
  get currentCollection(): CollectionRef | undefined {
    return this.#listing.state.collection;
  }

  /** Opens the modal (and loads the library the first time). */
  show(): void {
    // The first page is asked for before the dialog renders: it is what the user waits for.
    if (!this.open && !this.#started && this.hasUpdated && this.isConnected) {
      this.#firstRequest = new Promise((resolve) => {
        this.#firstRequestSent = resolve;
      });
      void this.#start();
    }
    this.open = true;
  }

  /** Until the first page's request is out (settled by then, or never waited for past this task). */
  #firstRequest: Promise<void> | undefined;
  #firstRequestSent: (() => void) | undefined;

  /**
   * The render after show() waits for the first page's request to go out when the session is
   * already there (a few microtasks, never a frame); when it is not, for one task at most.
   */
  protected override async scheduleUpdate(): Promise<void> {
    const first = this.#firstRequest;
    if (first) {
      this.#firstRequest = undefined;
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve))]);
    }
    super.scheduleUpdate();
  }

  /** Closes the modal; fires `ml-close`. */
  close(): void {
    this.#closeWith('api');
  }

  /**
   * Opens a file's details panel, by the file's id (it need not be listed); with `comment`, on its
   * Comments tab with that comment focused (a notification's link). Waits for the session;
   * rejects when the file cannot be read (missing, deleted, not visible to the session).
   */
  async openFile(fileId: string, options: { comment?: string } = {}): Promise<void> {
    const { client } = await this.#library.connection();
    const file = await client.getFileDetails(fileId);
    this.activeAsset = file;
    this.#toggleDetails(true);
    await import('./parts/asset-details.js');
    await this.updateComplete;
    const details = this.renderRoot.querySelector('ml-asset-details');
    // Once the panel holds the file (showing another file starts on what was chosen before).
    await details?.updateComplete;
    if (options.comment) await details?.showComments(options.comment);
  }

  /** Reloads the current folder or search and the folder tree (and a DAM user's levels). */
  refresh(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    this.#tree.reset(this.#root, this.#connected?.client);
    void this.#tree.reveal(this.#listing.state.folder);
    if (this.#people && !this.#people.key) void this.#loadPeople(this.#startGeneration);
    return this.#listing.refresh();
  }

  /** The connection the element works with, once it has a session. */
  #connected: LibraryConnection | undefined;
  /** Parts waiting for that connection (files dropped while the element connects). */
  #waiting: Array<{
    resolve: (connection: LibraryConnection) => void;
    reject: (error: unknown) => void;
  }> = [];

  override connectedCallback(): void {
    super.connectedCallback();
    // An open element starts in its next update, once it has every attribute set with it.
    if (this.mode !== 'modal' || this.open) this.requestUpdate();
    // A closed modal gets its session while the page is idle, so show() only waits for the listing;
    // and makes its number format then (the first one loads the locale's data: tens of ms), and
    // parses the shell's stylesheets (tens of ms more, under load, on show()'s path to first paint).
    else
      whenIdle(() => {
        void this.#configuredConnection()
          ?.authorizer?.session()
          .catch(() => undefined);
        this.#localizer.number(0);
        parseStyles([
          this.constructor as typeof LitElement,
          ...shellParts.map((name) => customElements.get(name)),
        ]);
      });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#listing.cancel();
    // Started again, from scratch, if the element is put back on a page.
    this.#started = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.toggleAttribute('loading', this.#connecting || this.#listing.state.status === 'loading');
    if (changed.has('locale')) void this.#applyLocale();
    if (changed.has('multiple') || changed.has('maxFiles')) {
      this.#selection.limits = { multiple: this.multiple, maxFiles: Math.max(0, this.maxFiles || 0) };
      this.#applySelection(this.#selection.enforceLimits());
    }
    if (changed.has('accept')) this.#accepts = acceptTest(this.accept);
    if (changed.has('pageSize')) this.#listing.pageSize = this.pageSize || 100;
    const connection = ['endpoint', 'authUrl', 'fetchAuth', 'client', 'rootFolder'] as const;
    if (connection.some((key) => changed.has(key))) {
      this.#connectionCache = undefined;
      if (this.#started) void this.#start();
    }
    if ((this.open || this.mode !== 'modal') && !this.#started && this.isConnected) void this.#start();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.mode !== 'modal' || !(changed.has('open') || changed.has('mode'))) return;
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.open && !dialog.open) {
      dialog.showModal();
      void this.#focusSearch();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  async #focusSearch(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector('ml-search-bar')?.focus();
  }

  /** Connects (client, session, root), then loads the tree and the first page. */
  async #start(): Promise<void> {
    this.#started = true;
    this.#connecting = true;
    this.requestUpdate();
    try {
      await this.#connect();
    } finally {
      this.#connecting = false;
      this.requestUpdate();
    }
  }

  async #connect(): Promise<void> {
    const generation = ++this.#startGeneration;
    this.#listing.cancel();
    this.problem = undefined;
    this.#root = normalizeFolderPath(this.rootFolder);
    const connection = this.#configuredConnection();
    if (!connection) {
      this.problem = this.#localizer.t('notConfigured');
      this.#settleWaiting(new Error(this.problem));
      return;
    }
    const { client, authorizer } = connection;
    if (authorizer) {
      try {
        const { scope, token } = await authorizer.session();
        if (generation !== this.#startGeneration) return;
        // Acting for a DAM user: no write controls until its levels are known.
        this.#people = userClaim(token) ? { reach: { folders: {}, files: {} } } : undefined;
        // A session confined below the root narrows what the element browses.
        const scopeFolder = normalizeFolderPath(scope.folder);
        if (!isWithin(this.#root, scopeFolder)) this.#root = scopeFolder;
        this.#access = scope.access;
      } catch (error) {
        if (generation !== this.#startGeneration) return;
        const failure = toMediaError(error);
        this.problem = failure.source === 'network' ? this.#localizer.t('offline') : failure.message;
        this.#reportError(failure);
        this.#settleWaiting(failure);
        return;
      }
    }
    this.#connected = connection;
    // A client of the host's own may carry a signed-in user's cookie (the DAM app): asked below.
    if (!authorizer) this.#people = { reach: { folders: {}, files: {} } };
    this.#settleWaiting();
    this.#listing.setClient(client);
    this.#tree.reset(this.#root, client);
    const wanted = normalizeFolderPath(this.initialFolder || this.#root);
    const folder = isWithin(wanted, this.#root) ? wanted : this.#root;
    // The first page goes out first: it is what the user waits for.
    // Words search names and tags; a query runs as written (see searchQueryOf).
    const collection = this.initialCollection.trim();
    void this.#listing.load(
      {
        folder,
        collection: collection ? { id: collection, name: '' } : undefined,
        search: { ...emptySearch, text: this.initialQuery.trim() },
      },
      () => this.#firstRequestSent?.(),
    );
    if (collection) void this.#loadCollections();
    void this.#tree.reveal(folder);
    void this.#loadCustomFields(client, generation);
    if (this.#people) void this.#loadPeople(generation, !authorizer);
    whenIdle(() => {
      void loadNavigationKeys();
      void this.#loadMenus();
      void import('./parts/drag-files.js').then((m) => {
        dragFiles = m;
      });
      void import('./parts/upload-button.js');
      void this.#loadCollections();
    });
  }

  /** Answers the parts waiting for the connection: with it, or with why there is none. */
  #settleWaiting(failure?: unknown): void {
    const connection = this.#connected;
    for (const { resolve, reject } of this.#waiting.splice(0)) {
      if (failure === undefined && connection) resolve(connection);
      else reject(failure);
    }
  }

  #connectionCache: LibraryConnection | undefined;

  /** The API client (and its session source) for the current configuration, made once. */
  #configuredConnection(): LibraryConnection | undefined {
    if (this.#connectionCache) return this.#connectionCache;
    if (this.client) {
      this.#connectionCache = { client: this.client, authorizer: undefined, fetchAuth: this.fetchAuth };
      return this.#connectionCache;
    }
    const fetchAuth = this.fetchAuth ?? (this.authUrl ? fetchAuthFrom(this.authUrl) : undefined);
    if (!fetchAuth) return undefined;
    const root = normalizeFolderPath(this.rootFolder);
    const authorizer = new SessionAuthorizer({
      fetchAuth,
      ...(root !== '/' && { request: { folder: `${root}/` } }),
    });
    const client = new MediaClient({ ...(this.endpoint && { endpoint: this.endpoint }), auth: authorizer });
    this.#connectionCache = { client, authorizer, fetchAuth };
    return this.#connectionCache;
  }

  /**
   * The user's levels from `/_ml/me` (a host's client without one: a key, or not our server; a
   * failure otherwise keeps what was known). The share dialog's strings come with them.
   */
  #loadPeople(generation: number, probe = false): Promise<void> {
    this.#levelsLoading = this.#fetchPeople(generation, probe);
    return this.#levelsLoading;
  }

  async #fetchPeople(generation: number, probe: boolean): Promise<void> {
    people ??= import('./parts/people.js');
    const levels = await (await people)
      .loadLevels(this.#connected!.client, this.#listing.state.folder, probe)
      .catch(() => (probe ? undefined : this.#people));
    if (generation !== this.#startGeneration) return;
    this.#people = levels;
    this.requestUpdate();
  }

  /** The level at the current folder, or at a file or folder. */
  #levelOf(asset?: Asset): AccessLevel | null {
    const readOnly = this.#access === 'read';
    if (!asset) return levelAt(this.#people, readOnly, this.#listing.state.folder);
    return asset.type === 'folder'
      ? levelAt(this.#people, readOnly, asset.folderPath)
      : levelAt(this.#people, readOnly, asset.filePath, asset.fileId);
  }

  /** The last `/_ml/me` asked for, settled once its levels are applied. */
  #levelsLoading: Promise<void> = Promise.resolve();

  /** Whether the share dialog is offered: a user who manages there, or a key. */
  #mayShare(asset?: Asset): boolean {
    return !!this.#people && (!!this.#people.key || this.#levelOf(asset) === 'manage');
  }

  /** Whether "Share link…" is offered on collections (see LibraryHost.mayShareCollections). */
  #mayShareCollections(): boolean {
    const people = this.#people;
    return !!this.#api && (this.#root === '/' || !!people?.key) && (!people?.reach || !!people.key);
  }

  async #share(asset?: Asset): Promise<void> {
    const folder = this.#listing.state.folder;
    const name =
      folder === this.#root ? this.#localizer.t('rootFolder') : folder.slice(folder.lastIndexOf('/') + 1);
    people ??= import('./parts/people.js');
    await (await people).openShare(this.#library, asset ?? { name, folderPath: folder });
  }

  async #loadCollections(): Promise<void> {
    collections ??= await import('./parts/collections.js');
    collections.installCollections(this.#library);
  }

  async #loadCustomFields(client: MediaClient, generation: number): Promise<void> {
    try {
      const fields = await client.listCustomMetadataFields();
      if (generation !== this.#startGeneration) return;
      this.customFields = fields;
    } catch {
      // Labels fall back to field names; the builder offers built-in fields only.
    }
  }

  async #applyLocale(): Promise<void> {
    const requested = this.locale || document.documentElement.lang || navigator.language || 'en';
    const localizer = await loadLocalizer(requested);
    // A later change may have finished first.
    if ((this.locale || document.documentElement.lang || navigator.language || 'en') !== requested) return;
    this.#localizer = localizer;
    this.#localizeProvider.setValue(localizer);
    this.requestUpdate();
  }

  override render(): TemplateResult {
    const shell = this.#renderShell();
    if (this.mode !== 'modal') return shell;
    const l = this.#localizer;
    return html`<dialog part="dialog" lang=${l.lang} dir=${l.dir} aria-label=${l.t('title')} @cancel=${this.#onCancel}>
      ${this.open ? shell : nothing}
    </dialog>`;
  }

  #renderShell(): TemplateResult {
    const l = this.#localizer;
    const state = this.#listing.state;
    // The language the element speaks, which may not be the page's.
    return html`<div class="shell" part="base" dir=${l.dir} lang=${l.lang}>
      <header class="top" part="header">
        <h2>${l.t('title')}</h2>
        <ml-search-bar
          part="search"
          .search=${state.search}
          .customFields=${this.customFields}
          ?unusedFilter=${this.#usage.supported}
          .query=${state.query}
          .queryError=${state.error?.isQueryError ? state.error : undefined}
          @search-change=${(e: CustomEvent<{ search: SearchState }>) => this.#changeSearch(e.detail.search)}
        ></ml-search-bar>
        ${
          this.mode === 'modal'
            ? html`<button
                class="btn ghost icon-only"
                part="close-button"
                type="button"
                aria-label=${l.t('close')}
                @click=${() => this.#closeWith('cancel')}
              >
                ${icon(closeIcon)}
              </button>`
            : nothing
        }
      </header>
      ${this.problem ? html`<div class="config-error" role="alert">${this.problem}</div>` : this.#renderBody()}
      ${this.#renderFooter()}
    </div>`;
  }

  #renderBody(): TemplateResult {
    const l = this.#localizer;
    const state = this.#listing.state;
    const searching = state.query !== '';
    return html`<div class="body" @dragstart=${this.#onDrag} @dragover=${this.#onDrag} @drop=${this.#onDrag}>
      <nav class=${this.sidebarOpen ? 'sidebar open' : 'sidebar'} part="sidebar" aria-label=${l.t('foldersLabel')}>
        <ml-folder-tree
          part="tree"
          .rows=${this.#tree.rows()}
          .current=${state.collection ? '' : state.folder}
          @navigate=${(e: CustomEvent<{ path: string }>) => this.#navigate(e.detail.path)}
          @folder-toggle=${(e: CustomEvent<{ path: string; expand: boolean }>) =>
            e.detail.expand ? void this.#tree.expand(e.detail.path) : this.#tree.collapse(e.detail.path)}
        ></ml-folder-tree>
        <ml-collections part="collections" .current=${state.collection?.id}></ml-collections>
        ${
          this.#api
            ? html`<button class="btn ghost trash-entry" type="button" aria-pressed=${String(this.trashOpen)}
                @click=${this.#openTrash}>${l.t('trash')}</button>
              <button class="btn ghost trash-entry duplicates-entry" type="button" aria-pressed=${String(this.duplicatesOpen)}
                @click=${this.#openDuplicates}>${l.t('findDuplicates')}</button>`
            : nothing
        }
      </nav>
      ${
        this.trashOpen
          ? html`<ml-trash-view class="content" part="trash" .client=${this.#api}
              @trash-close=${() => this.#navigate(state.folder)}
              @trash-restored=${(e: CustomEvent<{ folder: string; text: string }>) => this.#changed(undefined, e.detail.folder, e.detail.text)}
            ></ml-trash-view>`
          : nothing
      }
      ${
        this.duplicatesOpen
          ? html`<ml-duplicates-view class="content" part="duplicates" .client=${this.#api} .folder=${state.folder}
              @duplicates-close=${() => this.#navigate(state.folder)}
              @duplicates-trashed=${(e: CustomEvent<{ folder: string; text: string }>) => this.#changed(undefined, e.detail.folder, e.detail.text)}
            ></ml-duplicates-view>`
          : nothing
      }
      ${
        this.similarTo
          ? html`<ml-similar-view class="content" part="similar" .file=${this.similarTo}
              @similar-close=${() => this.#closeSimilar()}
              @similar-activate=${(e: CustomEvent<{ file: MediaFile }>) => {
                this.activeAsset = e.detail.file;
                this.#toggleDetails(true);
              }}></ml-similar-view>`
          : nothing
      }
      <div class="content" part="content" ?hidden=${this.trashOpen || this.duplicatesOpen || !!this.similarTo}>
        <div class="toolbar" part="toolbar">
          <button
            class="btn ghost icon-only only-narrow"
            type="button"
            aria-label=${l.t('toggleFolders')}
            aria-expanded=${String(this.sidebarOpen)}
            @click=${() => {
              this.sidebarOpen = !this.sidebarOpen;
            }}
          >
            ${icon(sidebarIcon)}
          </button>
          ${
            state.collection
              ? html`<ml-collection-crumbs part="breadcrumbs" .collection=${state.collection} .shareable=${this.#mayShareCollections()}></ml-collection-crumbs>`
              : html`<ml-breadcrumbs
                  part="breadcrumbs"
                  .root=${this.#root}
                  .folder=${state.folder}
                  @navigate=${(e: CustomEvent<{ path: string }>) => this.#navigate(e.detail.path)}
                ></ml-breadcrumbs>
                ${this.#api ? this.#renderNewFolder() : nothing}
                ${this.#renderSortMenu()}`
          }
          <div class="toggle-group" role="group" aria-label=${l.t('viewLabel')}>
            ${(['grid', 'list'] as const).map(
              (view) => html`<button
                class="btn icon-only"
                type="button"
                aria-pressed=${String(this.view === view)}
                aria-label=${l.t(view === 'grid' ? 'viewGrid' : 'viewList')}
                title=${l.t(view === 'grid' ? 'viewGrid' : 'viewList')}
                @click=${() => this.#setView(view)}
              >
                ${icon(view === 'grid' ? gridIcon : listIcon)}
              </button>`,
            )}
          </div>
          <button
            class="btn icon-only"
            type="button"
            aria-label=${l.t('toggleDetails')}
            title=${l.t('toggleDetails')}
            aria-pressed=${String(this.detailsOpen)}
            @click=${() => this.#toggleDetails(!this.detailsOpen)}
          >
            ${icon(infoIcon)}
          </button>
          ${
            // In a collection's view its header offers the collection's link instead.
            this.#mayShare() && !state.collection
              ? html`<button class="btn" type="button" data-action="share" aria-haspopup="dialog" @click=${() => this.#share()}>
                  ${l.t('share')}
                </button>`
              : nothing
          }
          <slot name="toolbar"></slot>
          ${
            // A lazy part (fetched when idle); Uppy itself loads on the first upload.
            this.#api ? html`<ml-upload-button part="upload-button"></ml-upload-button>` : nothing
          }
        </div>
        ${
          searching
            ? html`<p class="note">${l.t('resultsIn', { folder: state.collection?.name || (state.folder === this.#root ? l.t('rootFolder') : state.folder) })}</p>`
            : nothing
        }
        <ml-asset-grid
          part="grid"
          .items=${state.items}
          .usage=${this.#usage.counts}
          .revision=${state.revision}
          .hasMore=${state.hasMore}
          .status=${state.status}
          .loadingMore=${state.loadingMore}
          .error=${state.error}
          .view=${this.view}
          .selected=${this.#selectedIds}
          .accepts=${this.#accepts}
          .sort=${state.sort}
          .searching=${searching}
          .listKey=${`${state.collection?.id ?? state.folder}\n${state.query}\n${state.sort}`}
          .emptyText=${state.collection ? collections?.emptyText(l) : undefined}
          .density=${this.density}
          @item-select=${(e: CustomEvent<{ index: number; how: SelectHow }>) => this.#selectItem(e.detail.index, e.detail.how)}
          @item-activate=${(e: CustomEvent<{ index: number }>) => {
            this.activeAsset = this.#listing.state.items[e.detail.index];
          }}
          @open-folder=${(e: CustomEvent<{ path: string }>) => this.#navigate(e.detail.path)}
          @insert-request=${(e: CustomEvent<{ index?: number }>) => this.#insert(e.detail.index)}
          @select-all=${this.#selectAll}
          @range-change=${(e: CustomEvent<{ first: number; last: number }>) => {
            this.#listing.show(e.detail.first, e.detail.last);
            this.#usage.update(this.#connected?.client, this.#listing.shownRows());
          }}
          @load-more=${() => void this.#listing.loadMore()}
          @sort-change=${(e: CustomEvent<{ sort: ListSort }>) => this.#sortBy(e.detail.sort)}
          @retry=${() => void this.#listing.load()}
          @retry-more=${() => void this.#listing.loadMore()}
          @clear-filters=${() => this.#changeSearch(emptySearch)}
          @parent-folder=${() => {
            if (state.folder !== this.#root) this.#navigate(parentOf(state.folder));
          }}
        ></ml-asset-grid>
      </div>
      ${
        this.detailsOpen
          ? html`<aside class="details" part="details" aria-label=${l.t('details')}>
              <ml-asset-details
                .asset=${this.activeAsset}
                .fields=${this.customFields}
                .client=${this.#clientFor(this.activeAsset)}
                .reader=${this.#connected?.client}
                .manage=${reaches(this.#levelOf(this.activeAsset), 'manage')}
                .shareable=${this.#mayShare(this.activeAsset)}
                .selected=${this.selectedFiles}
                .root=${this.#root}
                @share=${() => this.#share(this.activeAsset)}
                @details-close=${() => this.#toggleDetails(false)}
                @focus-grid=${() => this.renderRoot.querySelector('ml-asset-grid')?.focus()}
                @asset-change=${(e: CustomEvent<{ asset?: MediaFile; folder?: string; text?: string }>) =>
                  this.#changed(e.detail.asset, e.detail.folder, e.detail.text)}
              ></ml-asset-details>
            </aside>`
          : nothing
      }
    </div>`;
  }

  #renderSortMenu(): TemplateResult {
    return html`<button class="btn" type="button" popovertarget="sort-menu" aria-haspopup="true">
        ${icon(sortIcon)}<span class="label-wide">${this.#localizer.t('sortLabel')}</span>
      </button>
      <div id="sort-menu" class="popover" popover @beforetoggle=${this.#onMenuToggle}>
        ${menus?.sortMenu(this.#localizer, this.#listing.state.sort, this.#sortBy) ?? nothing}
      </div>`;
  }

  #renderNewFolder(): TemplateResult {
    const l = this.#localizer;
    return html`<button class="btn" type="button" popovertarget="folder-form" aria-haspopup="dialog">
        ${icon(folderPlusIcon)}<span class="label-wide">${l.t('newFolder')}</span>
      </button>
      <div
        id="folder-form"
        class="popover"
        popover
        role="dialog"
        aria-label=${l.t('newFolder')}
        @beforetoggle=${this.#onMenuToggle}
      >
        ${menus?.folderForm(this.#library) ?? nothing}
      </div>`;
  }

  #onMenuToggle(event: ToggleEvent): void {
    const menu = event.target as HTMLElement;
    if (event.newState !== 'open') return;
    void this.#loadMenus().then(() => {
      menus!.placePopover(menu, menu.previousElementSibling!);
      menu.querySelector<HTMLElement>('input:checked, input')?.focus();
    });
  }

  async #loadMenus(): Promise<void> {
    menus ??= await import('./parts/menus.js');
    adoptStyles(this.shadowRoot, menus.menuStyles);
    menus.contextMenus(this.#library);
    this.requestUpdate();
    await this.updateComplete;
  }

  #renderFooter(): TemplateResult {
    const l = this.#localizer;
    const count = this.#selection.size;
    const total = this.#listing.state.total;
    return html`<footer part="footer">
      <div class="summary" role="status">
        ${total ? html`<span class="muted">${l.t('fileCount', { count: total.exact ? total.count : `${l.number(total.count)}+` })}</span>` : nothing}
        ${
          count > 0
            ? html`<span>${l.t('selectedCount', { count })}</span>
                <button class="link" type="button" @click=${this.#clearSelection}>${l.t('clearSelection')}</button>`
            : nothing
        }
        ${this.notice ? html`<span class=${this.notice.kind === 'warn' ? 'notice' : 'notice info'}>${this.notice.text}</span>` : nothing}
      </div>
      ${this.multiple ? html`<button class="link" type="button" @click=${this.#selectAll}>${l.t('selectAll')}</button>` : nothing}
      <span class="spacer"></span>
      ${
        this.mode === 'modal'
          ? html`<button class="btn" part="cancel-button" type="button" @click=${() => this.#closeWith('cancel')}>
            ${l.t('cancel')}
          </button>`
          : nothing
      }
      ${
        this.mode === 'app'
          ? nothing
          : html`<button class="btn primary" part="insert-button" type="button" ?disabled=${count === 0} @click=${() => this.#insert()}>
            ${count > 1 ? l.t('insertCount', { count }) : l.t('insert')}
          </button>`
      }
    </footer>`;
  }

  readonly #sortBy = (sort: ListSort) => void this.#listing.load({ sort });

  #toggleDetails(open: boolean): void {
    // The details panel is a lazy chunk, fetched when first opened (or when the browser is idle).
    if (open) void import('./parts/asset-details.js');
    this.detailsOpen = open;
  }

  /** The API client for the parts that change the library; none for a read-only session. */
  get #api(): MediaClient | undefined {
    return this.#clientFor();
  }

  /** The client where the level allows writing (the current folder, or `asset`); none for a read-only session. */
  #clientFor(asset?: Asset): MediaClient | undefined {
    return reaches(this.#levelOf(asset), 'contribute') ? this.#connected?.client : undefined;
  }

  #notify(text?: string): void {
    this.notice = text ? { text, kind: 'info' } : undefined;
  }

  #onDrag(event: DragEvent): void {
    dragFiles?.drag(this.#library, event);
  }

  /** See LibraryHost.changed. */
  async #changed(file?: MediaFile, folder?: string, text?: string): Promise<void> {
    this.#notify(text);
    if (file) {
      this.#listing.replace(file);
      this.#selection.update(file);
      if (this.activeAsset?.type !== 'folder' && this.activeAsset?.fileId === file.fileId)
        this.activeAsset = file;
      return;
    }
    await Promise.all([folder && this.#tree.reload(folder), this.#listing.refresh()]);
    // Selected files take their new state; those that left the view (moved, deleted) leave the selection.
    const listed = new Map(
      // flatMap skips the slots of pages not loaded.
      this.#listing.state.items.flatMap((a) => (a.type === 'folder' ? [] : [[a.fileId, a] as const])),
    );
    this.#applySelection(
      this.#selection.replace(this.selectedFiles.flatMap((f) => listed.get(f.fileId) ?? [])),
    );
    // The details panel keeps the file it showed, if it is still listed, or else shows the first selected one.
    this.activeAsset =
      listed.get((this.activeAsset as MediaFile | undefined)?.fileId as string) ?? this.selectedFiles[0];
  }

  async #openDuplicates(): Promise<void> {
    await import('./parts/duplicates-view.js');
    this.trashOpen = false;
    this.similarTo = undefined;
    this.duplicatesOpen = true;
    this.sidebarOpen = false;
    await this.updateComplete;
    const view = this.renderRoot.querySelector('ml-duplicates-view');
    await view?.updateComplete;
    view?.renderRoot.querySelector<HTMLElement>('h3')?.focus();
  }

  async #openTrash(): Promise<void> {
    await import('./parts/trash-view.js');
    this.duplicatesOpen = false;
    this.similarTo = undefined;
    this.trashOpen = true;
    this.sidebarOpen = false;
    await this.updateComplete;
    const view = this.renderRoot.querySelector('ml-trash-view');
    await view?.updateComplete;
    view?.renderRoot.querySelector<HTMLElement>('h3')?.focus();
  }

  async #findSimilar(file: MediaFile): Promise<void> {
    await import('./parts/similar-view.js');
    this.trashOpen = false;
    this.duplicatesOpen = false;
    this.similarTo = file;
    await this.updateComplete;
    const view = this.renderRoot.querySelector('ml-similar-view');
    await view?.updateComplete;
    view?.focus();
  }

  #closeSimilar(): void {
    this.similarTo = undefined;
    void this.updateComplete.then(() => this.renderRoot.querySelector('ml-asset-grid')?.focus());
  }

  #navigate(path: string): void {
    const folder = normalizeFolderPath(path);
    if (!isWithin(folder, this.#root)) return;
    this.sidebarOpen = false;
    this.trashOpen = false;
    this.duplicatesOpen = false;
    this.similarTo = undefined;
    this.activeAsset = undefined;
    // Opening a folder starts a fresh view of it: the search is cleared.
    void this.#listing.load({ folder, search: emptySearch, collection: undefined });
    void this.#tree.reveal(folder);
    // Levels are read afresh with each folder: a grant changed since shows.
    if (this.#people && !this.#people.key) void this.#loadPeople(this.#startGeneration);
    this.#announceState();
  }

  #openCollection(collection: CollectionRef | undefined): void {
    this.sidebarOpen = false;
    if (collection?.id !== this.#listing.state.collection?.id) this.activeAsset = undefined;
    void this.#listing.load(collection ? { collection, search: emptySearch } : { collection });
    this.#announceState();
  }

  #changeSearch(search: SearchState): void {
    this.similarTo = undefined;
    void this.#listing.load({ search });
    this.#announceState();
  }

  #setView(view: 'grid' | 'list'): void {
    if (this.view === view) return;
    this.view = view;
    this.#announceState();
  }

  #announceState(): void {
    const { folder, query, collection } = this.#listing.state;
    fire(this, 'ml-navigate', {
      folder,
      query,
      view: this.view,
      ...(collection && { collection: collection.id }),
    });
  }

  #selectItem(index: number, how: SelectHow): void {
    const items = this.#listing.state.items;
    const item = items[index];
    if (!item || item.type === 'folder') return;
    this.activeAsset = item;
    if (!this.#accepts(item)) {
      this.notice = { text: this.#localizer.t('notAccepted'), kind: 'warn' };
      return;
    }
    const selectable = (from: number, to: number) =>
      items
        .slice(Math.min(from, to), Math.max(from, to) + 1)
        .filter((a): a is MediaFile => a.type !== 'folder' && this.#accepts(a));
    const anchor =
      this.#selection.anchor >= 0 && this.#selection.anchor < items.length ? this.#selection.anchor : index;
    let change: ReturnType<Selection['replace']>;
    if (how === 'toggle') {
      change = this.#selection.toggle(item);
      this.#selection.anchor = index;
    } else if (how === 'range' && this.multiple) {
      change = this.#selection.replace(selectable(anchor, index));
    } else if (how === 'range-add' && this.multiple) {
      change = this.#selection.add(selectable(anchor, index));
    } else {
      change = this.#selection.replace([item]);
      this.#selection.anchor = index;
    }
    this.#applySelection(change);
  }

  #selectAll(): void {
    if (!this.multiple) return;
    const files = this.#listing.state.items.filter(
      (a): a is MediaFile => a.type !== 'folder' && this.#accepts(a),
    );
    this.#applySelection(this.#selection.add(files));
  }

  #clearSelection(): void {
    this.#applySelection(this.#selection.clear());
  }

  #applySelection(change: { changed: boolean; limited: boolean }): void {
    // A new selection settles an earlier warning about selecting; news of what was done stays.
    if (change.limited)
      this.notice = {
        text: this.#localizer.t('maxFilesReached', { count: this.#selection.capacity }),
        kind: 'warn',
      };
    else if (this.notice?.kind === 'warn') this.notice = undefined;
    if (!change.changed) return;
    this.#selectedIds = new Set(this.#selection.list().map((f) => f.fileId));
    this.requestUpdate();
    fire(this, 'ml-select', { files: this.#selection.list() });
  }

  #insert(index?: number): void {
    const item = index === undefined ? undefined : this.#listing.state.items[index];
    // The app has no page to insert into: Enter or double-click shows the file.
    if (this.mode === 'app') {
      if (item && item.type !== 'folder') {
        this.activeAsset = item;
        this.#toggleDetails(true);
      }
      return;
    }
    let files = this.#selection.list();
    // Double-click or Enter on a file outside the selection inserts that file alone.
    if (item && item.type !== 'folder' && !this.#selection.has(item.fileId)) {
      if (!this.#accepts(item)) {
        this.notice = { text: this.#localizer.t('notAccepted'), kind: 'warn' };
        return;
      }
      files = [item];
    }
    if (files.length === 0) return;
    // require-alt: images without alt text are named, and the first opens for editing.
    const missing = this.requireAlt
      ? files.filter((f) => f.fileType === 'image' && !f.description?.trim())
      : [];
    if (missing[0]) {
      this.notice = {
        text: this.#localizer.t('altMissing', { names: missing.map((f) => f.name).join(', ') }),
        kind: 'warn',
      };
      this.activeAsset = missing[0];
      this.#toggleDetails(true);
      // Once the panel shows that file (the chunk may still be loading).
      void import('./parts/asset-details.js')
        .then(() => this.updateComplete)
        .then(() => this.renderRoot.querySelector('ml-asset-details')?.focusAlt());
      return;
    }
    if (this.insertTransformation)
      files = files.map((f) => ({ ...f, url: transformedUrl(f, this.insertTransformation) }));
    fire(this, 'ml-insert', { files });
    fire(this, 'insert', { eventType: 'INSERT', data: files });
    if (this.mode === 'modal') {
      this.#applySelection(this.#selection.clear());
      this.#closeWith('insert');
    }
  }

  #onCancel(event: Event): void {
    event.preventDefault();
    this.#closeWith('cancel');
  }

  #closeWith(reason: CloseDetail['reason']): void {
    if (this.mode !== 'modal' || !this.open) return;
    this.open = false;
    fire(this, 'ml-close', { reason });
  }

  #reportError(error: MediaApiError): void {
    fire(this, 'ml-error', errorDetail(error));
  }

  /** What the lazy parts read and ask of the element (see LibraryHost), provided through libraryContext. */
  #libraryHost(): LibraryHost {
    const element = this;
    return {
      element,
      get l10n() {
        return element.#localizer;
      },
      get items() {
        return element.#listing.state.items;
      },
      get client() {
        return element.#api;
      },
      levelAt: (asset) => element.#levelOf(asset),
      mayShare: (asset) => element.#mayShare(asset),
      levelsKnown: () => element.#levelsLoading,
      share: (asset) => element.#share(asset),
      findSimilar: (file) => element.#findSimilar(file),
      removeBackground: async (file) => {
        await element.openFile(file.fileId);
        await element.renderRoot.querySelector('ml-asset-details')?.askRemoveBackground();
      },
      mayShareCollections: () => element.#mayShareCollections(),
      connection: () =>
        element.#connected
          ? Promise.resolve(element.#connected)
          : new Promise((resolve, reject) => element.#waiting.push({ resolve, reject })),
      notify: (text) => element.#notify(text),
      changed: (file, folder, text) => element.#changed(file, folder, text),
      uploaded: (files) => {
        void element.refresh();
        if (element.mode === 'modal')
          element.#applySelection(element.#selection.add(files.filter(element.#accepts)));
      },
      openCollection: (collection) => element.#openCollection(collection),
      moveItem: (from, to) => {
        element.#listing.move(from, to);
        element.renderRoot.querySelector('ml-asset-grid')?.activate(to);
      },
      reportError: (error) => element.#reportError(error),
      overlay: (tag) => {
        let part = element.renderRoot.querySelector(tag);
        if (!part) {
          part = document.createElement(tag);
          (element.renderRoot.querySelector('.shell') ?? element.renderRoot).append(part);
        }
        return part;
      },
    };
  }
}

customElements.get('media-library') || customElements.define('media-library', MediaLibraryElement);

declare global {
  interface HTMLElementTagNameMap {
    'media-library': MediaLibraryElement;
  }
}
