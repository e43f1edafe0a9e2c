import type { Readable } from 'node:stream';
import type { BlobStorage, ByteRange } from '../storage/blob-storage.js';
import type { Store } from '../store/store.js';
import { derivedTreeFor } from './blobs.js';
import type { RenderLock, RenderLocks } from './render-locks.js';

/** A derived image, either just rendered (bytes in hand) or found in storage (size known). */
export type DerivedImage = { bytes: Buffer } | { size: number };

/** How often a node waiting for another node's render looks for it in storage. */
const waitStepMs = 50;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The cache of derived images in blob storage, keyed by (original blob, normalised
 * transformation). Concurrent first requests for one image render it once: in this process
 * always, and across nodes when `locks` (Redis) are given, the other nodes waiting for the
 * stored result. A render is answered at once and stored behind the response.
 */
export class DerivedImages {
  readonly #storage: BlobStorage;
  readonly #store: Store;
  readonly #locks: RenderLocks | undefined;
  readonly #flights = new Map<string, Promise<DerivedImage>>();
  readonly #pending = new Set<Promise<void>>();
  /** Renders started by this process; tests and operators read it to see the cache work. */
  renders = 0;
  /** Told when a render could not be stored (the response went out regardless). */
  onError: (error: unknown) => void = () => {};

  constructor(storage: BlobStorage, store: Store, locks?: RenderLocks) {
    this.#storage = storage;
    this.#store = store;
    this.#locks = locks;
  }

  /** `derived/<blob key>/<hash>.<ext>`: one tree per original, so deleting the original drops them all. */
  static keyFor(blobKey: string, hash: string, extension: string): string {
    return `${derivedTreeFor(blobKey)}/${hash}.${extension}`;
  }

  /** The image under `key`: a render in flight, a stored copy, or a new render by `render`. */
  async get(key: string, blobKey: string, render: () => Promise<Buffer>): Promise<DerivedImage> {
    const flying = this.#flights.get(key);
    if (flying) return flying;
    const size = await this.#storage.size(key);
    if (size !== undefined) return { size };
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

  async #produce(key: string, blobKey: string, render: () => Promise<Buffer>): Promise<DerivedImage> {
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
    let bytes: Buffer;
    try {
      bytes = await render();
    } catch (error) {
      await lock?.release().catch(() => {});
      throw error;
    }
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

  /** Resolves once every render started so far is stored (or has failed); for tests and shutdown. */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** Stores the render, unless its original was deleted meanwhile; then its tree goes again. */
  async #keep(key: string, blobKey: string, bytes: Buffer): Promise<void> {
    await this.#storage.write(key, bytes);
    if (!(await this.#store.files.isBlobReferenced(blobKey)))
      await this.#storage.deleteTree(derivedTreeFor(blobKey));
  }

  /** Drops every derived image of these originals (a purge). */
  async dropAll(blobKeys: Iterable<string>): Promise<number> {
    let dropped = 0;
    for (const blobKey of blobKeys) {
      await this.#storage.deleteTree(derivedTreeFor(blobKey));
      dropped++;
    }
    return dropped;
  }

  /** Drops one derived image (a purge of one transformed URL); answers whether it was there. */
  async drop(key: string): Promise<boolean> {
    const existed = (await this.#storage.size(key)) !== undefined;
    await this.#storage.delete(key);
    return existed;
  }
}
