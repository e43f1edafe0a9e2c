/**
 * Wire types of the asset lifecycle (docs/server.md): where files are used (`/_ml/references`)
 * and the trash (`/_ml/trash`).
 */

/** `PUT /_ml/references`: the files one place (a CMS entry) uses now, replacing what it used before. */
export interface ReferencesInput {
  /** Where the place lives, e.g. `wordpress:https://site.example`. */
  source: string;
  /** The place within its source, e.g. `post/42`. */
  key: string;
  /** What an editor calls the place: the entry's title. */
  title: string;
  /** Where an editor opens the place (http or https). */
  url?: string;
  fileIds: string[];
}

/** One place that uses a file (`GET /_ml/files/{id}/references`). */
export interface FileReference {
  source: string;
  key: string;
  title: string;
  url: string | null;
  /** ISO 8601: when the place last reported. */
  updatedAt: string;
}

/** A deleted file or folder in the trash (`GET /_ml/trash`). */
export interface TrashItem {
  /** The file's fileId, or the folder's folderId. */
  id: string;
  type: 'file' | 'folder';
  name: string;
  /** Where it was, and where a restore puts it back: `/a/b.png`, or `/a/b/` for a folder. */
  path: string;
  /** Bytes of every version it holds. */
  size: number;
  /** Files it holds (1 for a file). */
  fileCount: number;
  deletedBy: string | null;
  /** ISO 8601. */
  deletedAt: string;
  /** ISO 8601: when it is removed for good. */
  purgeAt: string;
}

export interface TrashPage {
  items: TrashItem[];
  /** Items the caller's trash holds in all. */
  total: number;
  /** Days an item stays; 0 when deletes remove at once. */
  trashDays: number;
}

/** `POST /_ml/trash/restore`. */
export interface RestoreRequest {
  fileIds?: string[];
  folderIds?: string[];
  /** When something sits at an item's old path now: `fail` (409, the default) or `rename` (a new name beside it). */
  onConflict?: 'fail' | 'rename';
}

export interface RestoreAnswer {
  restored: Array<{ id: string; type: 'file' | 'folder'; path: string }>;
}
