import type { Principal } from '../auth/principal.js';
import type { FileRecord, Store } from '../store/store.js';

/** A collection as a share link sees it: its name and its files, in order. */
export interface SharedCollection {
  name: string;
  files: FileRecord[];
}

/**
 * The one place share links meet collections (issue 22's other half, built beside them): the
 * collection `collectionId` and its current files, or undefined when there is none, or when
 * `principal` (null on the public page: the link is the permission) may not share it. Until
 * collections land, there are none, so a link to a collection is a 404.
 */
export async function collectionFiles(
  _store: Store,
  _principal: Principal | null,
  _collectionId: string,
): Promise<SharedCollection | undefined> {
  return undefined;
}
