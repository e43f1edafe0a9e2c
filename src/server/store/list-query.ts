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
  fileType?: FileType;
  /** A compiled searchQuery. */
  filter?: Filter;
  sort: { column: SortColumn; direction: 'asc' | 'desc' };
  limit: number;
  skip: number;
}
