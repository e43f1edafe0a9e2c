import { isAbortError, MediaApiError } from '../../client/errors.js';
import type { MediaClient } from '../../client/media-client.js';
import type { MediaFolder } from '../../shared/wire.js';
import { isWithin, normalizeFolderPath } from './listing.js';

export interface FolderNode {
  /** `/` or `/a/b`. */
  path: string;
  name: string;
  /** 1 for the root. */
  level: number;
  /** Child paths once loaded; undefined until then. */
  children: string[] | undefined;
  expanded: boolean;
  loading: boolean;
  error: MediaApiError | undefined;
}

/** A visible row of the tree, in display order, with its position among its siblings. */
export interface FolderRow {
  node: FolderNode;
  setSize: number;
  posInSet: number;
}

const pageSize = 1000;

/**
 * The folder tree: children load when a folder is first expanded, a page of 1000 at a time.
 * No DOM here; the folder-tree part renders `rows()`.
 */
export class FolderTree {
  #nodes = new Map<string, FolderNode>();
  #root = '/';
  #client: MediaClient | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #requests = new Map<string, Promise<void>>();

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts over at `root` (the element's root folder). */
  reset(root: string, client: MediaClient | undefined): void {
    this.#root = normalizeFolderPath(root);
    this.#client = client;
    this.#requests.clear();
    this.#nodes = new Map([[this.#root, this.#node(this.#root, 1)]]);
    this.#notify();
  }

  get rootPath(): string {
    return this.#root;
  }

  get(path: string): FolderNode | undefined {
    return this.#nodes.get(path);
  }

  /** Expands `path`, loading its children the first time. */
  async expand(path: string): Promise<void> {
    const node = this.#nodes.get(path);
    if (!node) return;
    node.expanded = true;
    this.#notify();
    if (node.children === undefined) await this.#loadChildren(path);
  }

  collapse(path: string): void {
    const node = this.#nodes.get(path);
    if (!node?.expanded) return;
    node.expanded = false;
    this.#notify();
  }

  /** Expands `path` and its ancestors (from the root down), so it and its subfolders show. */
  async reveal(path: string): Promise<void> {
    const target = normalizeFolderPath(path);
    if (!isWithin(target, this.#root)) return;
    const rest = target
      .slice(this.#root === '/' ? 1 : this.#root.length + 1)
      .split('/')
      .filter(Boolean);
    let current = this.#root;
    await this.expand(current);
    for (const part of rest) {
      current = current === '/' ? `/${part}` : `${current}/${part}`;
      if (!this.#nodes.has(current)) return;
      await this.expand(current);
    }
  }

  /** Reloads a folder's children (after a folder was created in it). */
  async reload(path: string): Promise<void> {
    const node = this.#nodes.get(path);
    if (!node) return;
    this.#requests.delete(path);
    node.expanded = true;
    await this.#loadChildren(path);
  }

  /** The rows on screen: the root, then each expanded folder's children, depth first. */
  rows(): FolderRow[] {
    const out: FolderRow[] = [];
    const walk = (path: string, setSize: number, posInSet: number) => {
      const node = this.#nodes.get(path);
      if (!node) return;
      out.push({ node, setSize, posInSet });
      if (!node.expanded || !node.children) return;
      node.children.forEach((child, i) => {
        walk(child, node.children!.length, i + 1);
      });
    };
    walk(this.#root, 1, 1);
    return out;
  }

  #loadChildren(path: string): Promise<void> {
    let request = this.#requests.get(path);
    if (!request) {
      request = this.#fetchChildren(path);
      this.#requests.set(path, request);
    }
    return request;
  }

  async #fetchChildren(path: string): Promise<void> {
    const node = this.#nodes.get(path);
    if (!node || !this.#client) return;
    node.loading = true;
    node.error = undefined;
    this.#notify();
    try {
      const folders: MediaFolder[] = [];
      for (let skip = 0; ; skip += pageSize) {
        const page = await this.#client.listAssets({
          type: 'folder',
          path,
          sort: 'ASC_NAME',
          limit: pageSize,
          skip,
        });
        folders.push(...(page.filter((a) => a.type === 'folder') as MediaFolder[]));
        if (page.length < pageSize) break;
      }
      const children: string[] = [];
      for (const folder of folders) {
        const child = normalizeFolderPath(folder.folderPath);
        if (child === path || !isWithin(child, this.#root)) continue;
        children.push(child);
        if (!this.#nodes.has(child)) this.#nodes.set(child, this.#node(child, node.level + 1, folder.name));
      }
      node.children = children;
    } catch (error) {
      if (!isAbortError(error)) {
        node.error = error instanceof MediaApiError ? error : undefined;
        this.#requests.delete(path);
      }
    } finally {
      node.loading = false;
      this.#notify();
    }
  }

  #node(path: string, level: number, name?: string): FolderNode {
    return {
      path,
      name: name ?? path.split('/').pop() ?? '',
      level,
      children: undefined,
      expanded: false,
      loading: false,
      error: undefined,
    };
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
