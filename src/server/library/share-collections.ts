import type { Principal } from '../auth/principal.js';
import { forbidden } from '../errors.js';
import type { FileRecord, Store } from '../store/store.js';
import { requireCollection } from './collections.js';

/** A collection as a share link sees it: its name and its files, in order. */
export interface SharedCollection {
  name: string;
  files: FileRecord[];
}

/**
 * The one place share links meet collections: the collection `collectionId` and its current files
 * in the collection's order, or undefined when there is none. With a `principal` (making a link),
 * a missing or invisible collection is a 404 and only the whole library may share one: keys,
 * admins, managers, and sessions for the root folder (docs/decisions.md). `principal` null is the
 * public page: the link is the permission.
 */
export async function collectionFiles(
  store: Store,
  principal: Principal | null,
  collectionId: string,
): Promise<SharedCollection | undefined> {
  if (principal) {
    await requireCollection(store, principal, collectionId);
    assertSeesWholeLibrary(principal);
  }
  const record = await store.collections.get(collectionId);
  if (!record) return undefined;
  const ids = await store.collections.itemIds(collectionId);
  const byId = new Map((await store.files.getMany(ids)).map((file) => [file.fileId, file]));
  const files = ids.flatMap((id) => byId.get(id) ?? []);
  return { name: record.name, files };
}

/**
 * A collection holds files from any folders, and others may add to it after the link is made: a
 * public link to it is only for those who may see every file (a member could otherwise publish
 * files its grants never reached).
 */
function assertSeesWholeLibrary(principal: Principal): void {
  const member = principal.user?.reach !== undefined;
  const narrowed = principal.scope !== undefined && principal.scope.folder !== '/';
  if (!member && !narrowed) return;
  throw forbidden(
    'A link to a collection can be made only by an API key, an admin or a manager: it can hold files from any folder, including ones you cannot see.',
    { reason: 'PERMISSION_DENIED' },
  );
}
