import type { AuditActor } from '../../shared/audit.js';
import type { ServerContext } from '../context.js';
import { messages, notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import { appendAudit } from './audit.js';
import { deleteBlobs, deleteDerived } from './blobs.js';
import { newId } from './ids.js';
import {
  folderChain,
  lastSegment,
  normalizeFolder,
  parentOf,
  sanitizeFolderName,
  toWireFolderPath,
} from './naming.js';
import { trashEnabled, trashFolder, trashTarget } from './trashing.js';

/** Creates `folder` and any missing ancestors; existing ones are left as they are. */
export async function ensureFolderChain(store: Store, folder: string, now: number): Promise<void> {
  for (const path of folderChain(folder)) {
    await store.folders.insertIfMissing({
      folderId: newId(now),
      path,
      parent: parentOf(path),
      name: lastSegment(path),
      customMetadata: {},
      createdAt: now,
      updatedAt: now,
    });
  }
}

/** The folder `POST /v1/folder` makes, in the `/a/b/` form. */
export function newFolderPath(folderName: string, parentFolderPath: string): string {
  return normalizeFolder(`${normalizeFolder(parentFolderPath)}${sanitizeFolderName(folderName)}`);
}

/** `POST /v1/folder`: creating a folder that exists already is not an error (ImageKit answers 201). */
export async function createFolder(
  ctx: ServerContext,
  folderName: string,
  parentFolderPath: string,
  actor: AuditActor,
): Promise<void> {
  const folder = newFolderPath(folderName, parentFolderPath);
  const now = Date.now();
  await ctx.store.transaction(async (store) => {
    await ensureFolderChain(store, folder, now);
    await appendAudit(store, actor, { action: 'folder.create', path: folder }, now);
  });
}

/** `DELETE /v1/folder`: the folder, its subfolders and every file (all versions) inside them; to the trash when it is on. */
export async function deleteFolder(ctx: ServerContext, folderPath: string, actor: AuditActor): Promise<void> {
  const folder = normalizeFolder(folderPath);
  if (folder === '/') throw notFound(messages.folderNotFound(folderPath), { reason: 'FOLDER_NOT_FOUND' });
  if (trashEnabled(ctx)) {
    const trashed = await ctx.store.transaction(async (store) => {
      const record = await store.folders.get(folder);
      if (!record) {
        throw notFound(messages.folderNotFound(toWireFolderPath(folder)), { reason: 'FOLDER_NOT_FOUND' });
      }
      const moved = await trashFolder(store, record, actor, ctx.config.trashDays);
      await appendAudit(store, actor, {
        action: 'folder.delete',
        path: folder,
        target: trashTarget(moved.item),
      });
      return moved;
    });
    await deleteDerived(ctx, trashed.blobKeys);
    return;
  }
  const blobKeys = await ctx.store.transaction(async (store) => {
    if (!(await store.folders.get(folder))) {
      throw notFound(messages.folderNotFound(toWireFolderPath(folder)), { reason: 'FOLDER_NOT_FOUND' });
    }
    await store.versionData.forget((await store.files.versionsInTree(folder)).map((v) => v.versionId));
    const keys = await store.files.deleteInTree(folder);
    await store.folders.deleteTree(folder);
    await store.blobJournal.add(keys, Date.now());
    await appendAudit(store, actor, { action: 'folder.delete', path: folder });
    return keys;
  });
  await deleteBlobs(ctx, blobKeys);
}
