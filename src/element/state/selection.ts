import type { MediaFile } from '../../shared/wire.js';

export interface SelectionLimits {
  multiple: boolean;
  /** 0: no limit. */
  maxFiles: number;
}

/** What a change did: `limited` when `max-files` (or single mode) kept some files out. */
export interface SelectionChange {
  changed: boolean;
  limited: boolean;
}

/**
 * The files the user picked, in the order picked, kept across folders and searches. Enforces
 * `multiple` and `max-files`; never holds folders.
 */
export class Selection {
  #files = new Map<string, MediaFile>();
  /** Index in the listing where the last plain or toggle click happened; Shift ranges start here. */
  anchor = -1;
  limits: SelectionLimits = { multiple: false, maxFiles: 0 };

  get size(): number {
    return this.#files.size;
  }

  has(fileId: string): boolean {
    return this.#files.has(fileId);
  }

  /** Keeps a selected file's newest state (after an edit). */
  update(file: MediaFile): void {
    if (this.#files.has(file.fileId)) this.#files.set(file.fileId, file);
  }

  list(): MediaFile[] {
    return [...this.#files.values()];
  }

  /** How many files may be selected at once. */
  get capacity(): number {
    if (!this.limits.multiple) return 1;
    return this.limits.maxFiles > 0 ? this.limits.maxFiles : Number.POSITIVE_INFINITY;
  }

  /** Selects exactly `files` (as many as fit). */
  replace(files: MediaFile[]): SelectionChange {
    const before = this.#key();
    const kept = files.slice(0, this.capacity);
    this.#files = new Map(kept.map((f) => [f.fileId, f]));
    return { changed: this.#key() !== before, limited: kept.length < files.length };
  }

  /** Adds `files` to the selection (as many as fit). */
  add(files: MediaFile[]): SelectionChange {
    if (!this.limits.multiple) return this.replace(files.slice(-1));
    const before = this.#key();
    let limited = false;
    for (const file of files) {
      if (this.#files.has(file.fileId)) continue;
      if (this.#files.size >= this.capacity) {
        limited = true;
        break;
      }
      this.#files.set(file.fileId, file);
    }
    return { changed: this.#key() !== before, limited };
  }

  /** Selects `file` if it is not selected, else deselects it. */
  toggle(file: MediaFile): SelectionChange {
    if (this.#files.has(file.fileId)) {
      this.#files.delete(file.fileId);
      return { changed: true, limited: false };
    }
    return this.add([file]);
  }

  clear(): SelectionChange {
    const changed = this.#files.size > 0;
    this.#files.clear();
    return { changed, limited: false };
  }

  /** Drops files beyond a new, smaller limit. */
  enforceLimits(): SelectionChange {
    return this.replace(this.list());
  }

  #key(): string {
    return [...this.#files.keys()].join('\n');
  }
}
