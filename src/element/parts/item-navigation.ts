import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Asset } from '../../shared/wire.js';
import { loadNavigationKeys, navigationKeys } from './keys.js';
import { emit } from './part-events.js';

/** How a click or key changes the selection. */
export type SelectHow = 'replace' | 'toggle' | 'range' | 'range-add';

/** The element whose items are navigated: what it lists, and what is selected. */
export interface NavigableHost extends ReactiveControllerHost, HTMLElement {
  readonly items: readonly Asset[];
  /** Rows beyond `items` not counted yet: End then follows the end as they arrive. */
  readonly hasMore: boolean;
  /** Selected file ids. */
  readonly selected: ReadonlySet<string>;
}

/** The view on screen, as the host measures it. */
export interface ItemLayout {
  /** Whether items sit in rows and columns (Left and Right move), or in a list. */
  grid(): boolean;
  /** Items per row. */
  columns(): number;
  /** Rows a screen shows (PageUp and PageDown move that far). */
  rowsPerPage(): number;
  /** Scrolls an item into view. */
  reveal(index: number): void;
}

/**
 * Keyboard navigation and selection over a host's items, in the listbox and grid patterns. A view
 * hands the controller its scroller's `focusin`, `keydown`, `click` and `dblclick`
 * (`@keydown=${navigation}`): the scroller keeps focus and `aria-activedescendant` names the
 * active item, which the arrows, Home, End and the page keys move; clicks land on items
 * (`[data-index]`). The controller turns what the user does into the host's intents
 * (`item-select`, `item-activate`, `open-folder`, `insert-request`, `select-all`, `parent-folder`,
 * `load-more`), and sets the host's `keyboard` attribute while the keyboard is in use, so the
 * active item shows a focus ring.
 */
export class ItemNavigationController implements ReactiveController {
  /** The item the keyboard is on; -1 for none. */
  active = -1;

  readonly #host: NavigableHost;
  readonly #layout: ItemLayout;
  /**
   * End was pressed before the list's length was known (its count still on the way, or a backend
   * that pages one after another): the active item keeps moving to the last one as rows arrive,
   * until the list is complete or the user does anything else.
   */
  #followingEnd = false;

  constructor(host: NavigableHost, layout: ItemLayout) {
    this.#host = host;
    this.#layout = layout;
    host.addController(this);
    host.addEventListener('pointerdown', this);
    host.addEventListener('wheel', this, { passive: true });
  }

  handleEvent(event: Event): void {
    // Whatever the user does next, End stops pulling the view to the last row.
    if (event.type !== 'focusin') this.#followingEnd = false;
    if (event.type === 'wheel') return;
    if (event.type === 'pointerdown') this.#keyboard(false);
    else if (event.type === 'focusin') this.#onFocus(event.currentTarget as HTMLElement);
    else if (event.type === 'keydown') this.#onKeyDown(event as KeyboardEvent);
    else if (event.type === 'click') this.#onClick(event as MouseEvent);
    else this.#onDoubleClick(event);
  }

  hostUpdate(): void {
    // The list got shorter: the active item stays on the last.
    if (this.active >= this.#host.items.length) this.active = this.#host.items.length - 1;
  }

  hostUpdated(): void {
    if (!this.#followingEnd) return;
    const last = this.#host.items.length - 1;
    if (!this.#host.hasMore) this.#followingEnd = false;
    // After this update, not during it: moving the active item updates the host again.
    if (last > this.active) queueMicrotask(() => this.#setActive(last));
  }

  /** A new list (folder, search or sort): no item is active. */
  reset(): void {
    this.active = -1;
    this.#followingEnd = false;
  }

  /** Whether the keyboard is in use: the host's `keyboard` attribute shows the active item's focus ring. */
  #keyboard(on: boolean): void {
    this.#host.toggleAttribute('keyboard', on);
  }

  /**
   * Focus arriving by keyboard shows its ring, on the active item or else the first selected one
   * or the first in view. A click's focus changes nothing: the click picks the item, where it is.
   */
  #onFocus(scroller: HTMLElement): void {
    if (!scroller.matches(':focus-visible')) return;
    this.#keyboard(true);
    if (this.active >= 0) return;
    const { items, selected } = this.#host;
    // Items not loaded are holes (undefined here).
    const first = items.findIndex((item) => item && item.type !== 'folder' && selected.has(item.fileId));
    this.#setActive(first >= 0 ? first : firstInView(scroller));
  }

  #onClick(event: MouseEvent): void {
    const index = indexFrom(event);
    const item = this.#host.items[index];
    if (!item) return;
    this.#setActive(index, false);
    if (item.type === 'folder') {
      emit(this.#host, 'open-folder', { path: item.folderPath });
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
    emit(this.#host, 'item-select', { index, how });
  }

  #onDoubleClick(event: Event): void {
    const index = indexFrom(event);
    const item = this.#host.items[index];
    if (item && item.type !== 'folder') emit(this.#host, 'insert-request', { index });
  }

  /** Makes `index` the active item, as the keyboard would. */
  activate(index: number): void {
    this.#setActive(index);
  }

  #setActive(index: number, scroll = true): void {
    if (index < 0 || index >= this.#host.items.length) return;
    this.active = index;
    this.#host.requestUpdate();
    emit(this.#host, 'item-activate', { index });
    if (scroll) this.#layout.reveal(index);
  }

  #onKeyDown(event: KeyboardEvent): void {
    this.#keyboard(true);
    const keys = navigationKeys();
    // A key before the keyboard chunk arrived is handled once it has.
    if (!keys) return void loadNavigationKeys().then(() => this.#onKeyDown(event));
    const host = this.#host;
    const layout = this.#layout;
    const outcome = keys.itemKey(event, {
      items: host.items,
      active: this.active,
      grid: layout.grid(),
      columns: layout.columns(),
      rowsPerPage: layout.rowsPerPage(),
      rtl: host.matches(':dir(rtl)'),
    });
    if (!outcome) return;
    event.preventDefault();
    if (event.key === 'End' && host.hasMore) this.#followingEnd = true;
    if (outcome.move !== undefined) this.#setActive(outcome.move);
    for (const [type, detail] of outcome.intents) emit(host, type, detail);
  }
}

/** The first item (by index) wholly below the scroller's top, so showing it scrolls nothing. */
function firstInView(scroller: HTMLElement): number {
  const top = scroller.getBoundingClientRect().top - 1;
  const cells = [...scroller.querySelectorAll<HTMLElement>('[data-index]')];
  return Math.min(
    ...cells.filter((c) => c.getBoundingClientRect().top >= top).map((c) => Number(c.dataset.index)),
  );
}

/** The index of the item an event happened on; -1 for none. */
function indexFrom(event: Event): number {
  const cell = (event.target as Element).closest<HTMLElement>('[data-index]');
  return cell ? Number(cell.dataset.index) : -1;
}
