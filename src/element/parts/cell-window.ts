import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import { keyed } from 'lit/directives/keyed.js';

/** How a view lays out its cells: all the same size, in rows that fill the scroller's width. */
export interface CellLayout {
  /** A cell's ideal width; cells widen or shrink a little to fill a row. 0: one cell per row, the full width. */
  minWidth: number;
  /** A cell's height at its minimum width; a widened cell keeps its aspect ratio (a list row keeps this height). */
  height: number;
  /** Between cells, across and down. */
  gap: number;
  /** Around all the cells. */
  padding: number;
}

/** Pixels rendered beyond each edge of the viewport, so a scroll shows cells already there. */
const overhang = 500;

/**
 * Renders only the cells in and near a scroller's viewport, for cells of one known size: a
 * sizer gives the scroller the height of all of them (so the scrollbar means what it says,
 * whatever is loaded), and each cell is placed absolutely from its index. Cells keep their DOM
 * element while they stay in range (slot = index modulo the pool size), so a scroll re-renders
 * only the rows that came into view. The host renders `sizer()` and `cells()` inside its
 * scroller and calls `attach(scroller)` once rendered; `onRange` hears which cells are rendered.
 */
export class CellWindow implements ReactiveController {
  /** Cells per row. */
  columns = 1;
  /** The rendered cells: `first` to `last`, inclusive (last < first when none). */
  first = 0;
  last = -1;
  #count = 0;

  #width = 0;
  #height = 0;
  #scroller: HTMLElement | undefined;
  #viewport = { width: 0, height: 0 };
  #scrollTop = 0;
  readonly #resize = new ResizeObserver(() => this.measure());
  readonly #host: ReactiveControllerHost;
  readonly #layout: () => CellLayout;
  readonly #onRange: (first: number, last: number) => void;

  constructor(
    host: ReactiveControllerHost,
    layout: () => CellLayout,
    onRange: (first: number, last: number) => void,
  ) {
    this.#host = host;
    this.#layout = layout;
    this.#onRange = onRange;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.#resize.disconnect();
    this.#scroller?.removeEventListener('scroll', this);
    this.#scroller = undefined;
  }

  /** Follows this scroller's scrolling and size (the view rendered a new one); the same one again changes nothing. */
  attach(scroller: HTMLElement | null): void {
    if (!scroller || scroller === this.#scroller) return;
    this.hostDisconnected();
    this.#scroller = scroller;
    scroller.addEventListener('scroll', this, { passive: true });
    this.#resize.observe(scroller);
    this.measure();
  }

  handleEvent(): void {
    this.measure();
  }

  /** How many cells there are (loaded or not). */
  get count(): number {
    return this.#count;
  }

  set count(count: number) {
    if (count === this.#count) return;
    this.#count = count;
    this.measure();
  }

  /** Height of one row of cells plus the gap below it. */
  get rowHeight(): number {
    return this.#height + this.#layout().gap;
  }

  /** Rows a screen shows, whole. */
  get rowsPerPage(): number {
    return Math.max(1, Math.floor(this.#viewport.height / Math.max(1, this.rowHeight)));
  }

  /** Reads the scroller's size and position; re-renders the host when the cells in range changed. */
  measure(): void {
    const scroller = this.#scroller;
    if (!scroller) return;
    const { minWidth, height, gap, padding } = this.#layout();
    const inner = Math.max(0, scroller.clientWidth - 2 * padding);
    // As many columns as fit, plus one more when half of it fits (cells then shrink a little).
    const fit = inner >= minWidth ? Math.floor((inner - minWidth) / (minWidth + gap)) + 1 : 0;
    const spare = (inner - fit * minWidth - Math.max(0, fit - 1) * gap) / (minWidth + gap);
    const columns = minWidth > 0 ? Math.max(1, fit + (spare >= 0.5 ? 1 : 0)) : 1;
    const width = minWidth > 0 ? Math.round((inner - (columns - 1) * gap) / columns) : inner;
    const cellHeight = minWidth > 0 ? Math.round((height * width) / minWidth) : height;
    this.#viewport = { width: scroller.clientWidth, height: scroller.clientHeight };
    this.#scrollTop = scroller.scrollTop;
    const resized = columns !== this.columns || width !== this.#width || cellHeight !== this.#height;
    this.columns = columns;
    this.#width = width;
    this.#height = cellHeight;
    const row = this.rowHeight;
    const rows = Math.ceil(this.#count / columns);
    const firstRow = Math.max(0, Math.floor((scroller.scrollTop - padding - overhang) / row));
    const lastRow = Math.min(
      rows - 1,
      Math.ceil((scroller.scrollTop - padding + scroller.clientHeight + overhang) / row),
    );
    const first = firstRow * columns;
    const last = Math.min(this.#count - 1, (lastRow + 1) * columns - 1);
    if (!resized && first === this.first && last === this.last) return;
    this.first = first;
    this.last = last;
    this.#host.requestUpdate();
    this.#onRange(first, last);
  }

  /** Whether any of cell `index` shows in the viewport (as last measured), not only in the overhang. */
  inView(index: number): boolean {
    const top = this.#layout().padding + Math.floor(index / this.columns) * this.rowHeight;
    return top + this.#height > this.#scrollTop && top < this.#scrollTop + this.#viewport.height;
  }

  /** The element that gives the scroller the height of every cell. */
  sizer(): TemplateResult {
    const { padding } = this.#layout();
    const rows = Math.ceil(this.#count / this.columns);
    const height = rows > 0 ? 2 * padding + rows * this.rowHeight - this.#layout().gap : 0;
    return html`<div class="sizer" aria-hidden="true" style=${`height:${height}px`}></div>`;
  }

  /**
   * The rendered cells, each from `render(index, style)` with `style` placing it. A cell keeps its
   * slot in the returned array (index modulo the pool), and so its element, as long as it stays in
   * range and its `key` (what it shows) stays the same; another key gets a new element, so no
   * state of the last one (a loaded image) carries over.
   */
  cells(
    render: (index: number, style: string) => TemplateResult,
    key: (index: number) => unknown,
  ): unknown[] {
    const { padding, gap } = this.#layout();
    // Enough slots for the most cells a range can hold at this size.
    const rowsInRange = Math.ceil((this.#viewport.height + 2 * overhang) / Math.max(1, this.rowHeight)) + 3;
    const pool = Math.max(1, Math.min(this.#count, rowsInRange * this.columns));
    const slots: unknown[] = new Array(pool).fill(nothing);
    for (let index = this.first; index <= this.last; index++) {
      const row = Math.floor(index / this.columns);
      const column = index % this.columns;
      const top = padding + row * this.rowHeight;
      const start = padding + column * (this.#width + gap);
      slots[index % pool] = keyed(
        key(index),
        render(
          index,
          `top:${top}px;inset-inline-start:${start}px;width:${this.#width}px;height:${this.#height}px`,
        ),
      );
    }
    return slots;
  }

  /** Scrolls the least that shows cell `index` whole (rendered or not). */
  reveal(index: number): void {
    const scroller = this.#scroller;
    if (!scroller || index < 0) return;
    const { padding } = this.#layout();
    const top = padding + Math.floor(index / this.columns) * this.rowHeight;
    const bottom = top + this.#height;
    if (top - padding < scroller.scrollTop) scroller.scrollTop = top - padding;
    else if (bottom + padding > scroller.scrollTop + scroller.clientHeight)
      scroller.scrollTop = bottom + padding - scroller.clientHeight;
    this.measure();
  }
}
