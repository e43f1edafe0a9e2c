import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { BlobStorage, ByteRange } from '../storage/blob-storage.js';
import type { Store } from '../store/store.js';
import { derivedTreeFor } from './blobs.js';
import type { RenderLock, RenderLocks } from './render-locks.js';

/** A derived image, either just rendered (bytes in hand) or found in storage (size known). */
export type DerivedImage = { bytes: Buffer } | { size: number };

/** What a render made: bytes, or a local file (a video) that moves into storage whole. */
export type Rendered = Buffer | { file: string };

/** How often a node waiting for another node's render looks for it in storage. */
const waitStepMs = 50;

/** A rendition served again within this long is not noted again: one catalog write a minute at most. */
const touchEveryMs = 60_000;
/** Renditions served are noted together, in one catalog write this often at most. */
const touchBatchMs = 1000;
/** Renditions whose last note is remembered in this process; past it the memory starts afresh. */
const touchMemory = 10_000;
/** Renditions evicted per catalog query when the cache is over its budget. */
const evictionBatch = 64;

export interface DerivedImagesOptions {
  /** Render locks across nodes (Redis); single-flight is per process without them. */
  locks?: RenderLocks | undefined;
  /** Bytes the cache may hold; the least recently served renditions are deleted past it. */
  budgetBytes?: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cache of derived images in blob storage, keyed by (original blob, normalised
 * transformation). Concurrent first requests for one image render it once: in this process
 * always, and across nodes when `locks` (Redis) are given, the other nodes waiting for the
 * stored result. A render is answered at once and stored behind the response. Every stored
 * rendition is a row in the catalog with its size and when it was last served, so one budget
 * holds for all nodes and any storage: past it, the least recently served go.
 */
export class DerivedImages {
  readonly #storage: BlobStorage;
  readonly #store: Store;
  readonly #locks: RenderLocks | undefined;
  readonly #budgetBytes: number;
  readonly #flights = new Map<string, Promise<DerivedImage>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #touched = new Map<string, number>();
  readonly #toNote = new Set<string>();
  #noting: NodeJS.Timeout | undefined;
  #trimming: Promise<void> | undefined;
  #trimAgain = false;
  /** Renders started by this process; tests and operators read it to see the cache work. */
  renders = 0;
  /** Told when a render could not be stored (the response went out regardless). */
  onError: (error: unknown) => void = () => {};

  constructor(storage: BlobStorage, store: Store, options: DerivedImagesOptions = {}) {
    this.#storage = storage;
    this.#store = store;
    this.#locks = options.locks;
    this.#budgetBytes = options.budgetBytes ?? Number.POSITIVE_INFINITY;
  }

  /** `derived/<blob key>/<hash>.<ext>`: one tree per original, so deleting the original drops them all. */
  static keyFor(blobKey: string, hash: string, extension: string): string {
    return `${derivedTreeFor(blobKey)}/${hash}.${extension}`;
  }

  /**
   * The image under `key`: a render in flight, a stored copy, or a new render by `render`. A
   * render made as a file (a video) is answered once stored, as its size, to be read in ranges.
   */
  async get(key: string, blobKey: string, render: () => Promise<Rendered>): Promise<DerivedImage> {
    const flying = this.#flights.get(key);
    if (flying) return flying;
    const size = await this.#storage.size(key);
    if (size !== undefined) {
      this.#touch(key);
      return { size };
    }
    const again = this.#flights.get(key);
    if (again) return again;
    const flight = this.#produce(key, blobKey, render);
    this.#flights.set(key, flight);
    // A failed flight is forgotten at once; a render stays in flight until it is stored.
    flight.catch(() => this.#flights.delete(key));
    return flight;
  }

  read(key: string, range?: ByteRange): Promise<Readable> {
    return this.#storage.read(key, range);
  }

  async #produce(key: string, blobKey: string, render: () => Promise<Rendered>): Promise<DerivedImage> {
    let lock: RenderLock | undefined;
    if (this.#locks) {
      lock = await this.#locks.acquire(key).catch((error: unknown) => {
        // Without Redis, render here: the same bytes land under the same key either way.
        this.onError(error);
        return { release: async () => {} };
      });
      if (!lock) {
        const size = await this.#awaitOtherNode(this.#locks, key);
        if (size !== undefined) {
          this.#flights.delete(key);
          return { size };
        }
      }
    }
    this.renders++;
    let rendered: Rendered;
    try {
      rendered = await render();
    } catch (error) {
      await lock?.release().catch(() => {});
      throw error;
    }
    if (!Buffer.isBuffer(rendered)) return this.#keepFile(key, blobKey, rendered.file, lock);
    const bytes = rendered;
    const stored = this.#keep(key, blobKey, bytes)
      .catch((error: unknown) => this.onError(error))
      .finally(async () => {
        await lock?.release().catch(() => {});
        this.#flights.delete(key);
        this.#pending.delete(stored);
      });
    this.#pending.add(stored);
    return { bytes };
  }

  /** Waits while another node renders `key`: its size once stored, or undefined if that node gave up. */
  async #awaitOtherNode(locks: RenderLocks, key: string): Promise<number | undefined> {
    const deadline = Date.now() + locks.ttlMs;
    while (Date.now() < deadline) {
      await pause(waitStepMs);
      const size = await this.#storage.size(key);
      if (size !== undefined) return size;
      if (!(await locks.isHeld(key).catch(() => false))) return this.#storage.size(key);
    }
    return undefined;
  }

  /**
   * Resolves once every render started so far is stored (or has failed) and every rendition
   * served is noted; for tests and shutdown.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
    if (this.#toNote.size > 0) await this.#noteServed();
  }

  /** Moves a rendered file into storage before answering, so it is served (and ranged) from there. */
  async #keepFile(
    key: string,
    blobKey: string,
    file: string,
    lock: RenderLock | undefined,
  ): Promise<DerivedImage> {
    const stored = (async () => {
      const { size } = await stat(file);
      await this.#storage.putFile(key, file);
      await this.#counted(key, blobKey, size);
      return size;
    })();
    const settled = stored.then(
      () => {},
      () => {},
    );
    this.#pending.add(settled);
    try {
      return { size: await stored };
    } finally {
      await lock?.release().catch(() => {});
      this.#flights.delete(key);
      this.#pending.delete(settled);
      await rm(file, { force: true });
    }
  }

  /**
   * Stores the render and counts it against the budget, unless its original was deleted
   * meanwhile; then its tree goes again.
   */
  async #keep(key: string, blobKey: string, bytes: Buffer): Promise<void> {
    await this.#storage.write(key, bytes);
    await this.#counted(key, blobKey, bytes.length);
  }

  async #counted(key: string, blobKey: string, size: number): Promise<void> {
    await this.#store.renditions.record({ key, blobKey, size, lastUsedAt: Date.now() });
    if (!(await this.#store.files.isBlobReferenced(blobKey))) {
      await this.#storage.deleteTree(derivedTreeFor(blobKey));
      await this.#store.renditions.forgetOf([blobKey]);
      return;
    }
    await this.#trim();
  }

  /** Notes a served rendition as recently used: at most once a minute each, a second's worth per write. */
  #touch(key: string): void {
    const now = Date.now();
    if (now - (this.#touched.get(key) ?? 0) < touchEveryMs) return;
    if (this.#touched.size >= touchMemory) this.#touched.clear();
    this.#touched.set(key, now);
    this.#toNote.add(key);
    this.#noting ??= setTimeout(() => {
      this.#noteServed().catch((error: unknown) => this.onError(error));
    }, touchBatchMs).unref();
  }

  async #noteServed(): Promise<void> {
    clearTimeout(this.#noting);
    this.#noting = undefined;
    const keys = [...this.#toNote];
    this.#toNote.clear();
    await this.#store.renditions.touch(keys, Date.now());
  }

  /** Evicts until the cache is within its budget; calls meanwhile make one more pass, not their own. */
  #trim(): Promise<void> {
    if (this.#trimming) {
      this.#trimAgain = true;
      return this.#trimming;
    }
    this.#trimming = (async () => {
      do {
        this.#trimAgain = false;
        await this.#evictOverBudget();
      } while (this.#trimAgain);
    })().finally(() => {
      this.#trimming = undefined;
    });
    return this.#trimming;
  }

  async #evictOverBudget(): Promise<void> {
    let total = await this.#store.renditions.bytes();
    while (total > this.#budgetBytes) {
      const oldest = await this.#store.renditions.leastRecentlyUsed(evictionBatch);
      if (oldest.length === 0) return;
      const evicted: string[] = [];
      for (const rendition of oldest) {
        if (total <= this.#budgetBytes) break;
        await this.#storage.delete(rendition.key);
        evicted.push(rendition.key);
        total -= rendition.size;
      }
      await this.#store.renditions.forget(evicted);
    }
  }

  /** Drops every derived image of these originals (a purge). */
  async dropAll(blobKeys: Iterable<string>): Promise<number> {
    await this.#storesInFlight();
    let dropped = 0;
    for (const blobKey of blobKeys) {
      await this.#storage.deleteTree(derivedTreeFor(blobKey));
      await this.#store.renditions.forgetOf([blobKey]);
      dropped++;
    }
    return dropped;
  }

  /** Renders answered but still being stored would land after a drop (or race its directory removal). */
  async #storesInFlight(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  /** Drops one derived image (a purge of one transformed URL); answers whether it was there. */
  async drop(key: string): Promise<boolean> {
    await this.#storesInFlight();
    const existed = (await this.#storage.size(key)) !== undefined;
    await this.#storage.delete(key);
    await this.#store.renditions.forget([key]);
    return existed;
  }
}
