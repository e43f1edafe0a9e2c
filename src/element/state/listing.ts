import { listCollectionItems } from '../../client/collections.js';
import { isAbortError, MediaApiError } from '../../client/errors.js';
import type { ListAssetsParams, MediaClient, RequestOptions, SortOrder } from '../../client/media-client.js';
import { allOf, condition } from '../../client/search-query.js';
import type { Asset, MediaFile } from '../../shared/wire.js';
import { emptySearch, type SearchState, searchQueryOf } from './search.js';

/** ImageKit's sorts, plus sorting by type, which ImageKit lacks and the list view does on the client. */
export type ListSort = SortOrder | 'ASC_TYPE' | 'DESC_TYPE';

/** Sorting by type reads one page this large and sorts it here. */
export const typeSortLimit = 1000;

/** A collection on screen instead of a folder: its id, and its name once known. */
export interface CollectionRef {
  id: string;
  name: string;
}

export interface ListingState {
  /** Current folder, as ImageKit writes folder paths: `/` or `/a/b`. */
  folder: string;
  /** The collection listed (in its own order) instead of the folder; a search searches inside it. */
  collection: CollectionRef | undefined;
  search: SearchState;
  /** The search as sent (`''` when browsing). */
  query: string;
  sort: ListSort;
  /**
   * Folders first, then files, in the order the server gave: one slot per row the listing has
   * (as counted), with holes where a page is not loaded (or was evicted). Index it, or use
   * `filter`/`flatMap`, which skip the holes. Filled in place: `revision` says when.
   */
  items: Asset[];
  /** Rows may follow the last slot (the count is unknown or only a lower bound). */
  hasMore: boolean;
  /** Changes whenever `items` changes in place (a page arrived or was evicted). */
  revision: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  error: MediaApiError | undefined;
  /** Files in the folder or search: `{ count, exact }` (at least `count` when not exact); unknown while undefined. */
  total: ListingTotal | undefined;
}

/** How many files a listing has: exact, or at least `count`. */
export interface ListingTotal {
  count: number;
  exact: boolean;
}

/** What `GET /_ml/count` answers: rows (folders included), exact up to the asked limit. */
interface RowCount extends ListingTotal {
  folders?: number;
}

/** Counted exactly up to this many rows (the server's most); beyond, the grid grows as pages come. */
const countLimit = 1_000_000;
/** Loaded rows kept beyond those on screen; pages farther away are evicted past it. */
const keptRows = 3000;
/** Page requests for the rows on screen start at most this often while they move (a dragged scrollbar). */
const fetchIntervalMs = 80;

export interface ListingOptions {
  pageSize: number;
  /** Told about every failure but aborts. */
  onError?: (error: MediaApiError) => void;
}

/** `/a/b/` or `a/b` → `/a/b`; `''` → `/`. */
export function normalizeFolderPath(path: string | undefined | null): string {
  const inner = (path ?? '')
    .split('/')
    .filter((part) => part !== '')
    .join('/');
  return `/${inner}`;
}

/** Whether `folder` is `root` or lies inside it. */
export function isWithin(folder: string, root: string): boolean {
  return root === '/' || folder === root || folder.startsWith(`${root}/`);
}

export function parentOf(folder: string): string {
  return normalizeFolderPath(folder.split('/').slice(0, -1).join('/'));
}

/**
 * The listing the grid shows: a folder's children or a search under it. The first page comes
 * with a count (`GET /_ml/count`), which sizes `items`; then the grid says which rows are on
 * screen (`show`) and the pages under them are fetched by `skip`, wherever they are, while pages
 * far from the screen are evicted. Without a count (another backend, or a type sort) the pages
 * come one after another as the user scrolls (`loadMore`). Changing folder, search or sort
 * cancels whatever is in flight.
 */
export class Listing {
  state: ListingState = {
    folder: '/',
    collection: undefined,
    search: emptySearch,
    query: '',
    sort: 'DESC_CREATED',
    items: [],
    hasMore: false,
    revision: 0,
    status: 'idle',
    loadingMore: false,
    error: undefined,
    total: undefined,
  };
  #client: MediaClient | undefined;
  /** The current listing's requests: aborted when it changes. */
  #inFlight: AbortController | undefined;
  /** `items` is sized by a count, so any page may be fetched by its `skip`. */
  #counted = false;
  /** The count was exact: no rows follow the last slot. */
  #exact = false;
  /** Rows the server lists before the slots (a search's own folder, left out). */
  #shift = 0;
  /** Folders among the counted rows (listed first, whichever way the sort runs). */
  #folders = 0;
  /** Loaded pages (by number), with when they were last on screen. */
  readonly #pages = new Map<number, number>();
  /** Pages being fetched, by number. */
  readonly #fetching = new Map<number, AbortController>();
  /** The rows on screen, as the grid last said: first and last index. */
  #range: [number, number] = [0, 0];
  #tick = 0;
  #fetchTimer: ReturnType<typeof setTimeout> | undefined;
  #rangeMoved = false;
  readonly #listeners = new Set<() => void>();
  readonly #options: ListingOptions;

  constructor(options: ListingOptions) {
    this.#options = options;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  setClient(client: MediaClient | undefined): void {
    this.#client = client;
  }

  set pageSize(size: number) {
    this.#options.pageSize = Math.max(1, Math.min(1000, Math.floor(size)));
  }

  /**
   * Sets where and what to list, then loads the first page (`sent` is told when its request has
   * gone out); asking again for what is shown (or on its way) sends nothing.
   */
  load(
    change: Partial<Pick<ListingState, 'folder' | 'search' | 'sort' | 'collection'>> = {},
    sent?: () => void,
  ): Promise<void> {
    const { folder, query, sort, status, collection } = this.state;
    const next = { ...this.state, ...change, query: searchQueryOf({ ...this.state, ...change }.search) };
    const same =
      next.folder === folder &&
      next.query === query &&
      next.sort === sort &&
      next.collection?.id === collection?.id;
    if (same && (status === 'ready' || status === 'loading')) {
      this.#set({ search: next.search, collection: next.collection });
      sent?.();
      return Promise.resolve();
    }
    this.#range = [0, 0];
    this.#set({
      ...next,
      items: [],
      hasMore: false,
      status: 'loading',
      error: undefined,
      total: undefined,
    });
    return this.#fetchFirst(this.#options.pageSize, sent);
  }

  /**
   * Loads the folder or search again. What is shown stays until the answer replaces it, so the
   * grid keeps its scroll position: with a count, the count and the pages on screen are fetched
   * again (others are dropped, to come back when shown); without, as many rows as were loaded
   * (up to 1000).
   */
  refresh(): Promise<void> {
    if (!this.#counted || this.state.status !== 'ready')
      return this.#fetchFirst(Math.min(1000, Math.max(this.#options.pageSize, this.state.items.length)));
    return this.#refreshCounted();
  }

  /**
   * The rows `first` to `last` are on screen (and just around it): fetches the pages under them
   * that are not loaded, and the next page when they reach the end of what is known.
   */
  show(first: number, last: number): void {
    this.#range = [Math.max(0, first), Math.max(first, last)];
    if (this.#fetchTimer) {
      this.#rangeMoved = true;
      return;
    }
    this.#fetchShown();
    this.#fetchTimer = setTimeout(() => {
      this.#fetchTimer = undefined;
      if (this.#rangeMoved) this.#fetchShown();
      this.#rangeMoved = false;
    }, fetchIntervalMs);
  }

  /**
   * The loaded rows of the pages on screen: what a part asks about the rows shown (usage badges)
   * reads these, never all the slots (a million, mostly holes, which some array methods visit one by one).
   */
  shownRows(): Asset[] {
    const size = this.#options.pageSize;
    const { items } = this.state;
    const from = Math.floor(this.#range[0] / size) * size;
    const to = Math.min(items.length, (Math.floor(this.#range[1] / size) + 1) * size);
    return items.slice(from, to).filter(Boolean);
  }

  /** Loads the next page after the last slot, if there may be one and none is loading; retries failed pages on screen. */
  loadMore(): Promise<void> {
    const { hasMore, loadingMore, status, items } = this.state;
    if (this.state.error && status === 'ready') this.#set({ error: undefined });
    if (this.#counted) this.#fetchShown();
    if (!hasMore || loadingMore || status !== 'ready') return Promise.resolve();
    this.#set({ loadingMore: true });
    return this.#fetchPage(Math.ceil(items.length / this.#options.pageSize), items.length);
  }

  /** Moves the row at `from` to `to` (a collection reordered here; the server is told by the caller). */
  move(from: number, to: number): void {
    const { items } = this.state;
    if (!items[from] || to < 0 || to >= items.length) return;
    const [row] = items.splice(from, 1);
    items.splice(to, 0, row!);
    this.#set({ revision: this.state.revision + 1 });
  }

  /** Shows a file's new state (an edit) where it is listed. */
  replace(file: MediaFile): void {
    const { items } = this.state;
    const index = items.findIndex((a) => a !== undefined && a.type !== 'folder' && a.fileId === file.fileId);
    if (index < 0) return;
    items[index] = file;
    this.#set({ revision: this.state.revision + 1 });
  }

  /** Stops whatever is loading (the element was closed or removed); the next load starts afresh. */
  cancel(): void {
    this.#abortAll();
    if (this.state.status === 'loading') this.state = { ...this.state, status: 'idle' };
  }

  #abortAll(): void {
    this.#inFlight?.abort();
    this.#inFlight = undefined;
    for (const page of this.#fetching.values()) page.abort();
    this.#fetching.clear();
    clearTimeout(this.#fetchTimer);
    this.#fetchTimer = undefined;
  }

  /** What the list and the count are asked for: a folder's children, or a search under it (or in a collection). */
  #where() {
    const { folder, query, collection } = this.state;
    if (collection) return { searchQuery: allOf(condition('collection', '=', collection.id), query) };
    return query
      ? // A search covers the folder and everything under it.
        { searchQuery: allOf(folder === '/' ? undefined : condition('path', ':', `${folder}/`), query) }
      : { type: 'all' as const, path: folder };
  }

  /** A page: of `GET /v1/files`, or of a collection's items (in its order, searched inside). */
  #list(client: MediaClient, params: ListAssetsParams, options: RequestOptions): Promise<Asset[]> {
    const { collection, query } = this.state;
    if (!collection) return client.listAssets(params, options);
    return listCollectionItems(
      client,
      collection.id,
      {
        ...(params.limit !== undefined && { limit: params.limit }),
        ...(params.skip !== undefined && { skip: params.skip }),
        ...(query && { searchQuery: query }),
      },
      options,
    );
  }

  /** A search under a folder matches the folder itself (its path has the prefix); it is left out. */
  #listed(page: Asset[]): Asset[] {
    const { query, folder } = this.state;
    return query
      ? page.filter((a) => a.type !== 'folder' || normalizeFolderPath(a.folderPath) !== folder)
      : page;
  }

  /** The first page (of `size` rows) and the count, replacing whatever is listed. */
  async #fetchFirst(size = this.#options.pageSize, sent?: () => void): Promise<void> {
    this.#abortAll();
    const controller = new AbortController();
    this.#inFlight = controller;
    const { signal } = controller;
    const { sort, query } = this.state;
    const client = this.#client;
    if (!client) return sent?.();
    // A collection lists in its own order.
    const byType = (sort === 'ASC_TYPE' || sort === 'DESC_TYPE') && !this.state.collection;
    // One more row than the page for a search, in case the folder itself is among them.
    const limit = byType ? typeSortLimit : size + (query ? 1 : 0);
    const where = this.#where();
    // `GET /_ml/count` is the media server's; other backends have none, and page one after another.
    const counting = byType
      ? undefined
      : client
          .request<RowCount>('GET', '/_ml/count', { query: { ...where, limit: String(countLimit) }, signal })
          .then(
            (count) => (typeof count?.count === 'number' ? count : undefined),
            () => undefined,
          );
    try {
      const page = await this.#list(
        client,
        { sort: byType ? 'ASC_NAME' : (sort as SortOrder), limit, skip: 0, ...where },
        { signal, ...(sent && { sent }) },
      );
      if (signal.aborted) return;
      const found = this.#listed(page);
      const shift = page.length - found.length;
      const rows = byType ? sortByType(found, sort === 'DESC_TYPE') : found.slice(0, size);
      const hasMore = !byType && page.length === limit;
      this.#shift = shift;
      this.#counted = false;
      this.#exact = !hasMore;
      this.#pages.clear();
      for (let p = 0; p * this.#options.pageSize < rows.length; p++) this.#pages.set(p, this.#tick);
      this.#set({
        items: rows,
        hasMore,
        revision: this.state.revision + 1,
        status: 'ready',
        loadingMore: false,
        error: undefined,
        // Everything is here: count it. Otherwise the server's count says.
        ...(!hasMore && { total: { count: rows.filter((a) => a.type !== 'folder').length, exact: true } }),
      });
      if (!hasMore) return;
      const count = await counting;
      if (signal.aborted || !count) return;
      this.#applyCount(count);
      this.#fetchShown();
    } catch (error) {
      if (isAbortError(error) || signal.aborted) return;
      this.#fail(error, true);
    }
  }

  /** Sizes `items` from the server's count of rows; beyond an inexact count, pages come one after another. */
  #applyCount(count: RowCount): void {
    const { items } = this.state;
    this.#counted = true;
    this.#exact = count.exact;
    this.#folders = count.folders ?? 0;
    items.length = Math.max(0, count.count - this.#shift);
    const files = count.count - (count.folders ?? 0);
    this.#set({
      hasMore: !count.exact,
      revision: this.state.revision + 1,
      total: { count: files, exact: count.exact },
    });
  }

  async #refreshCounted(): Promise<void> {
    this.#abortAll();
    const controller = new AbortController();
    this.#inFlight = controller;
    const { signal } = controller;
    const client = this.#client;
    if (!client) return;
    const count = await client
      .request<RowCount>('GET', '/_ml/count', {
        query: { ...this.#where(), limit: String(countLimit) },
        signal,
      })
      .catch(() => undefined);
    if (signal.aborted) return;
    const shown = this.#shownPages();
    // Pages off screen may have changed too: dropped, to be fetched again when shown.
    this.#evict((page) => !shown.includes(page));
    if (count && typeof count.count === 'number') this.#applyCount(count);
    await Promise.all(shown.map((page) => this.#fetchPage(page)));
  }

  /** The page numbers under the rows on screen, within what is known. */
  #shownPages(): number[] {
    const size = this.#options.pageSize;
    const last = Math.min(this.#range[1], this.state.items.length - 1);
    const pages: number[] = [];
    for (let p = Math.floor(this.#range[0] / size); p * size <= last; p++) pages.push(p);
    return pages;
  }

  /** Fetches the pages on screen that are neither loaded nor on their way, stops those no longer near it, evicts far ones. */
  #fetchShown(): void {
    const { status, hasMore, items, loadingMore } = this.state;
    if (status !== 'ready') return;
    // The end of what is known came into view: the next page follows it.
    if (hasMore && !loadingMore && this.#range[1] >= items.length - 1) void this.loadMore();
    if (!this.#counted) return;
    const shown = this.#shownPages();
    const tick = ++this.#tick;
    for (const page of shown) {
      if (this.#pages.has(page)) this.#pages.set(page, tick);
      else if (!this.#fetching.has(page)) void this.#fetchPage(page);
    }
    const [low, high] = [(shown[0] ?? 0) - 1, (shown.at(-1) ?? 0) + 1];
    for (const [page, request] of this.#fetching) {
      if (page >= low && page <= high) continue;
      request.abort();
      this.#fetching.delete(page);
    }
    const keep = Math.max(shown.length + 2, Math.ceil(keptRows / this.#options.pageSize));
    if (this.#pages.size > keep) {
      const oldest = [...this.#pages].sort((a, b) => a[1] - b[1]).slice(0, this.#pages.size - keep);
      const evicted = new Set(oldest.map(([page]) => page));
      this.#evict((page) => evicted.has(page));
    }
  }

  /** Empties the slots of the loaded pages `which` picks. */
  #evict(which: (page: number) => boolean): void {
    const { items } = this.state;
    const size = this.#options.pageSize;
    let changed = false;
    for (const page of [...this.#pages.keys()]) {
      if (!which(page)) continue;
      this.#pages.delete(page);
      for (let i = page * size; i < Math.min(items.length, (page + 1) * size); i++) delete items[i];
      changed = true;
    }
    if (changed) this.#set({ revision: this.state.revision + 1 });
  }

  /**
   * Page `page` of slots, fetched by `skip` (the folder itself, left out of a search, shifts
   * them by one); `append` when it extends the slots (the next page of an inexact or unknown count).
   */
  async #fetchPage(page: number, append?: number): Promise<void> {
    const client = this.#client;
    const listing = this.#inFlight;
    if (!client || !listing) return;
    const size = this.#options.pageSize;
    const request = new AbortController();
    const signal = AbortSignal.any([listing.signal, request.signal]);
    if (append === undefined) this.#fetching.set(page, request);
    const first = append ?? page * size;
    const shift = this.#shift;
    const fromEnd = append === undefined ? this.#fromEnd(first) : undefined;
    try {
      const found = await this.#list(
        client,
        fromEnd ?? {
          sort: this.state.sort as SortOrder,
          skip: first === 0 ? 0 : first + shift,
          limit: first === 0 ? size + shift : size,
          ...this.#where(),
        },
        { signal },
      );
      if (signal.aborted) return;
      const rows = fromEnd ? found.reverse() : this.#listed(found).slice(0, size);
      const { items } = this.state;
      for (const [i, row] of rows.entries())
        if (append !== undefined || first + i < items.length) items[first + i] = row;
      // Fewer rows than before (some were deleted): the rest of the page's slots empty.
      if (append === undefined)
        for (let i = first + rows.length; i < Math.min(items.length, first + size); i++) delete items[i];
      if (append === undefined) this.#pages.set(page, this.#tick);
      else
        for (let p = Math.floor(first / size); p * size < items.length; p++) this.#pages.set(p, this.#tick);
      this.#fetching.delete(page);
      this.#set({
        revision: this.state.revision + 1,
        loadingMore: false,
        error: undefined,
        ...(append !== undefined && { hasMore: !this.#exact && found.length === size }),
      });
    } catch (error) {
      this.#fetching.delete(page);
      if (isAbortError(error) || signal.aborted) return;
      this.#fail(error, false);
    }
  }

  /**
   * A page in the far half of an exactly counted folder or search, asked for from the end: the
   * files in the opposite order, skipping the fewer rows after it (a database walks a skip row by
   * row, so End in a million files would wait for a walk past all of them), then reversed here.
   * Folders stay first either way, so only pages wholly among the files qualify.
   */
  #fromEnd(first: number): ListAssetsParams | undefined {
    const { sort, collection, items } = this.state;
    const folders = this.#folders;
    if (!this.#counted || !this.#exact || this.#shift !== 0 || collection || /_TYPE$/.test(sort))
      return undefined;
    if (first < folders || first - folders < (items.length - folders) / 2) return undefined;
    const last = Math.min(items.length, first + this.#options.pageSize) - 1;
    const reversed = (
      sort.startsWith('ASC_') ? sort.replace('ASC_', 'DESC_') : sort.replace('DESC_', 'ASC_')
    ) as SortOrder;
    // Row r of the listing is row (rows - 1 - r + folders) of the reversed one.
    return {
      sort: reversed,
      skip: items.length - 1 - last + folders,
      limit: last - first + 1,
      ...this.#where(),
    };
  }

  #fail(error: unknown, first: boolean): void {
    const failure =
      error instanceof MediaApiError
        ? error
        : new MediaApiError(String((error as Error)?.message ?? error), { status: 0, source: 'api' });
    // A failed later page keeps what is shown; the grid offers a retry.
    this.#set(first ? { status: 'error', error: failure } : { loadingMore: false, error: failure });
    this.#options.onError?.(failure);
  }

  #set(change: Partial<ListingState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.#listeners) listener();
  }
}

const kindOrder = (asset: Asset) => (asset.type === 'folder' ? '' : asset.mime);

function sortByType(items: Asset[], descending: boolean): Asset[] {
  const sorted = [...items].sort((a, b) => {
    // Folders stay first whichever way the type sort runs.
    if ((a.type === 'folder') !== (b.type === 'folder')) return a.type === 'folder' ? -1 : 1;
    const byKind = kindOrder(a).localeCompare(kindOrder(b));
    return (descending ? -byKind : byKind) || a.name.localeCompare(b.name);
  });
  return sorted;
}
