import type { AuditActor } from '../../shared/audit.js';
import type { ServerContext } from '../context.js';
import type { FileRecord, FolderRecord, Store, TrashItemRecord } from '../store/store.js';

/**
 * Moving deleted files and folders to the trash (what `DELETE` does while `trashDays` is above 0);
 * restoring, deleting for good and purging are in trash.ts.
 */

const dayMs = 86_400_000;

/** Whether deletes keep what they delete (`trashDays` above 0) or remove it at once, as ImageKit. */
export const trashEnabled = (ctx: Pick<ServerContext, 'config'>) => ctx.config.trashDays > 0;

/** What a move to the trash made, and the blobs it keeps (whose renditions may go). */
export interface Trashed {
  item: TrashItemRecord;
  blobKeys: string[];
}

const deletedByOf = (actor: AuditActor) => actor.name ?? actor.id;

/**
 * Moves a file with every version to the trash, inside the caller's transaction: its rows leave
 * the live tables (so nothing lists, searches, counts or delivers it), its blobs stay.
 */
export async function trashFile(
  store: Store,
  file: FileRecord,
  actor: AuditActor,
  days: number,
  now = Date.now(),
): Promise<Trashed> {
  const versions = await store.files.versions(file.fileId);
  const item: TrashItemRecord = {
    itemId: file.fileId,
    kind: 'file',
    path: file.filePath,
    name: file.name,
    size: versions.reduce((sum, v) => sum + v.size, 0),
    fileCount: 1,
    deletedBy: deletedByOf(actor),
    deletedAt: now,
    purgeAt: now + days * dayMs,
  };
  await store.trash.insert(item, { versions, folders: [] });
  await store.files.delete(file.fileId);
  return { item, blobKeys: versions.map((v) => v.blobKey) };
}

/** Moves a folder, its subfolders and every file inside them to the trash, in the caller's transaction. */
export async function trashFolder(
  store: Store,
  folder: FolderRecord,
  actor: AuditActor,
  days: number,
  now = Date.now(),
): Promise<Trashed> {
  const folders = await store.folders.listTree(folder.path);
  const versions = await store.files.versionsInTree(folder.path);
  const item: TrashItemRecord = {
    itemId: folder.folderId,
    kind: 'folder',
    path: folder.path,
    name: folder.name,
    size: versions.reduce((sum, v) => sum + v.size, 0),
    fileCount: versions.filter((v) => v.isCurrent).length,
    deletedBy: deletedByOf(actor),
    deletedAt: now,
    purgeAt: now + days * dayMs,
  };
  await store.trash.insert(item, { versions, folders });
  await store.files.deleteInTree(folder.path);
  await store.folders.deleteTree(folder.path);
  return { item, blobKeys: versions.map((v) => v.blobKey) };
}

/** The audit target of a move to the trash: when it goes for good. */
export const trashTarget = (item: TrashItemRecord) => ({
  trashedUntil: new Date(item.purgeAt).toISOString(),
});
