import '../i18n/en-more.js';
import { css, html, LitElement, nothing, type PropertyValues, svg, type TemplateResult } from 'lit';
import type { Asset } from '../../shared/wire.js';
import { property } from '../decorators.js';
import { formatBytes, formatDate } from '../i18n/format.js';
import type { AcceptTest } from '../state/accept.js';
import { type ListSort, typeSortLimit } from '../state/listing.js';
import { chevronDownIcon, folderIcon, icon } from '../styles/icons.js';
import { keyAt, rowState, thumbnail } from './asset-rows.js';
import type { CellWindow } from './cell-window.js';
import { LocalizeController } from './localized.js';
import { emit } from './part-events.js';
import { typeLabel } from './thumbnails.js';

const upIcon = svg`<path d="M12 19V5M5 12l7-7 7 7"/>`;

type ColumnLabel = 'colName' | 'colType' | 'colSize' | 'colDimensions' | 'colModified';

// Each column sorts by an ImageKit sort field (type sorts on the client; see Listing).
const columns: Array<[key: string, sort: string, label: ColumnLabel]> = [
  ['name', 'NAME', 'colName'],
  ['type', 'TYPE', 'colType'],
  ['size', 'SIZE', 'colSize'],
  ['dimensions', 'WIDTH', 'colDimensions'],
  ['modified', 'UPDATED', 'colModified'],
];

/**
 * The list view of the asset grid: an ARIA grid with sortable column headers and windowed rows
 * (the grid's CellWindow, one row per line). A lazy part the grid shows in place of its cells. It renders into the grid's shadow root
 * (no shadow root of its own), so the grid's styles and thumbnail handling apply to its rows as to
 * the cells; its scroller's focus, keys and clicks go to `navigation`.
 *
 * @fires sort-change - `{ sort }`: a column header was clicked.
 */
export class ListViewElement extends LitElement {
  /** The listing's items: one slot per item, with holes where a page is not loaded. */
  @property({ attribute: false }) items: Asset[] = [];
  /** Changes when `items` changed in place. */
  @property({ attribute: false }) revision = 0;
  /** The grid's window over the rows. */
  @property({ attribute: false }) window: CellWindow | undefined;
  /** Changes when the window's rendered rows do. */
  @property({ attribute: false }) range = '';
  @property({ attribute: false }) hasMore = false;
  @property({ attribute: false }) sort: ListSort = 'DESC_CREATED';
  /** Selected file ids. */
  @property({ attribute: false }) selected: ReadonlySet<string> = new Set();
  @property({ attribute: false }) accepts: AcceptTest = () => true;
  /** The active row's index; -1 for none. */
  @property({ attribute: false }) active = -1;
  /** Files whose thumbnail failed to load. */
  @property({ attribute: false }) failed: ReadonlySet<string> = new Set();
  /** Takes the scroller's focus, keys and clicks (the grid's navigation controller). */
  @property({ attribute: false }) navigation: EventListenerObject | undefined;
  readonly #l10n = new LocalizeController(this);

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override updated(_changed: PropertyValues<this>): void {
    this.window?.attach(this.querySelector<HTMLElement>('.scroller'));
  }

  override render(): TemplateResult {
    const l = this.#l10n.value;
    // A type sort reads one page of typeSortLimit and sorts it here; say so when there may be more.
    const total = this.items.length;
    const limited = this.sort.endsWith('_TYPE') && total >= typeSortLimit;
    // The scroller has focus, so it is the grid (aria-activedescendant is a grid's); it owns the header above it.
    return html`${limited ? html`<p class="note">${l.t('typeSortLimited', { count: typeSortLimit })}</p>` : nothing}<div
      class="list"
    >
      <div role="rowgroup" class="head" id="list-head">
        <div role="row" aria-rowindex="1" class="row head-row">
          ${columns.map(([key, sort, label]) => this.#columnHeader(key, sort, l.t(label)))}
        </div>
      </div>
      <div
        class="scroller list-body"
        role="grid"
        aria-owns="list-head"
        aria-label=${l.t('filesLabel')}
        aria-multiselectable="true"
        aria-rowcount=${this.hasMore ? -1 : total + 1}
        tabindex="0"
        aria-activedescendant=${this.active >= 0 ? `item-${this.active}` : nothing}
        @focusin=${this.navigation}
        @keydown=${this.navigation}
        @click=${this.navigation}
        @dblclick=${this.navigation}
      >
        ${this.window?.sizer()}${this.window?.cells(
          (index, style) => this.#renderRow(index, style),
          (index) => keyAt(this.items, index),
        )}
      </div>
    </div>`;
  }

  #columnHeader(key: string, sort: string, label: string): TemplateResult {
    const current = this.sort;
    const direction = current.endsWith(`_${sort}`)
      ? current.startsWith('ASC')
        ? 'ascending'
        : 'descending'
      : 'none';
    const next =
      direction === 'ascending'
        ? `DESC_${sort}`
        : direction === 'descending'
          ? `ASC_${sort}`
          : `${key === 'name' || key === 'type' ? 'ASC' : 'DESC'}_${sort}`;
    return html`<div role="columnheader" class=${`c-${key}`} aria-sort=${direction}>
      <button type="button" @click=${() => emit(this, 'sort-change', { sort: next })}>
        ${label}${direction === 'none' ? nothing : icon(direction === 'ascending' ? upIcon : chevronDownIcon, 'icon sort-icon')}
      </button>
    </div>`;
  }

  #renderRow(index: number, style: string): TemplateResult {
    const row = this.items[index];
    if (!row)
      return html`<div class="row placeholder" style=${style} aria-hidden="true"><span class="shimmer"></span></div>`;
    const l = this.#l10n.value;
    const { file, selected, disabled, active } = rowState(row, index, this);
    const cls = `row${selected ? ' selected' : ''}${active ? ' active' : ''}${file ? '' : ' folder'}`;
    return html`<div
      role="row"
      id=${`item-${index}`}
      class=${cls}
      style=${style}
      data-index=${index}
      draggable=${file ? 'true' : nothing}
      aria-rowindex=${index + 2}
      aria-selected=${file ? String(selected) : nothing}
      aria-disabled=${disabled ? 'true' : nothing}
    >
      <div role="gridcell" class="c-name">
        ${file ? thumbnail(file, this.failed.has(file.fileId), undefined) : html`<div class="thumb">${icon(folderIcon, 'icon type-icon')}</div>`}
        <span class="name">${row.name}</span>
        <i data-menu></i>
      </div>
      <div role="gridcell" class="c-type">${file ? typeLabel(file) : l.t('folder')}</div>
      <div role="gridcell" class="c-size">${file ? formatBytes(l, file.size) : ''}</div>
      <div role="gridcell" class="c-dimensions">
        ${file?.width && file.height ? l.t('dimensions', { width: file.width, height: file.height }) : ''}
      </div>
      <div role="gridcell" class="c-modified">${formatDate(l, row.updatedAt)}</div>
    </div>`;
  }
}

customElements.get('ml-list-view') ?? customElements.define('ml-list-view', ListViewElement);

declare global {
  interface HTMLElementTagNameMap {
    'ml-list-view': ListViewElement;
  }
}

export const listStyles = css`
  ml-list-view {
    display: contents;
  }
  .list-body > .row {
    position: absolute;
  }
  :host([keyboard]) .scroller:focus .row.active {
    outline-offset: -2px;
  }
  .list {
    display: flex;
    flex: 1;
    min-height: 0;
    flex-direction: column;
  }
  .row {
    display: grid;
    width: 100%;
    height: var(--_row);
    grid-template-columns: minmax(0, 1fr) 72px 88px 120px 168px;
    align-items: center;
    gap: 12px;
    padding: 0 12px;
    border: 1px solid transparent;
    border-bottom-color: var(--_border);
    cursor: pointer;
    user-select: none;
  }
  .list-body .row:hover {
    background: var(--_surface);
  }
  .row > * {
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .row.placeholder span {
    grid-column: 1 / -1;
    height: 12px;
    border-radius: 4px;
  }
  .head-row {
    height: 38px;
    color: var(--_muted);
    font-size: 12px;
    font-weight: 600;
    cursor: default;
  }
  .head-row button {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 4px 2px;
    border: 0;
    background: none;
    font-weight: inherit;
    cursor: pointer;
    color: inherit;
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .head-row [aria-sort='ascending'] button,
  .head-row [aria-sort='descending'] button {
    color: var(--_text);
  }
  .sort-icon {
    width: 14px;
    height: 14px;
  }
  .c-name {
    display: flex;
    align-items: center;
    gap: 10px;
  }
  .c-name .name {
    flex: 1;
    min-width: 0;
  }
  .c-name .thumb {
    flex: none;
    width: calc(var(--_row) - 12px);
    height: calc(var(--_row) - 12px);
  }
  .c-name .type-icon {
    width: 60%;
    height: 60%;
  }
  .c-type,
  .c-size,
  .c-dimensions,
  .c-modified {
    color: var(--_muted);
    font-size: 13px;
  }
  @container (max-width: 640px) {
    .row {
      grid-template-columns: minmax(0, 1fr) 56px 80px;
    }
    .c-dimensions,
    .c-modified {
      display: none;
    }
  }
`;
