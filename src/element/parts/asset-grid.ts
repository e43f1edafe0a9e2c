import { GridLayout, grid } from '@lit-labs/virtualizer/layouts/grid.js';
import { virtualize, virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { MediaApiError } from '../../client/errors.js';
import type { Asset, MediaFile } from '../../shared/wire.js';
import type { AcceptTest } from '../state/accept.js';
import type { ListingState, ListSort } from '../state/listing.js';
import { alertIcon, fileIcon, folderIcon, icon, searchIcon } from '../styles/icons.js';
import { shared } from '../styles/shared.js';
import { gridStyles } from './asset-grid.styles.js';
import { LocalizeController } from './localized.js';
import { adoptStyles, emit } from './part-events.js';
import { hasThumbnail, thumbnailSources, typeLabel } from './thumbnails.js';

/** How a click or key changes the selection. */
export type SelectHow = 'replace' | 'toggle' | 'range' | 'range-add';

export interface Placeholder {
  placeholder: number;
}
export type Row = Asset | Placeholder;

export const isPlaceholder = (row: Row): row is Placeholder => 'placeholder' in row;
const placeholderDelayMs = 150;
const placeholders: Placeholder[] = Array.from({ length: 12 }, (_, i) => ({ placeholder: i }));

// The list view is a lazy chunk: most sessions stay in the grid.
let listView: typeof import('./list-view.js') | undefined;
const loadListView = async () => {
  listView ??= await import('./list-view.js');
};
export const keyOf = (row: Row) =>
  isPlaceholder(row) ? `placeholder-${row.placeholder}` : row.type === 'folder' ? row.folderId : row.fileId;

type ChildPosition = {
  top: number;
  left: number;
  width?: number;
  height?: number;
  xOffset?: number;
  yOffset?: number;
};
interface VirtualizerInternals {
  _children: HTMLElement[];
  _first: number;
  _positionChildren(positions: Map<number, ChildPosition> | null): void;
}
const patchedVirtualizers = new WeakSet<object>();

/**
 * @lit-labs/virtualizer 2.1 walks every child (its `_children` getter) once per child while
 * placing them, O(n²) on every scroll frame, and rewrites every child's inline style even when
 * it has not moved. This places them the same way, with one walk and only the writes that change something.
 */
function placeChildrenInOneWalk(virtualizer: unknown): void {
  const proto = virtualizer
    ? (Object.getPrototypeOf(virtualizer) as Partial<VirtualizerInternals>)
    : undefined;
  if (!proto || patchedVirtualizers.has(proto) || typeof proto._positionChildren !== 'function') return;
  patchedVirtualizers.add(proto);
  proto._positionChildren = function (this: VirtualizerInternals, positions) {
    if (!positions) return;
    const children = this._children;
    // Children that stay where they were get no writes, so the browser restyles only the moved ones.
    const set = (
      style: CSSStyleDeclaration,
      name: 'position' | 'boxSizing' | 'transform' | 'width' | 'height' | 'left' | 'top',
      value: string,
    ) => {
      if (style[name] !== value) style[name] = value;
    };
    positions.forEach(({ top, left, width, height, xOffset, yOffset }, index) => {
      const style = children[index - this._first]?.style;
      if (!style) return;
      set(style, 'position', 'absolute');
      set(style, 'boxSizing', 'border-box');
      set(style, 'transform', `translate(${left}px, ${top}px)`);
      if (width !== undefined) set(style, 'width', `${width}px`);
      if (height !== undefined) set(style, 'height', `${height}px`);
      set(style, 'left', xOffset === undefined ? '' : `${xOffset}px`);
      set(style, 'top', yOffset === undefined ? '' : `${yOffset}px`);
    });
  };
}

/** The grid layout, rendering half a screen beyond the viewport (the default, 1000px, doubles the DOM). */
class CellGridLayout extends GridLayout {
  constructor(...args: ConstructorParameters<typeof GridLayout>) {
    super(...args);
    this._overhang = 500;
  }
}

/** Mirrored for right-to-left pages (the virtualizer positions from the left). */
class MirroredGridLayout extends CellGridLayout {
  override _getItemPosition(index: number): ReturnType<GridLayout['_getItemPosition']> {
    const position = super._getItemPosition(index);
    return { ...position, left: this._viewDim2 - position.left - (position.width ?? 0) };
  }
}

/**
 * The files and folders of the current listing, virtualized so 100k assets keep a constant DOM:
 * a grid of thumbnails (listbox) or a list with sortable columns (grid). Focus stays on the
 * container and `aria-activedescendant` names the active item.
 *
 * @fires item-select - `{ index, how }`: click, Ctrl/Cmd-click, Shift-click, Space.
 * @fires item-activate - `{ index }`: the active item moved (the details panel follows it).
 * @fires open-folder - `{ path }`
 * @fires insert-request - `{ index? }`: Enter or double-click.
 * @fires select-all
 * @fires load-more - the end of what is loaded came into view.
 * @fires sort-change - `{ sort }`: a list column header was clicked.
 * @fires retry - the first page failed; load it again.
 * @fires retry-more - a next page failed; load it again.
 * @fires clear-filters
 * @fires parent-folder - Backspace or Alt+Up.
 */
export class AssetGridElement extends LitElement {
  static override properties = {
    items: { attribute: false },
    hasMore: { attribute: false },
    status: { attribute: false },
    loadingMore: { attribute: false },
    error: { attribute: false },
    view: {},
    selected: { attribute: false },
    accepts: { attribute: false },
    sort: {},
    searching: { attribute: false },
    listKey: { attribute: false },
    density: {},
    activeIndex: { state: true },
    keyboard: { type: Boolean, reflect: true },
  };

  static override styles = [shared, gridStyles];

  declare items: Asset[];
  declare hasMore: boolean;
  declare status: ListingState['status'];
  declare loadingMore: boolean;
  /** The listing's failure (first page), or a failed next page. */
  declare error: MediaApiError | undefined;
  declare view: 'grid' | 'list';
  /** Selected file ids. */
  declare selected: ReadonlySet<string>;
  declare accepts: AcceptTest;
  declare sort: ListSort;
  declare searching: boolean;
  /** Changes when the folder, search or sort changes: the active item and scroll reset. */
  declare listKey: string;
  /** The root's density; the cell size (`--ml-cell-size`) is read again when it changes. */
  declare density: string;
  declare private activeIndex: number;
  /** Set while the user works with the keyboard, so the active item shows a focus ring. */
  declare keyboard: boolean;

  /** @internal */
  readonly l10n = new LocalizeController(this);
  private cellWidth = 164;

  constructor() {
    super();
    this.items = [];
    this.hasMore = false;
    this.status = 'idle';
    this.loadingMore = false;
    this.error = undefined;
    this.view = 'grid';
    this.selected = new Set();
    this.accepts = () => true;
    this.sort = 'DESC_CREATED';
    this.searching = false;
    this.listKey = '';
    this.density = '';
    this.activeIndex = -1;
    this.keyboard = false;
    this.addEventListener('pointerdown', () => {
      this.keyboard = false;
    });
  }

  /** The item the keyboard is on, if any. */
  get activeItem(): Asset | undefined {
    return this.items[this.activeIndex];
  }

  /** @internal */
  readonly keyOf = keyOf;

  /** Moves keyboard focus into the grid. */
  override focus(): void {
    this.scroller?.focus();
  }

  private get scroller(): HTMLElement | null {
    return this.renderRoot.querySelector('.scroller');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const cell = Number.parseFloat(getComputedStyle(this).getPropertyValue('--_cell'));
    if (cell > 0) this.cellWidth = cell;
  }

  /** Items plus placeholders for the page to come; the same array until they change, so the virtualizer keeps its layout. */
  private rows: Row[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('items') || changed.has('hasMore')) {
      this.rows = this.hasMore ? [...this.items, ...placeholders] : this.items;
    }
    if (changed.has('listKey')) this.activeIndex = -1;
    if (this.activeIndex >= this.items.length) this.activeIndex = this.items.length - 1;
  }

  private placeholderTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Thumbnails still loading after a moment get their blurred preview (a tiny image). On a fast
   * connection or a warm cache the thumbnails win, and the previews are never requested.
   */
  private schedulePlaceholders(): void {
    clearTimeout(this.placeholderTimer);
    this.placeholderTimer = setTimeout(() => {
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
    clearTimeout(this.placeholderTimer);
  }

  protected override updated(changed: PropertyValues<this>): void {
    const scroller = this.scroller as (HTMLElement & { [virtualizerRef]?: unknown }) | null;
    placeChildrenInOneWalk(scroller?.[virtualizerRef]);
    this.schedulePlaceholders();
    if (changed.has('listKey') && scroller) scroller.scrollTop = 0;
    if (changed.has('view') || changed.has('density')) {
      const cell = Number.parseFloat(getComputedStyle(this).getPropertyValue('--_cell'));
      if (cell > 0 && cell !== this.cellWidth) {
        this.cellWidth = cell;
        this.requestUpdate();
      }
    }
  }

  override render() {
    const l = this.l10n.value;
    if (this.status === 'loading' || this.status === 'idle') return this.renderSkeleton();
    if (this.status === 'error' && this.error) return this.renderError(this.error);
    if (this.items.length === 0) {
      return this.searching
        ? this.renderEmpty(
            l.t('noResults'),
            l.t('noResultsHint'),
            html`<button
            class="btn"
            type="button"
            @click=${() => emit(this, 'clear-filters')}
          >
            ${l.t('clearFilters')}
          </button>`,
          )
        : this.renderEmpty(l.t('emptyFolder'), l.t('emptyFolderHint'));
    }
    const rows = this.rows;

    const more =
      this.error && this.hasMore && !this.loadingMore
        ? html`<div class="more-error" role="alert">
            ${this.error.message}
            <button class="btn" type="button" @click=${() => emit(this, 'retry-more')}>${l.t('retry')}</button>
          </div>`
        : nothing;
    const activeId = this.activeIndex >= 0 ? `item-${this.activeIndex}` : nothing;
    if (this.view === 'list') {
      if (!listView) {
        void loadListView().then(() => this.requestUpdate());
        return this.renderSkeleton();
      }
      adoptStyles(this.shadowRoot, listView.listStyles);
      return html`${listView.renderList(this, rows, activeId)}${more}`;
    }
    const rtl = this.matches(':dir(rtl)');
    const gridLayout = grid({
      itemSize: { width: `${this.cellWidth}px`, height: `${this.cellWidth + 46}px` },
      gap: '12px',
      padding: '12px',
      flex: { preserve: 'aspect-ratio' },
      justify: 'start',
    });
    return html`<div
        class="scroller grid"
        role="listbox"
        tabindex="0"
        aria-label=${l.t('filesLabel')}
        aria-multiselectable="true"
        aria-activedescendant=${activeId}
        @focus=${this.onFocus}
        @keydown=${this.onKeyDown}
        @click=${this.onClick}
        @dblclick=${this.onDoubleClick}
        @load=${this.imageLoaded}
        @error=${this.imageFailed}
        @visibilityChanged=${this.onVisibility}
      >
        ${virtualize({
          items: rows,
          keyFunction: keyOf,
          scroller: true,
          layout: { ...gridLayout, type: rtl ? MirroredGridLayout : CellGridLayout },
          renderItem: (row: Row, index: number) => this.renderCell(row, index),
        })}
      </div>
      ${more}`;
  }

  /** @internal */
  renderSkeleton(): TemplateResult {
    const l = this.l10n.value;
    return html`<div class="skeleton" aria-busy="true" role="status">
      <span class="visually-hidden">${l.t('loading')}</span>
      ${Array.from({ length: 18 }, () => html`<div class="skeleton-cell" aria-hidden="true"><div class="shimmer"></div><span class="shimmer"></span></div>`)}
    </div>`;
  }

  private renderEmpty(title: string, hint: string, action: unknown = nothing): TemplateResult {
    return html`<div class="empty" role="status">
      ${icon(this.searching ? searchIcon : folderIcon, 'icon big')}
      <p class="empty-title">${title}</p>
      <p class="muted">${hint}</p>
      ${action}
    </div>`;
  }

  private renderError(error: MediaApiError): TemplateResult {
    const l = this.l10n.value;
    const message = error.isAuthError
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

  /** @internal */
  cellState(row: Asset, index: number) {
    const file = row.type === 'folder' ? undefined : row;
    const selected = file ? this.selected.has(file.fileId) : false;
    const disabled = file ? !this.accepts(file) : false;
    const active = index === this.activeIndex;
    return { file, selected, disabled, active };
  }

  private renderCell(row: Row, index: number): TemplateResult {
    if (isPlaceholder(row))
      return html`<div class="cell placeholder" aria-hidden="true"><div class="thumb shimmer"></div></div>`;
    const l = this.l10n.value;
    const { file, selected, disabled, active } = this.cellState(row, index);
    const setSize = this.hasMore ? -1 : this.items.length;
    if (!file) {
      return html`<div
        role="option"
        id=${`item-${index}`}
        class=${active ? 'cell folder active' : 'cell folder'}
        data-index=${index}
        aria-posinset=${index + 1}
        aria-setsize=${setSize}
      >
        <div class="thumb">${icon(folderIcon, 'icon type-icon')}</div>
        <div class="caption"><span class="name">${row.name}</span> <span class="meta">${l.t('folder')}</span></div>
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
      data-index=${index}
      draggable="true"
      aria-selected=${String(selected)}
      aria-disabled=${disabled ? 'true' : nothing}
      aria-posinset=${index + 1}
      aria-setsize=${setSize}
      title=${disabled ? l.t('notAccepted') : file.name}
    >
      ${this.renderThumb(file)}
      <div class="caption"><span class="name">${file.name}</span> <span class="meta">${meta}</span></div>
      ${disabled ? nothing : html`<span class="check" data-toggle aria-hidden="true"></span>`}
    </div>`;
  }

  /** @internal */
  renderThumb(file: MediaFile, small = false): TemplateResult {
    // The type icon stands in for files without a thumbnail, or whose thumbnail failed.
    if (!hasThumbnail(file) || this.failedThumbnails.has(file.fileId)) {
      return html`<div class="thumb">${icon(fileIcon(file.mime), 'icon type-icon')}</div>`;
    }
    const sources = thumbnailSources(file);
    return html`<div class="thumb" data-placeholder=${file.fileType === 'image' && !small ? sources.placeholder : nothing}>
      <img
        src=${sources.src}
        srcset=${small ? nothing : sources.srcset}
        sizes=${small ? nothing : `${this.cellWidth}px`}
        alt=""
        loading="lazy"
        decoding="async"
        draggable="false"
        data-file=${file.fileId}
      />
    </div>`;
  }

  // load and error do not bubble: listen in the capture phase, once for every image.
  /** @internal */
  readonly imageLoaded = {
    capture: true,
    handleEvent: (event: Event) => {
      const target = event.target as HTMLElement;
      if (target.tagName !== 'IMG') return;
      target.classList.add('loaded');
      target.parentElement?.classList.add('done');
    },
  };

  /** @internal */
  readonly imageFailed = {
    capture: true,
    handleEvent: (event: Event) => {
      const target = event.target as HTMLElement;
      if (target.tagName !== 'IMG' || !target.dataset.file) return;
      this.failedThumbnails.add(target.dataset.file);
      // A folder without thumbnails fails a whole screen of them at once: re-render once.
      this.failedRender ??= setTimeout(() => {
        this.failedRender = undefined;
        this.requestUpdate();
      }, 50);
    },
  };

  /** Files whose thumbnail could not load (none yet, or none for the type): they show their type icon. */
  private readonly failedThumbnails = new Set<string>();
  private failedRender: ReturnType<typeof setTimeout> | undefined;

  /** @internal */
  onVisibility(event: Event & { last?: number }): void {
    this.schedulePlaceholders();
    const last = event.last ?? 0;
    if (this.hasMore && last >= this.items.length - 24) emit(this, 'load-more');
  }

  private indexFrom(event: Event): number {
    const cell = (event.target as Element).closest('[data-index]');
    return cell ? Number((cell as HTMLElement).dataset.index) : -1;
  }

  /** Focus arriving by keyboard lands on the first selected item, or the first item. */
  /** @internal */
  onFocus(): void {
    if (this.activeIndex >= 0) return;
    const first = this.items.findIndex((item) => item.type !== 'folder' && this.selected.has(item.fileId));
    this.setActive(Math.max(0, first));
  }

  /** @internal */
  onClick(event: MouseEvent): void {
    const index = this.indexFrom(event);
    const item = this.items[index];
    if (!item) return;
    this.setActive(index, false);
    if (item.type === 'folder') {
      emit(this, 'open-folder', { path: item.folderPath });
      return;
    }
    const toggle = (event.target as Element).closest('[data-toggle]') !== null;
    const how: SelectHow = event.shiftKey
      ? event.ctrlKey || event.metaKey
        ? 'range-add'
        : 'range'
      : event.ctrlKey || event.metaKey || toggle
        ? 'toggle'
        : 'replace';
    emit(this, 'item-select', { index, how });
  }

  /** @internal */
  onDoubleClick(event: MouseEvent): void {
    const index = this.indexFrom(event);
    const item = this.items[index];
    if (item && item.type !== 'folder') emit(this, 'insert-request', { index });
  }

  private setActive(index: number, scroll = true): void {
    if (index < 0 || index >= this.items.length) return;
    this.activeIndex = index;
    emit(this, 'item-activate', { index });
    if (scroll) {
      const scroller = this.scroller as
        | (HTMLElement & {
            [virtualizerRef]?: {
              element(i: number): { scrollIntoView(o?: ScrollIntoViewOptions): void } | undefined;
            };
          })
        | null;
      scroller?.[virtualizerRef]?.element(index)?.scrollIntoView({ block: 'nearest' });
    }
  }

  /** Items per row, from where the rendered cells sit. */
  private columnCount(): number {
    if (this.view === 'list') return 1;
    const cells = [...this.renderRoot.querySelectorAll<HTMLElement>('.cell[data-index]')];
    if (cells.length === 0) return 1;
    const tops = new Map<number, number>();
    for (const cell of cells) {
      const top = Math.round(cell.getBoundingClientRect().top);
      tops.set(top, (tops.get(top) ?? 0) + 1);
    }
    return Math.max(...tops.values());
  }

  /** @internal */
  onKeyDown(event: KeyboardEvent): void {
    this.keyboard = true;
    const count = this.items.length;
    if (count === 0) return;
    const current = this.activeIndex;
    const columns = this.columnCount();
    const rtl = this.matches(':dir(rtl)');
    const page =
      Math.max(
        1,
        Math.floor((this.scroller?.clientHeight ?? 400) / (this.view === 'list' ? 48 : this.cellWidth + 58)),
      ) * columns;
    const mod = event.ctrlKey || event.metaKey;
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowRight':
        if (this.view === 'grid') next = current + (rtl ? -1 : 1);
        break;
      case 'ArrowLeft':
        if (this.view === 'grid') next = current + (rtl ? 1 : -1);
        break;
      case 'ArrowDown':
        next = current < 0 ? 0 : current + columns;
        break;
      case 'ArrowUp':
        if (event.altKey) {
          emit(this, 'parent-folder');
          break;
        }
        next = current - columns;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = count - 1;
        break;
      case 'PageDown':
        next = current + page;
        break;
      case 'PageUp':
        next = current - page;
        break;
      case ' ': {
        const item = this.items[current];
        if (item && item.type !== 'folder') emit(this, 'item-select', { index: current, how: 'toggle' });
        break;
      }
      case 'Enter': {
        const item = this.items[current];
        if (item?.type === 'folder') emit(this, 'open-folder', { path: item.folderPath });
        else emit(this, 'insert-request', current >= 0 ? { index: current } : {});
        break;
      }
      case 'Backspace':
        emit(this, 'parent-folder');
        break;
      case 'a':
      case 'A':
        if (!mod) return;
        emit(this, 'select-all');
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next === undefined) return;
    next = Math.max(0, Math.min(count - 1, next));
    this.setActive(next);
    const item = this.items[next];
    if (event.shiftKey && item && item.type !== 'folder')
      emit(this, 'item-select', { index: next, how: 'range' });
    if (next >= count - columns * 2) emit(this, 'load-more');
  }
}

customElements.get('ml-asset-grid') || customElements.define('ml-asset-grid', AssetGridElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-asset-grid': AssetGridElement;
  }
}
