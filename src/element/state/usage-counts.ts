import { referenceCounts } from '../../client/lifecycle.js';
import type { MediaClient } from '../../client/media-client.js';
import type { Asset, MediaFile } from '../../shared/wire.js';

/**
 * How many places use each listed file, for the badge on grid cells: the ids of newly loaded
 * items are asked about together (one grouped query per page the listing loads). A backend
 * without `/_ml/references` (ImageKit itself) is asked once, then left alone.
 */
export class UsageCounts {
  /** File id → places; files no place uses are absent. */
  counts = new Map<string, number>();
  /** The backend answered a count: it keeps references (so `used = false` can be searched). */
  supported = false;
  readonly #asked = new Set<string>();
  readonly #changed: () => void;
  #unsupported = false;
  #pending = false;

  constructor(changed: () => void) {
    this.#changed = changed;
  }

  /** Asks about the files shown not asked about yet (call it whenever the listing or what is shown changes). */
  update(client: MediaClient | undefined, items: readonly Asset[]): void {
    if (!client || this.#unsupported || this.#pending) return;
    const ids = items
      .filter((a): a is MediaFile => a.type !== 'folder' && !this.#asked.has(a.fileId))
      .map((a) => a.fileId);
    if (ids.length === 0) return;
    for (const id of ids) this.#asked.add(id);
    this.#pending = true;
    void referenceCounts(client, ids.slice(0, 1000))
      .then((counts) => {
        for (const id of ids) this.counts.delete(id);
        for (const [id, n] of Object.entries(counts)) this.counts.set(id, n);
        this.counts = new Map(this.counts);
        this.supported = true;
        this.#changed();
      })
      .catch(() => {
        this.#unsupported = true;
      })
      .finally(() => {
        this.#pending = false;
        // Items that arrived meanwhile are asked about next time the listing changes.
        if (!this.#unsupported) this.update(client, items);
      });
  }

  /** Asks again about these files (their references may have changed). */
  forget(fileIds: string[]): void {
    for (const id of fileIds) this.#asked.delete(id);
  }
}
