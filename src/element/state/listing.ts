import { isAbortError, MediaApiError } from '../../client/errors.js';
import type { MediaClient, SortOrder } from '../../client/media-client.js';
import { allOf, condition } from '../../client/search-query.js';
import type { Asset, MediaFile } from '../../shared/wire.js';
import { emptySearch, type SearchState, searchQueryOf } from './search.js';

/** ImageKit's sorts, plus sorting by type, which ImageKit lacks and the list view does on the client. */
export type ListSort = SortOrder | 'ASC_TYPE' | 'DESC_TYPE';

/** Sorting by type reads one page this large and sorts it here. */
export const typeSortLimit = 1000;

export interface ListingState {
  /** Current folder, as ImageKit writes folder paths: `/` or `/a/b`. */
  folder: string;
  search: SearchState;
  /** The search as sent (`''` when browsing). */
  query: string;
  sort: ListSort;
  /** Folders first, then files, in the order the server gave. */
  items: Asset[];
  /** More pages may follow. */
  hasMore: boolean;
  status: 'idle' | 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  error: MediaApiError | undefined;
  /** Files in the folder or search: `{ count, exact }` (at least `count` when not exact); unknown while undefined. */
  total: ListingTotal | undefined;
}

/** What `GET /_ml/count` answers: exact up to the server's limit, `exact: false` beyond it. */
export interface ListingTotal {
  count: number;
  exact: boolean;
}

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
 * The listing the grid shows: a folder's children or a search under it, paged with limit/skip
 * as the user scrolls. Changing folder, search or sort cancels whatever is in flight.
 */
export class Listing {
  state: ListingState = {
    folder: '/',
    search: emptySearch,
    query: '',
    sort: 'DESC_CREATED',
    items: [],
    hasMore: false,
    status: 'idle',
    loadingMore: false,
    error: undefined,
    total: undefined,
  };
  #client: MediaClient | undefined;
  #inFlight: AbortController | undefined;
  /** Rows the server has sent for this listing (the next page's skip), counting any left out. */
  #fetched = 0;
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

  /** Sets where and what to list, then loads the first page; asking again for what is shown (or on its way) sends nothing. */
  load(change: Partial<Pick<ListingState, 'folder' | 'search' | 'sort'>> = {}): Promise<void> {
    const { folder, query, sort, status } = this.state;
    const next = { ...this.state, ...change, query: searchQueryOf({ ...this.state, ...change }.search) };
    const same = next.folder === folder && next.query === query && next.sort === sort;
    if (same && (status === 'ready' || status === 'loading')) {
      this.#set({ search: next.search });
      return Promise.resolve();
    }
    this.#set({ ...next, items: [], hasMore: false, status: 'loading', error: undefined, total: undefined });
    return this.#fetchPage(true);
  }

  /**
   * Loads the folder or search again, as many rows as were loaded (up to 1000). What is shown
   * stays until the answer replaces it, so the grid keeps its scroll position.
   */
  refresh(): Promise<void> {
    return this.#fetchPage(true, Math.min(1000, Math.max(this.#options.pageSize, this.#fetched)));
  }

  /** Loads the next page, if there is one and none is loading. */
  loadMore(): Promise<void> {
    const { hasMore, loadingMore, status } = this.state;
    if (!hasMore || loadingMore || status !== 'ready') return Promise.resolve();
    this.#set({ loadingMore: true });
    return this.#fetchPage(false);
  }

  /** Shows a file's new state (an edit) where it is listed. */
  replace(file: MediaFile): void {
    this.#set({
      items: this.state.items.map((a) => (a.type !== 'folder' && a.fileId === file.fileId ? file : a)),
    });
  }

  /** Stops whatever is loading (the element was closed or removed); the next load starts afresh. */
  cancel(): void {
    this.#inFlight?.abort();
    this.#inFlight = undefined;
    if (this.state.status === 'loading') this.state = { ...this.state, status: 'idle' };
  }

  /** The first page (of `size` rows), or the next one. */
  async #fetchPage(first: boolean, size = this.#options.pageSize): Promise<void> {
    if (first) this.#inFlight?.abort();
    const controller = first || !this.#inFlight ? new AbortController() : this.#inFlight;
    const { signal } = controller;
    this.#inFlight = controller;
    const { folder, query, sort, items } = this.state;
    const client = this.#client;
    if (!client) return;
    const byType = sort === 'ASC_TYPE' || sort === 'DESC_TYPE';
    const limit = byType ? typeSortLimit : size;
    const where = query
      ? // A search covers the folder and everything under it.
        { searchQuery: allOf(folder === '/' ? undefined : condition('path', ':', `${folder}/`), query) }
      : { type: 'all' as const, path: folder };
    try {
      const page = await client.listAssets(
        { sort: byType ? 'ASC_NAME' : sort, limit, skip: first ? 0 : this.#fetched, ...where },
        { signal },
      );
      if (signal.aborted) return;
      this.#fetched = (first ? 0 : this.#fetched) + page.length;
      // A search under a folder matches the folder itself (its path has the prefix); leave it out.
      const found = query
        ? page.filter((a) => a.type !== 'folder' || normalizeFolderPath(a.folderPath) !== folder)
        : page;
      const hasMore = !byType && page.length === limit;
      const all = byType ? sortByType(found, sort === 'DESC_TYPE') : first ? found : [...items, ...found];
      this.#set({
        items: all,
        hasMore,
        status: 'ready',
        loadingMore: false,
        error: undefined,
        // Everything is here: count it. Otherwise the server is asked, once per listing.
        ...(!hasMore && { total: { count: all.filter((a) => a.type !== 'folder').length, exact: true } }),
      });
      // `GET /_ml/count` is the media server's; other backends have none, and show no count.
      if (first && hasMore)
        client.request<ListingTotal>('GET', '/_ml/count', { query: { ...where, type: 'file' }, signal }).then(
          (total) => typeof total?.count === 'number' && !signal.aborted && this.#set({ total }),
          () => undefined,
        );
    } catch (error) {
      if (isAbortError(error) || signal.aborted) return;
      const failure =
        error instanceof MediaApiError
          ? error
          : new MediaApiError(String((error as Error)?.message ?? error), { status: 0, source: 'api' });
      // A failed next page keeps what is shown; the grid offers a retry at its end.
      this.#set(first ? { status: 'error', error: failure } : { loadingMore: false, error: failure });
      this.#options.onError?.(failure);
    }
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
