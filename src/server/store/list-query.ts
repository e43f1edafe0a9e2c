import type { FileType } from '../../shared/wire.js';
import type { Filter } from '../search/filter.js';

export type SortColumn = 'name' | 'createdAt' | 'updatedAt' | 'height' | 'width' | 'size';

/** One page of a listing or search: folders (listed first), current files and older versions. */
export interface ListQuery {
  /** Which rows: folders (always listed first), current files, older versions. */
  include: { folders: boolean; files: boolean; versions: boolean };
  /** Only direct children of this folder (trailing slash); everything when absent. */
  folder?: string;
  /** Only what lies inside this folder, at any depth (a session's scope); trailing slash. */
  within?: string;
  /**
   * Only what a member's grants reach (src/server/auth/user-access.ts): files and folders in these
   * folder trees, these files, and (folders only) the folders above them. Nothing when all are empty.
   */
  granted?: GrantedSet;
  /** Only the files of this collection; in its own order (`inItsOrder`) rather than by `sort`. */
  collection?: { id: string; inItsOrder: boolean };
  fileType?: FileType;
  /** A compiled searchQuery. */
  filter?: Filter;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  limit: number;
  skip: number;
}

/** A member's grants as a listing narrows to them. */
export interface GrantedSet {
  /** Folder trees (`/a/b/`): everything at or below. */
  trees: string[];
  fileIds: string[];
  /** Folders listed (not opened) because something below them is granted. */
  above: string[];
}
