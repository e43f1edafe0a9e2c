import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { type FetchAuth, fetchAuthFrom, SessionAuthorizer } from '../client/auth.js';
import type { MediaApiError } from '../client/errors.js';
import { MediaClient } from '../client/media-client.js';
import type { Scope } from '../shared/session-token.js';
import type { Asset, CustomMetadataField, MediaFile } from '../shared/wire.js';
import { english, type Localizer, loadLocalizer, registerLocale } from './i18n/localize.js';
import './parts/asset-grid.js';
import type { SelectHow } from './parts/asset-grid.js';
import './parts/breadcrumbs.js';
import './parts/folder-tree.js';
import { toMediaError } from './parts/media-error.js';
import { adoptStyles, placePopover, whenIdle } from './parts/part-events.js';
import { transformedUrl } from './parts/thumbnails.js';
import './parts/search-bar.js';
import { type AcceptTest, acceptTest } from './state/accept.js';
import { localizeContext } from './state/contexts.js';
import { FolderTree } from './state/folder-tree.js';
import { isWithin, Listing, type ListSort, normalizeFolderPath, parentOf } from './state/listing.js';
import { emptySearch, type SearchState, searchFromText } from './state/search.js';
import { Selection } from './state/selection.js';
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

/** `ml-insert` and `ml-select` detail. */
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
}

// The menus (sort, new folder, filters) are a lazy chunk, fetched when the browser is idle.
let menus: typeof import('./parts/menus.js') | undefined;
// So is dragging files onto folders (dragover must be answered at once, so it cannot load then).
let dragFiles: typeof import('./parts/drag-files.js') | undefined;

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
 * @event ml-navigate - `{ folder, query, view }`: the folder, search or view changed (feed it back through `initial-folder`, `initial-query`, `view`).
 * @event ml-upload - `{ files: File[] }`: a batch of uploads finished; the files are in the library (and selected in the modal).
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
  static override properties = {
    endpoint: {},
    authUrl: { attribute: 'auth-url' },
    mode: { reflect: true },
    open: { type: Boolean, reflect: true },
    multiple: { type: Boolean },
    requireAlt: { type: Boolean, attribute: 'require-alt' },
    maxFiles: { type: Number, attribute: 'max-files' },
    insertTransformation: { attribute: 'insert-transformation' },
    accept: {},
    rootFolder: { attribute: 'root-folder' },
    initialFolder: { attribute: 'initial-folder' },
    initialQuery: { attribute: 'initial-query' },
    view: { reflect: true },
    locale: {},
    theme: { reflect: true },
    density: { reflect: true },
    fetchAuth: { attribute: false },
    client: { attribute: false },
    pageSize: { attribute: false },
    sidebarOpen: { state: true },
    detailsOpen: { state: true },
    activeAsset: { state: true },
    notice: { state: true },
    customFields: { state: true },
    problem: { state: true },
  };

  static override styles = [tokens, shared, mediaLibraryStyles];

  /** Makes a locale available to every instance: a catalog, or a loader such as `() => import('./fr.js')`. */
  static registerLocale = registerLocale;

  /** The media backend's base URL; when empty, the session's `endpoint` is used. Relative URLs resolve against the page. */
  declare endpoint: string;
  /** The host's token endpoint; the element POSTs to `<auth-url>/session` and renews before expiry. */
  declare authUrl: string;
  /** `modal` (a dialog opened with `show()`) or `inline` (always on the page). */
  declare mode: 'modal' | 'inline';
  /** Whether the modal is open. */
  declare open: boolean;
  /** Allow selecting more than one file. */
  declare multiple: boolean;
  /** Refuse to insert images without alt text (their `description`), and offer to fill it in. */
  declare requireAlt: boolean;
  /** With `multiple`, the most files that can be selected; 0 for no limit. */
  declare maxFiles: number;
  /**
   * An ImageKit transformation for inserted images' `url` (`w-1200,h-630`), cropped around each
   * image's focus area (`fo-custom`) where it has one.
   */
  declare insertTransformation: string;
  /** File types that can be inserted, as `<input type=file accept>`: `image/*,application/pdf`, `.pdf`. Others show dimmed. */
  declare accept: string;
  /** The folder the element is confined to (`/brand`); the session is asked for no more. */
  declare rootFolder: string;
  /** The folder to open first. */
  declare initialFolder: string;
  /** A search to start with: ImageKit's query language (`tags IN ["sale"]`) or plain words. */
  declare initialQuery: string;
  /** `grid` or `list`. */
  declare view: 'grid' | 'list';
  /** A BCP 47 language tag (`de`, `ar`); the page's language when empty. */
  declare locale: string;
  /** `light`, `dark`, or `auto` (the operating system's). */
  declare theme: 'light' | 'dark' | 'auto';
  /** `comfortable` or `compact`. */
  declare density: 'comfortable' | 'compact';
  /**
   * Calls the token endpoint; the default is `fetch(authUrl + '/' + path, init)`. Set it when the
   * host's endpoint needs a header (a CMS nonce) or another transport.
   */
  declare fetchAuth: FetchAuth | undefined;
  /** An API client of the host's own, used instead of `endpoint` and `auth-url`. */
  declare client: MediaClient | undefined;
  /** Files per page as the user scrolls (1 to 1000; default 100). */
  declare pageSize: number;

  declare private sidebarOpen: boolean;
  declare private detailsOpen: boolean;
  declare private activeAsset: Asset | undefined;
  declare private notice: { text: string; kind: 'warn' | 'info' } | undefined;
  declare private customFields: CustomMetadataField[];
  /** Why the element cannot work at all (not configured, session refused). */
  declare private problem: string | undefined;

  private readonly listing = new Listing({ pageSize: 100, onError: (error) => this.reportError(error) });
  private readonly tree = new FolderTree();
  private readonly selection = new Selection();
  private readonly localizeProvider = new ContextProvider(this, {
    context: localizeContext,
    initialValue: english,
  });
  private localizer: Localizer = english;
  private selectedIds: ReadonlySet<string> = new Set();
  private root = '/';
  private access: Scope['access'] = 'readwrite';
  private started = false;
  /** From the start until the session is there (then the listing says whether it loads). */
  private connecting = false;
  private startGeneration = 0;
  private accepts: AcceptTest = () => true;

  constructor() {
    super();
    this.endpoint = '';
    this.authUrl = '';
    this.mode = 'modal';
    this.open = false;
    this.multiple = false;
    this.requireAlt = false;
    this.maxFiles = 0;
    this.accept = '';
    this.rootFolder = '/';
    this.initialFolder = '';
    this.initialQuery = '';
    this.view = 'grid';
    this.locale = '';
    this.theme = 'auto';
    this.density = 'comfortable';
    this.insertTransformation = '';
    this.fetchAuth = undefined;
    this.client = undefined;
    this.pageSize = 100;
    this.sidebarOpen = false;
    this.detailsOpen = false;
    this.activeAsset = undefined;
    this.notice = undefined;
    this.customFields = [];
    this.problem = undefined;
    this.listing.subscribe(() => this.requestUpdate());
    this.tree.subscribe(() => this.requestUpdate());
  }

  /** The files selected now, in the order they were picked. */
  get selectedFiles(): MediaFile[] {
    return this.selection.list();
  }

  /** The folder on screen (`/` or `/a/b`). */
  get currentFolder(): string {
    return this.listing.state.folder;
  }

  /** Opens the modal (and loads the library the first time). */
  show(): void {
    this.open = true;
  }

  /** Closes the modal; fires `ml-close`. */
  close(): void {
    this.closeWith('api');
  }

  /** Reloads the current folder or search and the folder tree. */
  refresh(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.tree.reset(this.root, this.currentClient);
    void this.tree.reveal(this.listing.state.folder);
    return this.listing.refresh();
  }

  private currentClient: MediaClient | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.mode === 'inline' || this.open) void this.start();
    // A closed modal gets its session while the page is idle, so show() only waits for the listing.
    else
      whenIdle(
        () =>
          void this.connection()
            ?.authorizer?.session()
            .catch(() => undefined),
      );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.listing.cancel();
    // Started again, from scratch, if the element is put back on a page.
    this.started = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.toggleAttribute('loading', this.connecting || this.listing.state.status === 'loading');
    if (changed.has('locale')) void this.applyLocale();
    if (changed.has('multiple') || changed.has('maxFiles')) {
      this.selection.limits = { multiple: this.multiple, maxFiles: Math.max(0, this.maxFiles || 0) };
      this.applySelection(this.selection.enforceLimits());
    }
    if (changed.has('accept')) this.accepts = acceptTest(this.accept);
    if (changed.has('pageSize')) this.listing.pageSize = this.pageSize || 100;
    const connection = ['endpoint', 'authUrl', 'fetchAuth', 'client', 'rootFolder'] as const;
    if (connection.some((key) => changed.has(key))) {
      this.connectionCache = undefined;
      if (this.started) void this.start();
    }
    if (
      (changed.has('open') || changed.has('mode')) &&
      (this.open || this.mode === 'inline') &&
      !this.started
    ) {
      void this.start();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.mode !== 'modal' || !(changed.has('open') || changed.has('mode'))) return;
    const dialog = this.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.open && !dialog.open) {
      dialog.showModal();
      void this.focusSearch();
    } else if (!this.open && dialog.open) {
      dialog.close();
    }
  }

  private async focusSearch(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector('ml-search-bar')?.focus();
  }

  /** Connects (client, session, root), then loads the tree and the first page. */
  private async start(): Promise<void> {
    this.started = true;
    this.connecting = true;
    this.requestUpdate();
    try {
      await this.connect();
    } finally {
      this.connecting = false;
      this.requestUpdate();
    }
  }

  private async connect(): Promise<void> {
    const generation = ++this.startGeneration;
    this.listing.cancel();
    this.problem = undefined;
    this.root = normalizeFolderPath(this.rootFolder);
    const connection = this.connection();
    if (!connection) {
      this.problem = this.localizer.t('notConfigured');
      return;
    }
    const { client, authorizer } = connection;
    if (authorizer) {
      try {
        const { scope } = await authorizer.session();
        if (generation !== this.startGeneration) return;
        // A session confined below the root narrows what the element browses.
        const scopeFolder = normalizeFolderPath(scope.folder);
        if (!isWithin(this.root, scopeFolder)) this.root = scopeFolder;
        this.access = scope.access;
      } catch (error) {
        if (generation !== this.startGeneration) return;
        const failure = toMediaError(error);
        this.problem = failure.source === 'network' ? this.localizer.t('offline') : failure.message;
        this.reportError(failure);
        return;
      }
    }
    this.currentClient = client;
    this.listing.setClient(client);
    this.tree.reset(this.root, client);
    const wanted = normalizeFolderPath(this.initialFolder || this.root);
    const folder = isWithin(wanted, this.root) ? wanted : this.root;
    // The first page goes out first: it is what the user waits for.
    void this.listing.load({ folder, search: searchFromText(this.initialQuery) });
    void this.tree.reveal(folder);
    void this.loadCustomFields(client, generation);
    whenIdle(() => {
      void this.loadMenus();
      void import('./parts/drag-files.js').then((m) => {
        dragFiles = m;
      });
      void import('./parts/upload-button.js');
    });
  }

  /**
   * For the lazy upload parts: the client, the session's source, and where new files go.
   * @internal
   */
  uploadContext() {
    const client = this.currentClient;
    return (
      client && {
        client,
        authorizer: this.connectionCache?.authorizer,
        uploaded: (files: MediaFile[]) => {
          void this.refresh();
          if (this.mode === 'modal') this.applySelection(this.selection.add(files.filter(this.accepts)));
        },
      }
    );
  }

  private connectionCache: { client: MediaClient; authorizer: SessionAuthorizer | undefined } | undefined;

  /** The API client (and its session source) for the current configuration, made once. */
  private connection(): { client: MediaClient; authorizer: SessionAuthorizer | undefined } | undefined {
    if (this.connectionCache) return this.connectionCache;
    if (this.client) {
      this.connectionCache = { client: this.client, authorizer: undefined };
      return this.connectionCache;
    }
    const fetchAuth = this.fetchAuth ?? (this.authUrl ? fetchAuthFrom(this.authUrl) : undefined);
    if (!fetchAuth) return undefined;
    const root = normalizeFolderPath(this.rootFolder);
    const authorizer = new SessionAuthorizer({
      fetchAuth,
      ...(root !== '/' && { request: { folder: `${root}/` } }),
    });
    const client = new MediaClient({ ...(this.endpoint && { endpoint: this.endpoint }), auth: authorizer });
    this.connectionCache = { client, authorizer };
    return this.connectionCache;
  }

  private async loadCustomFields(client: MediaClient, generation: number): Promise<void> {
    try {
      const fields = await client.listCustomMetadataFields();
      if (generation !== this.startGeneration) return;
      this.customFields = fields;
    } catch {
      // Labels fall back to field names; the builder offers built-in fields only.
    }
  }

  private async applyLocale(): Promise<void> {
    const requested = this.locale || document.documentElement.lang || navigator.language || 'en';
    const localizer = await loadLocalizer(requested);
    // A later change may have finished first.
    if ((this.locale || document.documentElement.lang || navigator.language || 'en') !== requested) return;
    this.localizer = localizer;
    this.localizeProvider.setValue(localizer);
    this.requestUpdate();
  }

  override render(): TemplateResult {
    const shell = this.renderShell();
    if (this.mode === 'inline') return shell;
    return html`<dialog part="dialog" aria-label=${this.localizer.t('title')} @cancel=${this.onCancel}>
      ${this.open ? shell : nothing}
    </dialog>`;
  }

  private renderShell(): TemplateResult {
    const l = this.localizer;
    const state = this.listing.state;
    const dir = this.locale ? l.dir : nothing;
    return html`<div class="shell" part="base" dir=${dir} lang=${this.locale || nothing}>
      <header class="top" part="header">
        <h2>${l.t('title')}</h2>
        <ml-search-bar
          part="search"
          .search=${state.search}
          .customFields=${this.customFields}
          .query=${state.query}
          .queryError=${state.error?.isQueryError ? state.error : undefined}
          @search-change=${(e: CustomEvent<{ search: SearchState }>) => this.changeSearch(e.detail.search)}
        ></ml-search-bar>
        ${
          this.mode === 'modal'
            ? html`<button
                class="btn ghost icon-only"
                part="close-button"
                type="button"
                aria-label=${l.t('close')}
                @click=${() => this.closeWith('cancel')}
              >
                ${icon(closeIcon)}
              </button>`
            : nothing
        }
      </header>
      ${this.problem ? html`<div class="config-error" role="alert">${this.problem}</div>` : this.renderBody()}
      ${this.renderFooter()}
    </div>`;
  }

  private renderBody(): TemplateResult {
    const l = this.localizer;
    const state = this.listing.state;
    const searching = state.query !== '';
    return html`<div class="body" @dragstart=${this.onDrag} @dragover=${this.onDrag} @drop=${this.onDrag}>
      <nav class=${this.sidebarOpen ? 'sidebar open' : 'sidebar'} part="sidebar" aria-label=${l.t('foldersLabel')}>
        <ml-folder-tree
          part="tree"
          .rows=${this.tree.rows()}
          .current=${state.folder}
          @navigate=${(e: CustomEvent<{ path: string }>) => this.navigate(e.detail.path)}
          @folder-toggle=${(e: CustomEvent<{ path: string; expand: boolean }>) =>
            e.detail.expand ? void this.tree.expand(e.detail.path) : this.tree.collapse(e.detail.path)}
        ></ml-folder-tree>
      </nav>
      <div class="content" part="content">
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
          <ml-breadcrumbs
            part="breadcrumbs"
            .root=${this.root}
            .folder=${state.folder}
            @navigate=${(e: CustomEvent<{ path: string }>) => this.navigate(e.detail.path)}
          ></ml-breadcrumbs>
          ${this.access === 'readwrite' ? this.renderNewFolder() : nothing}
          ${this.renderSortMenu()}
          <div class="toggle-group" role="group" aria-label=${l.t('viewLabel')}>
            ${(['grid', 'list'] as const).map(
              (view) => html`<button
                class="btn icon-only"
                type="button"
                aria-pressed=${String(this.view === view)}
                aria-label=${l.t(view === 'grid' ? 'viewGrid' : 'viewList')}
                title=${l.t(view === 'grid' ? 'viewGrid' : 'viewList')}
                @click=${() => this.setView(view)}
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
            @click=${() => this.toggleDetails(!this.detailsOpen)}
          >
            ${icon(infoIcon)}
          </button>
          <slot name="toolbar"></slot>
          ${
            // A lazy part (fetched when idle); Uppy itself loads on the first upload.
            this.access === 'readwrite'
              ? html`<ml-upload-button part="upload-button" .host=${this}></ml-upload-button>`
              : nothing
          }
        </div>
        ${
          searching
            ? html`<p class="note">${l.t('resultsIn', { folder: state.folder === this.root ? l.t('rootFolder') : state.folder })}</p>`
            : nothing
        }
        <ml-asset-grid
          part="grid"
          .items=${state.items}
          .hasMore=${state.hasMore}
          .status=${state.status}
          .loadingMore=${state.loadingMore}
          .error=${state.error}
          .view=${this.view}
          .selected=${this.selectedIds}
          .accepts=${this.accepts}
          .sort=${state.sort}
          .searching=${searching}
          .listKey=${`${state.folder}\n${state.query}\n${state.sort}`}
          .density=${this.density}
          @item-select=${(e: CustomEvent<{ index: number; how: SelectHow }>) => this.selectItem(e.detail.index, e.detail.how)}
          @item-activate=${(e: CustomEvent<{ index: number }>) => {
            this.activeAsset = this.listing.state.items[e.detail.index];
          }}
          @open-folder=${(e: CustomEvent<{ path: string }>) => this.navigate(e.detail.path)}
          @insert-request=${(e: CustomEvent<{ index?: number }>) => this.insert(e.detail.index)}
          @select-all=${this.selectAll}
          @load-more=${() => void this.listing.loadMore()}
          @sort-change=${(e: CustomEvent<{ sort: ListSort }>) => void this.listing.load({ sort: e.detail.sort })}
          @retry=${() => void this.listing.refresh()}
          @retry-more=${() => void this.listing.loadMore()}
          @clear-filters=${() => this.changeSearch(emptySearch)}
          @parent-folder=${() => {
            if (state.folder !== this.root) this.navigate(parentOf(state.folder));
          }}
        ></ml-asset-grid>
      </div>
      ${
        this.detailsOpen
          ? html`<aside class="details" part="details" aria-label=${l.t('details')}>
              <ml-asset-details
                .asset=${this.activeAsset}
                .fields=${this.customFields}
                .client=${this.api}
                .selected=${this.selectedFiles}
                .root=${this.root}
                @details-close=${() => this.toggleDetails(false)}
                @asset-change=${(e: CustomEvent<{ asset?: MediaFile; folder?: string; text?: string }>) =>
                  this.changed(e.detail.asset, e.detail.folder, e.detail.text)}
              ></ml-asset-details>
            </aside>`
          : nothing
      }
    </div>`;
  }

  private renderSortMenu(): TemplateResult {
    return html`<button class="btn" type="button" popovertarget="sort-menu" aria-haspopup="true">
        ${icon(sortIcon)}<span class="label-wide">${this.localizer.t('sortLabel')}</span>
      </button>
      <div id="sort-menu" class="popover" popover @beforetoggle=${this.onMenuToggle}>
        ${menus?.sortMenu(this) ?? nothing}
      </div>`;
  }

  private renderNewFolder(): TemplateResult {
    const l = this.localizer;
    return html`<button class="btn" type="button" popovertarget="folder-form" aria-haspopup="dialog">
        ${icon(folderPlusIcon)}<span class="label-wide">${l.t('newFolder')}</span>
      </button>
      <div
        id="folder-form"
        class="popover"
        popover
        role="dialog"
        aria-label=${l.t('newFolder')}
        @beforetoggle=${this.onMenuToggle}
      >
        ${menus?.folderForm(this) ?? nothing}
      </div>`;
  }

  private onMenuToggle(event: ToggleEvent): void {
    const menu = event.target as HTMLElement;
    if (event.newState !== 'open') return;
    placePopover(menu, menu.previousElementSibling!);
    void this.loadMenus().then(() => menu.querySelector<HTMLElement>('input:checked, input')?.focus());
  }

  private async loadMenus(): Promise<void> {
    menus ??= await import('./parts/menus.js');
    adoptStyles(this.shadowRoot, menus.menuStyles);
    this.requestUpdate();
    await this.updateComplete;
  }

  private renderFooter(): TemplateResult {
    const l = this.localizer;
    const count = this.selection.size;
    return html`<footer part="footer">
      <div class="summary" role="status">
        ${
          count > 0
            ? html`<span>${l.t('selectedCount', { count })}</span>
                <button class="link" type="button" @click=${this.clearSelection}>${l.t('clearSelection')}</button>`
            : nothing
        }
        ${this.notice ? html`<span class=${this.notice.kind === 'warn' ? 'notice' : 'notice info'}>${this.notice.text}</span>` : nothing}
      </div>
      ${this.multiple ? html`<button class="link" type="button" @click=${this.selectAll}>${l.t('selectAll')}</button>` : nothing}
      <span class="spacer"></span>
      ${
        this.mode === 'modal'
          ? html`<button class="btn" part="cancel-button" type="button" @click=${() => this.closeWith('cancel')}>
            ${l.t('cancel')}
          </button>`
          : nothing
      }
      <button class="btn primary" part="insert-button" type="button" ?disabled=${count === 0} @click=${() => this.insert()}>
        ${count > 1 ? l.t('insertCount', { count }) : l.t('insert')}
      </button>
    </footer>`;
  }

  /** @internal */
  get l10n(): Localizer {
    return this.localizer;
  }

  /** @internal */
  get sortOrder(): ListSort {
    return this.listing.state.sort;
  }

  /** @internal */
  sortBy(sort: ListSort): void {
    void this.listing.load({ sort });
  }

  private toggleDetails(open: boolean): void {
    // The details panel is a lazy chunk, fetched when first opened (or when the browser is idle).
    if (open) void import('./parts/asset-details.js');
    this.detailsOpen = open;
  }

  /** @internal The API client for the lazy parts that change the library; none for a read-only session. */
  get api(): MediaClient | undefined {
    return this.access === 'readwrite' ? this.currentClient : undefined;
  }

  /** @internal What the grid lists. */
  get listed(): Asset[] {
    return this.listing.state.items;
  }

  /** @internal */
  notify(text?: string): void {
    this.notice = text ? { text, kind: 'info' } : undefined;
  }

  private onDrag(event: DragEvent): void {
    dragFiles?.drag(this, event);
  }

  /**
   * @internal The lazy parts report a change: a file's new state (shown at once), or else a
   * reload of the listing and of `folder` in the tree; `text` is shown as a notice.
   */
  async changed(file?: MediaFile, folder?: string, text?: string): Promise<void> {
    this.notify(text);
    if (file) {
      this.listing.replace(file);
      this.selection.update(file);
      if (this.activeAsset?.type !== 'folder' && this.activeAsset?.fileId === file.fileId)
        this.activeAsset = file;
      return;
    }
    this.activeAsset = undefined;
    await Promise.all([folder && this.tree.reload(folder), this.listing.refresh()]);
    // Selected files take their new state; those that left the view (moved, deleted) leave the selection.
    const listed = new Map(this.listed.map((a) => [a.type === 'folder' ? '' : a.fileId, a as MediaFile]));
    this.applySelection(
      this.selection.replace(this.selectedFiles.flatMap((f) => listed.get(f.fileId) ?? [])),
    );
  }

  private navigate(path: string): void {
    const folder = normalizeFolderPath(path);
    if (!isWithin(folder, this.root)) return;
    this.sidebarOpen = false;
    this.activeAsset = undefined;
    // Opening a folder starts a fresh view of it: the search is cleared.
    void this.listing.load({ folder, search: emptySearch });
    void this.tree.reveal(folder);
    this.announceState();
  }

  private changeSearch(search: SearchState): void {
    void this.listing.load({ search });
    this.announceState();
  }

  private setView(view: 'grid' | 'list'): void {
    if (this.view === view) return;
    this.view = view;
    this.announceState();
  }

  private announceState(): void {
    const { folder, query } = this.listing.state;
    this.dispatch<NavigateDetail>('ml-navigate', { folder, query, view: this.view });
  }

  private selectItem(index: number, how: SelectHow): void {
    const items = this.listing.state.items;
    const item = items[index];
    if (!item || item.type === 'folder') return;
    this.activeAsset = item;
    if (!this.accepts(item)) {
      this.notice = { text: this.localizer.t('notAccepted'), kind: 'warn' };
      return;
    }
    const selectable = (from: number, to: number) =>
      items
        .slice(Math.min(from, to), Math.max(from, to) + 1)
        .filter((a): a is MediaFile => a.type !== 'folder' && this.accepts(a));
    const anchor =
      this.selection.anchor >= 0 && this.selection.anchor < items.length ? this.selection.anchor : index;
    let change: ReturnType<Selection['replace']>;
    if (how === 'toggle') {
      change = this.selection.toggle(item);
      this.selection.anchor = index;
    } else if (how === 'range' && this.multiple) {
      change = this.selection.replace(selectable(anchor, index));
    } else if (how === 'range-add' && this.multiple) {
      change = this.selection.add(selectable(anchor, index));
    } else {
      change = this.selection.replace([item]);
      this.selection.anchor = index;
    }
    this.applySelection(change);
  }

  private selectAll(): void {
    if (!this.multiple) return;
    const files = this.listing.state.items.filter(
      (a): a is MediaFile => a.type !== 'folder' && this.accepts(a),
    );
    this.applySelection(this.selection.add(files));
  }

  private clearSelection(): void {
    this.applySelection(this.selection.clear());
  }

  private applySelection(change: { changed: boolean; limited: boolean }): void {
    // A new selection settles an earlier warning about selecting; news of what was done stays.
    if (change.limited)
      this.notice = {
        text: this.localizer.t('maxFilesReached', { count: this.selection.capacity }),
        kind: 'warn',
      };
    else if (this.notice?.kind === 'warn') this.notice = undefined;
    if (!change.changed) return;
    this.selectedIds = new Set(this.selection.list().map((f) => f.fileId));
    this.requestUpdate();
    this.dispatch<FilesDetail>('ml-select', { files: this.selection.list() });
  }

  private insert(index?: number): void {
    const item = index === undefined ? undefined : this.listing.state.items[index];
    let files = this.selection.list();
    // Double-click or Enter on a file outside the selection inserts that file alone.
    if (item && item.type !== 'folder' && !this.selection.has(item.fileId)) {
      if (!this.accepts(item)) {
        this.notice = { text: this.localizer.t('notAccepted'), kind: 'warn' };
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
        text: this.localizer.t('altMissing', { names: missing.map((f) => f.name).join(', ') }),
        kind: 'warn',
      };
      this.activeAsset = missing[0];
      this.toggleDetails(true);
      // Once the panel shows that file (the chunk may still be loading).
      void import('./parts/asset-details.js')
        .then(() => this.updateComplete)
        .then(() => this.renderRoot.querySelector('ml-asset-details')?.focusAlt());
      return;
    }
    if (this.insertTransformation)
      files = files.map((f) => ({ ...f, url: transformedUrl(f, this.insertTransformation) }));
    this.dispatch<FilesDetail>('ml-insert', { files });
    this.dispatch<InsertPayload>('insert', { eventType: 'INSERT', data: files });
    if (this.mode === 'modal') {
      this.applySelection(this.selection.clear());
      this.closeWith('insert');
    }
  }

  private onCancel(event: Event): void {
    event.preventDefault();
    this.closeWith('cancel');
  }

  private closeWith(reason: CloseDetail['reason']): void {
    if (this.mode !== 'modal' || !this.open) return;
    this.open = false;
    this.dispatch<CloseDetail>('ml-close', { reason });
  }

  /** @internal */
  reportError(error: MediaApiError): void {
    this.dispatch<ErrorDetail>('ml-error', {
      message: error.message,
      status: error.status,
      source: error.source,
      ...(error.reason !== undefined && { reason: error.reason }),
      error,
    });
  }

  private dispatch<T>(type: string, detail: T): void {
    fire(this, type, detail);
  }
}

/** Public events bubble and cross shadow roots, so a host can listen anywhere above the element. */
function fire<T>(target: EventTarget, type: string, detail: T): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

customElements.get('media-library') || customElements.define('media-library', MediaLibraryElement);

declare global {
  interface HTMLElementTagNameMap {
    'media-library': MediaLibraryElement;
  }
  interface HTMLElementEventMap {
    'ml-insert': CustomEvent<FilesDetail>;
    'ml-select': CustomEvent<FilesDetail>;
    'ml-error': CustomEvent<ErrorDetail>;
    'ml-close': CustomEvent<CloseDetail>;
    'ml-navigate': CustomEvent<NavigateDetail>;
  }
}
