import type { Readable } from 'node:stream';
import type { BlobStorage, ByteRange } from '../storage/blob-storage.js';
import type { Store } from '../store/store.js';
import { derivedTreeFor } from './blobs.js';

/** A derived image, either just rendered (bytes in hand) or found in storage (size known). */
export type DerivedImage = { bytes: Buffer } | { size: number };

/**
 * The cache of derived images in blob storage, keyed by (original blob, normalised
 * transformation). Concurrent first requests for one image render it once (single-flight, in
 * this process); the result is answered at once and stored behind the response.
 */
export class DerivedImages {
  readonly #storage: BlobStorage;
  readonly #store: Store;
  readonly #flights = new Map<string, Promise<Buffer>>();
  readonly #pending = new Set<Promise<void>>();
  /** Renders started by this process; tests and operators read it to see the cache work. */
  renders = 0;
  /** Told when a render could not be stored (the response went out regardless). */
  onError: (error: unknown) => void = () => {};

  constructor(storage: BlobStorage, store: Store) {
    this.#storage = storage;
    this.#store = store;
  }

  /** `derived/<blob key>/<hash>.<ext>`: one tree per original, so deleting the original drops them all. */
  static keyFor(blobKey: string, hash: string, extension: string): string {
    return `${derivedTreeFor(blobKey)}/${hash}.${extension}`;
  }

  /** The image under `key`: a render in flight, a stored copy, or a new render by `render`. */
  async get(key: string, blobKey: string, render: () => Promise<Buffer>): Promise<DerivedImage> {
    const flying = this.#flights.get(key);
    if (flying) return { bytes: await flying };
    const size = await this.#storage.size(key);
    if (size !== undefined) return { size };
    return { bytes: await this.#render(key, blobKey, render) };
  }

  read(key: string, range?: ByteRange): Promise<Readable> {
    return this.#storage.read(key, range);
  }

  #render(key: string, blobKey: string, render: () => Promise<Buffer>): Promise<Buffer> {
    const existing = this.#flights.get(key);
    if (existing) return existing;
    this.renders++;
    const flight = render();
    this.#flights.set(key, flight);
    const stored = flight
      .then(
        (bytes) => this.#keep(key, blobKey, bytes).catch((error: unknown) => this.onError(error)),
        // A failed render reaches its callers through `flight`; nothing to store.
        () => {},
      )
      .finally(() => {
        this.#flights.delete(key);
        this.#pending.delete(stored);
      });
    this.#pending.add(stored);
    return flight;
  }

  /** Resolves once every render started so far is stored (or has failed); for tests and shutdown. */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  /** Stores the render, unless its original was deleted meanwhile; then its tree goes again. */
  async #keep(key: string, blobKey: string, bytes: Buffer): Promise<void> {
    await this.#storage.write(key, bytes);
    if (!(await this.#store.isBlobReferenced(blobKey)))
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
