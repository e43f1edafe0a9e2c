import type { AuditActor } from '../../shared/audit.js';
import type { Principal } from '../auth/principal.js';
import {
  assertMayManage,
  assertPathInScope,
  grantedSetOf,
  isPathInScope,
  type Scoped,
} from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { ApiError, conflict, notFound } from '../errors.js';
import type { FileRecord, FolderRecord, Store, TrashItemRecord, TrashQuery } from '../store/store.js';
import { appendAudit, systemActor } from './audit.js';
import { deleteBlobs } from './blobs.js';
import { ensureFolderChain } from './folders.js';
import { lastSegment, parentOf, uniqueFileName } from './naming.js';

/** What a listing of the trash shows of the caller's: inside its session's folder, reached by its grants. */
export function trashQueryFor(principal: Scoped, page: { skip: number; limit: number }): TrashQuery {
  const folder = principal?.scope?.folder;
  const granted = grantedSetOf(principal);
  return {
    ...page,
    ...(folder !== undefined && folder !== '/' && { within: folder }),
    ...(granted && { granted }),
  };
}

/** What to do when something already sits where a restore would put an item back. */
export type RestoreConflict = 'fail' | 'rename';

export interface RestoreInput {
  fileIds?: string[];
  folderIds?: string[];
  onConflict?: RestoreConflict;
}

export interface RestoredItem {
  id: string;
  type: 'file' | 'folder';
  /** Where it is now: its old path, or a new name beside it (`onConflict: 'rename'`). */
  path: string;
}

/** The item, if the caller may see it in the trash; 404 otherwise, as for a file outside a session's scope. */
async function visibleItem(
  store: Store,
  principal: Principal | null,
  id: string,
  kind: 'file' | 'folder',
): Promise<TrashItemRecord> {
  const item = await store.trash.get(id);
  if (!item || item.kind !== kind || !isPathInScope(principal, item.path, kind === 'file' ? id : undefined)) {
    throw notFound(`The ${kind} ${id} is not in the trash.`, {
      reason: 'NOT_IN_TRASH',
      help: 'GET /_ml/trash lists what the trash holds; it may have been restored or purged already.',
    });
  }
  return item;
}

/** Restoring and deleting for good both undo or finish a delete: they need what a delete needs. */
function assertMayHandle(principal: Principal | null, item: TrashItemRecord): void {
  assertPathInScope(principal, item.kind === 'folder' ? item.path : parentOf(`${item.path}/`));
  assertMayManage(principal, item.path, item.kind === 'file' ? item.itemId : undefined);
}

/** `/a/b.png` with its name changed to `name` (for a folder `/a/b/`, its last segment). */
function renamedPath(item: TrashItemRecord, name: string): string {
  if (item.kind === 'file') return item.path.slice(0, item.path.length - item.name.length) + name;
  return `${parentOf(item.path)}${name}/`;
}

async function isTaken(store: Store, item: TrashItemRecord, path: string): Promise<boolean> {
  return item.kind === 'file'
    ? (await store.files.getByPath(path)) !== undefined
    : (await store.folders.get(path)) !== undefined;
}

/** Where the item goes back: its old path, or (`rename`) a free one beside it; 409 when taken and `fail`. */
async function restorePath(
  store: Store,
  item: TrashItemRecord,
  onConflict: RestoreConflict,
): Promise<string> {
  if (!(await isTaken(store, item, item.path))) return item.path;
  if (onConflict === 'fail') {
    throw conflict(
      `Cannot restore ${item.path}: a ${item.kind} with that name exists there now. Rename or move it first, or restore with onConflict "rename" to put this one back under a new name beside it.`,
      { reason: 'RESTORE_CONFLICT' },
    );
  }
  const name = item.kind === 'file' ? item.name : lastSegment(item.path);
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = renamedPath(item, uniqueFileName(name));
    if (!(await isTaken(store, item, candidate))) return candidate;
  }
  throw new ApiError(503, 'Could not find a free name to restore under; please retry.');
}

/** The item's rows as they go back, moved from `from` to `to` (the same path unless renamed). */
function movedBack(
  item: TrashItemRecord,
  versions: FileRecord[],
  folders: FolderRecord[],
  to: string,
): { versions: FileRecord[]; folders: FolderRecord[] } {
  if (to === item.path) return { versions, folders };
  if (item.kind === 'file') {
    const name = to.slice(to.lastIndexOf('/') + 1);
    return {
      versions: versions.map((v) => (v.filePath === item.path ? { ...v, name, filePath: to } : v)),
      folders,
    };
  }
  const from = item.path;
  const swap = (path: string) => (path.startsWith(from) ? to + path.slice(from.length) : path);
  return {
    versions: versions.map((v) => ({ ...v, folder: swap(v.folder), filePath: swap(v.filePath) })),
    folders: folders.map((f) =>
      f.path === from
        ? { ...f, path: to, name: lastSegment(to) }
        : { ...f, path: swap(f.path), parent: swap(f.parent) },
    ),
  };
}

/**
 * `POST /_ml/trash/restore`: puts files and folders back where they were (recreating missing
 * parent folders), all or none. Something at the same path since: 409, or a new name with `rename`.
 */
export async function restoreFromTrash(
  ctx: ServerContext,
  principal: Principal | null,
  input: RestoreInput,
  actor: AuditActor,
): Promise<RestoredItem[]> {
  const wanted = [
    ...(input.fileIds ?? []).map((id) => ({ id, kind: 'file' as const })),
    ...(input.folderIds ?? []).map((id) => ({ id, kind: 'folder' as const })),
  ];
  const now = Date.now();
  return ctx.store.transaction(async (store) => {
    const restored: RestoredItem[] = [];
    for (const { id, kind } of wanted) {
      const item = await visibleItem(store, principal, id, kind);
      assertMayHandle(principal, item);
      const to = await restorePath(store, item, input.onConflict ?? 'fail');
      const contents = await store.trash.contents(id);
      const back = movedBack(item, contents.versions, contents.folders, to);
      await ensureFolderChain(store, kind === 'file' ? parentOf(`${to}/`) : parentOf(to), now);
      for (const folder of back.folders) await store.folders.insertIfMissing(folder);
      await store.files.insertVersions(back.versions);
      await store.trash.remove(id);
      const moved = to === item.path ? {} : { changes: { path: { before: item.path, after: to } } };
      await appendAudit(
        store,
        actor,
        kind === 'file'
          ? { action: 'file.restore', fileId: id, path: to, ...moved }
          : { action: 'folder.restore', path: to, target: { folderId: id }, ...moved },
        now,
      );
      restored.push({ id, type: kind, path: to });
    }
    return restored;
  });
}

/** Removes an item for good in the caller's transaction: its rows and references; answers its blob keys. */
async function purgeItem(
  store: Store,
  item: TrashItemRecord,
  actor: AuditActor,
  now: number,
): Promise<string[]> {
  const { versions } = await store.trash.contents(item.itemId);
  await store.references.forgetFiles([...new Set(versions.map((v) => v.fileId))]);
  await store.versionData.forget(versions.map((v) => v.versionId));
  const keys = await store.trash.remove(item.itemId);
  await store.blobJournal.add(keys, now);
  await appendAudit(
    store,
    actor,
    item.kind === 'file'
      ? { action: 'file.purge', fileId: item.itemId, path: item.path }
      : { action: 'folder.purge', path: item.path, target: { folderId: item.itemId } },
    now,
  );
  return keys;
}

/** `DELETE /_ml/trash` with ids: those items for good, all or none. */
export async function deleteFromTrash(
  ctx: ServerContext,
  principal: Principal | null,
  input: { fileIds?: string[]; folderIds?: string[] },
  actor: AuditActor,
): Promise<number> {
  const wanted = [
    ...(input.fileIds ?? []).map((id) => ({ id, kind: 'file' as const })),
    ...(input.folderIds ?? []).map((id) => ({ id, kind: 'folder' as const })),
  ];
  const now = Date.now();
  const keys = await ctx.store.transaction(async (store) => {
    const all: string[] = [];
    for (const { id, kind } of wanted) {
      const item = await visibleItem(store, principal, id, kind);
      assertMayHandle(principal, item);
      all.push(...(await purgeItem(store, item, actor, now)));
    }
    return all;
  });
  await deleteBlobs(ctx, keys);
  return wanted.length;
}

/**
 * `DELETE /_ml/trash` without ids: empties the caller's trash (what it sees), which needs
 * `manage` on the whole of it: the session's folder, or the library.
 */
export async function emptyTrash(
  ctx: ServerContext,
  principal: Principal | null,
  actor: AuditActor,
): Promise<number> {
  const root = principal?.scope?.folder ?? '/';
  assertMayManage(principal, root);
  const ids = await ctx.store.trash.ids(trashQueryFor(principal, { skip: 0, limit: 0 }));
  let purged = 0;
  // A batch per transaction: a huge trash empties without one huge transaction.
  for (let start = 0; start < ids.length; start += 100) {
    const now = Date.now();
    const keys = await ctx.store.transaction(async (store) => {
      const all: string[] = [];
      for (const id of ids.slice(start, start + 100)) {
        const item = await store.trash.get(id);
        if (!item) continue;
        all.push(...(await purgeItem(store, item, actor, now)));
        purged++;
      }
      return all;
    });
    await deleteBlobs(ctx, keys);
  }
  return purged;
}

/** Items one purge transaction takes; a run repeats until none has expired. */
const purgeBatch = 50;

/**
 * Removes what has been in the trash past its time, on whichever node runs it: each batch is
 * claimed in a transaction (rows locked, skipped by the others on PostgreSQL) and removed in it,
 * so two nodes never purge the same item. Answers how many items went.
 */
export async function purgeExpiredTrash(
  ctx: Pick<ServerContext, 'store' | 'storage'>,
  now = Date.now(),
): Promise<number> {
  let purged = 0;
  for (;;) {
    const { count, keys } = await ctx.store.transaction(async (store) => {
      const items = await store.trash.claimExpired(now, purgeBatch);
      const all: string[] = [];
      for (const item of items) all.push(...(await purgeItem(store, item, systemActor, now)));
      return { count: items.length, keys: all };
    });
    await deleteBlobs(ctx, keys);
    purged += count;
    if (count < purgeBatch) return purged;
  }
}
