import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { MediaApiError } from '../../client/errors.js';
import type { Asset } from '../../shared/wire.js';
import { property } from '../decorators.js';
import type { AcceptTest } from '../state/accept.js';
import type { ListingState, ListSort } from '../state/listing.js';
import { alertIcon, folderIcon, icon, searchIcon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { gridStyles } from './asset-grid.styles.js';
import { keyAt, rowState, thumbnail } from './asset-rows.js';
import { type CellLayout, CellWindow } from './cell-window.js';
import { ItemNavigationController } from './item-navigation.js';
import { LocalizeController } from './localized.js';
import { adoptStyles, emit } from './part-events.js';
import { typeLabel } from './thumbnails.js';

const placeholderDelayMs = 150;

// The list view is a lazy chunk: most sessions stay in the grid.
let listView: typeof import('./list-view.js') | undefined;
const loadListView = async () => {
  listView ??= await import('./list-view.js');
};

/** Cells after the last known one, standing for the page to come when more may follow. */
const placeholderCount = 12;

/**
 * The files and folders of the current listing, windowed (CellWindow) so 100k assets keep a
 * constant DOM: a grid of thumbnails (listbox) or the list view with sortable columns (grid).
 * Every item has its place from the start (the listing is sized by its count); items not loaded
 * show as placeholders until their page arrives. Focus stays on the container and
 * `aria-activedescendant` names the active item; ItemNavigationController turns keys and clicks
 * into the events below.
 *
 * @fires item-select - `{ index, how }`: click, Ctrl/Cmd-click, Shift-click, Space.
 * @fires item-activate - `{ index }`: the active item moved (the details panel follows it).
 * @fires open-folder - `{ path }`
 * @fires insert-request - `{ index? }`: Enter or double-click.
 * @fires select-all
 * @fires range-change - `{ first, last }`: the items rendered (on screen and near it) changed.
 * @fires load-more - the keyboard neared the end of what is listed.
 * @fires sort-change - `{ sort }`: a list column header was clicked.
 * @fires retry - the first page failed; load it again.
 * @fires retry-more - a next page failed; load it again.
 * @fires clear-filters
 * @fires parent-folder - Backspace or Alt+Up.
 */
export class AssetGridElement extends LitElement {
  static override styles = [shared, gridStyles];

  /** The listing's items: one slot per item, with holes where a page is not loaded. */
  @property({ attribute: false }) items: Asset[] = [];
  /** How many places use each file (file id → count), for the badge on its cell. */
  @property({ attribute: false }) usage: ReadonlyMap<string, number> = new Map();
  /** Changes when `items` changed in place. */
  @property({ attribute: false }) revision = 0;
  @property({ attribute: false }) hasMore = false;
  @property({ attribute: false }) status: ListingState['status'] = 'idle';
  @property({ attribute: false }) loadingMore = false;
  /** The listing's failure (first page), or a failed next page. */
  @property({ attribute: false }) error: MediaApiError | undefined;
  @property() view: 'grid' | 'list' = 'grid';
  /** Selected file ids. */
  @property({ attribute: false }) selected: ReadonlySet<string> = new Set();
  @property({ attribute: false }) accepts: AcceptTest = () => true;
  @property() sort: ListSort = 'DESC_CREATED';
  @property({ attribute: false }) searching = false;
  /** Changes when the folder, search or sort changes: the active item and scroll reset. */
  @property({ attribute: false }) listKey = '';
  /** The root's density; the cell size (`--ml-cell-size`) is read again when it changes. */
  @property() density = '';
  /** What an empty listing says instead of "This folder is empty" (a collection's title and hint). */
  @property({ attribute: false }) emptyText: readonly [string, string] | undefined;

  /** Makes `index` the active item (the keyboard stays on a row that moved), scrolled into view. */
  activate(index: number): void {
    this.#navigation.activate(index);
  }
  /** Comments per file, for the cells' badges; filled by a lazy chunk (comment-badges.ts). */
  @property({ attribute: false }) commentBadges: Record<string, { count: number; open: number }> = {};

  readonly #l10n = new LocalizeController(this);
  readonly #window = new CellWindow(
    this,
    () => this.#cellLayout(),
    (first, last) => {
      this.#schedulePlaceholders();
      emit(this, 'range-change', { first, last });
    },
  );
  readonly #navigation = new ItemNavigationController(this, {
    grid: () => this.view === 'grid',
    columns: () => this.#window.columns,
    rowsPerPage: () => this.#window.rowsPerPage,
    reveal: (index) => this.#window.reveal(index),
  });
  #cellWidth = 164;
  #rowHeight = 48;

  /** Moves keyboard focus into the grid (onto what it says when it has no items). */
  override focus(): void {
    (this.#scroller ?? this.renderRoot.querySelector<HTMLElement>('.empty'))?.focus();
  }

  /** The view's scroller: the grid's, or the list view's (which renders into this shadow root). */
  get #scroller(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.scroller');
  }

  /** Cells of the grid (they widen to fill a row, keeping their shape), or rows of the list. */
  #cellLayout(): CellLayout {
    return this.view === 'list'
      ? { minWidth: 0, height: this.#rowHeight, gap: 0, padding: 0 }
      : { minWidth: this.#cellWidth, height: this.#cellWidth + 46, gap: 12, padding: 12 };
  }

  /** Reads the cell size and the list's row height (`--ml-cell-size`, `--ml-row-height`); whether they changed. */
  #readSizes(): boolean {
    const style = getComputedStyle(this);
    const cell = Number.parseFloat(style.getPropertyValue('--_cell'));
    const row = Number.parseFloat(style.getPropertyValue('--_row'));
    const changed = (cell > 0 && cell !== this.#cellWidth) || (row > 0 && row !== this.#rowHeight);
    if (cell > 0) this.#cellWidth = cell;
    if (row > 0) this.#rowHeight = row;
    return changed;
  }

  /** An item made active before its page arrived: announced again once it has. */
  #activeToCome = -1;

  constructor() {
    super();
    this.addEventListener('item-activate', (event) => {
      const { index } = (event as CustomEvent<{ index: number }>).detail;
      this.#activeToCome = this.items[index] ? -1 : index;
    });
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    const root = super.createRenderRoot();
    // Thumbnails' load and error do not bubble: caught on the way down, for both views.
    root.addEventListener('load', this.#imageLoaded, true);
    root.addEventListener('error', this.#imageFailed, true);
    return root;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#readSizes();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('listKey')) this.#navigation.reset();
    this.#window.count = this.items.length + (this.hasMore ? placeholderCount : 0);
  }

  #placeholderTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Thumbnails still loading after a moment get their blurred preview (a tiny image). On a fast
   * connection or a warm cache the thumbnails win, and the previews are never requested.
   */
  #schedulePlaceholders(): void {
    clearTimeout(this.#placeholderTimer);
    this.#placeholderTimer = setTimeout(() => {
      for (const thumb of this.renderRoot.querySelectorAll<HTMLElement>(
        '.thumb[data-placeholder]:not(.done, .lqip)',
      )) {
        thumb.classList.add('lqip');
        thumb.style.backgroundImage = `url("${thumb.dataset.placeholder}")`;
      }
    }, placeholderDelayMs);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#placeholderTimer);
  }

  protected override updated(changed: PropertyValues<this>): void {
    const scroller = this.#scroller;
    this.#window.attach(scroller);
    if (changed.has('revision') || changed.has('items')) {
      this.#schedulePlaceholders();
      if (this.items.length)
        void import('./comment-badges.js').then((m) =>
          m.countComments(this, this.#window.first, this.#window.last),
        );
      const index = this.#activeToCome;
      if (index >= 0 && this.items[index] && index === this.#navigation.active)
        emit(this, 'item-activate', { index });
    }
    if (changed.has('listKey')) {
      this.#activeToCome = -1;
      if (scroller) scroller.scrollTop = 0;
    }
    // Read once on connecting; again only when they change (a forced style recalc on first paint's path).
    const resized =
      (changed.get('view') !== undefined || changed.get('density') !== undefined) && this.#readSizes();
    if (resized || changed.has('view')) this.#window.measure();
  }

  override render() {
    const l = this.#l10n.value;
    if (this.status === 'loading' || this.status === 'idle') return this.#renderSkeleton();
    const clear = html`<button class="btn" type="button" @click=${() => emit(this, 'clear-filters')}>
      ${l.t('clearFilters')}
    </button>`;
    // A broken query is explained where it was written; retrying it would fail the same way.
    if (this.status === 'error' && this.error?.isQueryError)
      return this.#renderEmpty(l.t('noResults'), l.t('noResultsHint'), clear);
    if (this.status === 'error' && this.error) return this.#renderError(this.error);
    if (this.items.length === 0) {
      return this.searching
        ? this.#renderEmpty(l.t('noResults'), l.t('noResultsHint'), clear)
        : this.#renderEmpty(...(this.emptyText ?? [l.t('emptyFolder'), l.t('emptyFolderHint')]));
    }
    const more =
      this.error && !this.loadingMore
        ? html`<div class="more-error" role="alert">
            ${this.error.message}
            <button class="btn" type="button" @click=${() => emit(this, 'retry-more')}>${l.t('retry')}</button>
          </div>`
        : nothing;
    if (this.view === 'list') {
      if (!listView) {
        void loadListView().then(() => this.requestUpdate());
        return this.#renderSkeleton();
      }
      adoptStyles(this.shadowRoot, listView.listStyles);
      return html`<ml-list-view
          .items=${this.items}
          .revision=${this.revision}
          .window=${this.#window}
          .range=${`${this.#window.first}:${this.#window.last}:${this.#window.columns}`}
          .hasMore=${this.hasMore}
          .sort=${this.sort}
          .selected=${this.selected}
          .accepts=${this.accepts}
          .active=${this.#navigation.active}
          .failed=${this.#failedThumbnails}
          .navigation=${this.#navigation}
          @sort-change=${(e: CustomEvent<{ sort: ListSort }>) => emit(this, 'sort-change', e.detail)}
        ></ml-list-view>
        ${more}`;
    }
    const active = this.#navigation.active;
    return html`<div
        class="scroller grid"
        role="listbox"
        tabindex="0"
        aria-label=${l.t('filesLabel')}
        aria-multiselectable="true"
        aria-activedescendant=${active >= 0 ? `item-${active}` : nothing}
        @focusin=${this.#navigation}
        @keydown=${this.#navigation}
        @click=${this.#navigation}
        @dblclick=${this.#navigation}
      >
        ${this.#window.sizer()}${this.#window.cells(
          (index, style) => this.#renderCell(index, style),
          (index) => keyAt(this.items, index),
        )}
      </div>
      ${more}`;
  }

  #renderSkeleton(): TemplateResult {
    const l = this.#l10n.value;
    return html`<div class="skeleton" aria-busy="true" role="status">
      <span class="visually-hidden">${l.t('loading')}</span>
      ${Array.from({ length: 18 }, () => html`<div class="skeleton-cell" aria-hidden="true"><div class="shimmer"></div><span class="shimmer"></span></div>`)}
    </div>`;
  }

  #renderEmpty(title: string, hint: string, action: unknown = nothing): TemplateResult {
    return html`<div class="empty" role="status" tabindex="-1">
      ${icon(this.searching ? searchIcon : folderIcon, 'icon big')}
      <p class="empty-title">${title}</p>
      <p class="muted">${hint}</p>
      ${action}
    </div>`;
  }

  #renderError(error: MediaApiError): TemplateResult {
    const l = this.#l10n.value;
    // A host that refuses a session says why (no account, role without access); other auth failures mean sign in again.
    const hostRefusal = error.source === 'session' && typeof error.body?.message === 'string';
    const message =
      error.isAuthError && !hostRefusal
        ? l.t('sessionExpired')
        : error.source === 'network'
          ? l.t('offline')
          : error.message;
    return html`<div class="empty error" role="alert">
      ${icon(alertIcon, 'icon big')}
      <p class="empty-title">${l.t('errorTitle')}</p>
      <p>${message}</p>
      <button class="btn" type="button" @click=${() => emit(this, 'retry')}>${l.t('retry')}</button>
    </div>`;
  }

  #renderCell(index: number, style: string): TemplateResult {
    const row = this.items[index];
    if (!row)
      return html`<div class="cell placeholder" style=${style} aria-hidden="true"><div class="thumb shimmer"></div></div>`;
    const l = this.#l10n.value;
    const { file, selected, disabled, active } = rowState(row, index, {
      selected: this.selected,
      accepts: this.accepts,
      active: this.#navigation.active,
    });
    const setSize = this.hasMore ? -1 : this.items.length;
    if (!file) {
      return html`<div
        role="option"
        id=${`item-${index}`}
        class=${active ? 'cell folder active' : 'cell folder'}
        style=${style}
        data-index=${index}
        aria-posinset=${index + 1}
        aria-setsize=${setSize}
      >
        <div class="thumb">${icon(folderIcon, 'icon type-icon')}</div>
        <div class="caption"><span class="name">${row.name}</span> <span class="meta">${l.t('folder')}</span></div>
        <i data-menu></i>
      </div>`;
    }
    const meta =
      file.width && file.height
        ? l.t('dimensions', { width: file.width, height: file.height })
        : typeLabel(file);
    return html`<div
      role="option"
      id=${`item-${index}`}
      class=${`cell${selected ? ' selected' : ''}${active ? ' active' : ''}`}
      style=${style}
      data-index=${index}
      draggable="true"
      aria-selected=${String(selected)}
      aria-disabled=${disabled ? 'true' : nothing}
      aria-posinset=${index + 1}
      aria-setsize=${setSize}
      title=${disabled ? l.t('notAccepted') : file.name}
    >
      ${thumbnail(file, this.#failedThumbnails.has(file.fileId), `${this.#cellWidth}px`, this.#window.inView(index))}
      <div class="caption"><span class="name">${file.name}</span> <span class="meta">${meta}</span></div>
      ${this.#renderUsage(file.fileId)}
      ${disabled ? nothing : html`<span class="check" data-toggle aria-hidden="true"></span>`}
      ${this.commentBadges[file.fileId] ? html`<span class="comments">${l.t('hasComments', { count: this.commentBadges[file.fileId]!.count })}</span>` : nothing}
      <i data-menu></i>
    </div>`;
  }

  /** How many places use the file (reported by CMS plugins), on the cell's corner. */
  #renderUsage(fileId: string): TemplateResult | typeof nothing {
    const count = this.usage.get(fileId);
    if (!count) return nothing;
    const label = this.#l10n.value.t('usedBadge', { count });
    return html`<span class="used" title=${label}><span aria-hidden="true">${count}</span><span class="visually-hidden">${label}</span></span>`;
  }

  readonly #imageLoaded = (event: Event) => {
    const target = event.target as HTMLElement;
    if (target.tagName !== 'IMG') return;
    target.classList.add('loaded');
    target.parentElement?.classList.add('done');
  };

  readonly #imageFailed = (event: Event) => {
    const target = event.target as HTMLElement;
    if (target.tagName !== 'IMG' || !target.dataset.file) return;
    this.#failing.push(target.dataset.file);
    // A folder without thumbnails fails a whole screen of them at once: re-render once.
    this.#failedRender ??= setTimeout(() => {
      this.#failedRender = undefined;
      this.#failedThumbnails = new Set([...this.#failedThumbnails, ...this.#failing.splice(0)]);
      this.requestUpdate();
    }, 50);
  };

  /** Files whose thumbnail could not load (none yet, or none for the type): they show their type icon. */
  #failedThumbnails: ReadonlySet<string> = new Set();
  readonly #failing: string[] = [];
  #failedRender: ReturnType<typeof setTimeout> | undefined;
}

customElements.get('ml-asset-grid') || customElements.define('ml-asset-grid', AssetGridElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-asset-grid': AssetGridElement;
  }
}
