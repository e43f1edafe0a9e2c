import type { ErrorReason } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import {
  assertFileVisible,
  assertMayManage,
  assertPathInScope,
  assertWriteInScope,
  type Scoped,
} from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, conflict, notFound } from '../errors.js';
import type { FileRecord, Store } from '../store/store.js';
import { type AuditEvent, actorOf, appendAudit, fileTarget } from './audit.js';
import { type BlobContext, blobKeyFor, commitWithBlobs } from './blobs.js';
import { ensureFolderChain } from './folders.js';
import { newId } from './ids.js';
import { normalizeFolder, requiredFolder, sanitizeFileName } from './naming.js';
import { maxVersions } from './versions.js';

/** A file path as the API sends it (`/a/b/c.jpg`, leading slash optional), split and checked. */
export function splitFilePath(
  raw: string,
  parameter: string,
): { folder: string; name: string; filePath: string } {
  if (raw.trim() === '') {
    throw badRequest(`Your request is missing the ${parameter} parameter.`, { reason: 'MISSING_PARAMETER' });
  }
  const path = raw.startsWith('/') ? raw : `/${raw}`;
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  if (!name) {
    throw badRequest(`Your request contains invalid ${parameter} parameter. It must end with a file name.`, {
      reason: 'INVALID_PARAMETER',
    });
  }
  const folder = normalizeFolder(path.slice(0, slash));
  return { folder, name, filePath: folder + name };
}

/** The file at `filePath`, if it exists and the caller may see it (a session sees only its folder). */
async function requireSource(
  store: Store,
  principal: Principal | null,
  filePath: string,
  reason: ErrorReason,
): Promise<FileRecord> {
  const file = await store.files.getByPath(filePath);
  if (!file) throw notFound(`No file found with filePath \`${filePath}\`.`, { reason });
  assertFileVisible(principal, file);
  return file;
}

function assertVersionRoom(existing: number, adding: number): void {
  if (existing + adding > maxVersions) {
    throw badRequest(
      `The destination file would have ${existing + adding} versions; a file can have at most ${maxVersions}.`,
      { reason: 'VERSION_LIMIT_REACHED' },
    );
  }
}

/**
 * Puts `file` (all its versions) at `folder` + `name`. When another file already lives there,
 * `file`'s versions join that file's history and `file`'s current version becomes its current
 * one, as ImageKit does for copies and moves onto an existing name. Metadata only: no bytes move.
 */
export async function relocateFile(
  store: Store,
  file: FileRecord,
  folder: string,
  name: string,
  now: number,
): Promise<void> {
  const filePath = folder + name;
  if (filePath === file.filePath) return;
  const location = { folder, name, filePath };
  const versions = await store.files.versions(file.fileId);
  const existing = await store.files.getByPath(filePath);
  await ensureFolderChain(store, folder, now);
  if (!existing) {
    await store.files.updateVersions(
      versions.map((v) => v.versionId),
      { ...location, updatedAt: now },
    );
    return;
  }
  const history = await store.files.versions(existing.fileId);
  assertVersionRoom(history.length, versions.length);
  let number = Math.max(...history.map((v) => v.versionNumber));
  await store.files.updateVersions([existing.versionId], { isCurrent: false });
  // Older versions first, the current one last, so version numbers keep telling the story.
  for (const version of [...versions.filter((v) => !v.isCurrent), file]) {
    await store.files.updateVersions([version.versionId], {
      ...location,
      fileId: existing.fileId,
      versionNumber: ++number,
      isCurrent: version.versionId === file.versionId,
      updatedAt: now,
    });
  }
}

/** A copy of some versions of a file, ready to commit: new ids, new blob keys, same attributes. */
export interface CopyPlan {
  records: FileRecord[];
  blobs: Array<{ from: string; to: string }>;
  folder: string;
  name: string;
}

export async function planCopy(
  store: Store,
  file: FileRecord,
  folder: string,
  name: string,
  includeVersions: boolean,
  now: number,
): Promise<CopyPlan> {
  const versions = includeVersions
    ? [...(await store.files.versions(file.fileId)).filter((v) => !v.isCurrent), file]
    : [file];
  const records = versions.map((version): FileRecord => {
    const versionId = newId(now);
    return {
      ...version,
      versionId,
      blobKey: blobKeyFor(versionId),
      folder,
      name,
      filePath: folder + name,
      createdAt: now,
      updatedAt: now,
    };
  });
  return {
    records,
    blobs: versions.map((v, i) => ({ from: v.blobKey, to: records[i]!.blobKey })),
    folder,
    name,
  };
}

/**
 * Inserts a planned copy: a new file, or new versions of the file already at its path. Every
 * copied version must be one the writer's scope allows.
 */
/** Inserts a planned copy; answers the id of the file the copy is (new, or the one already there). */
export async function commitCopy(store: Store, plan: CopyPlan, now: number, writer: Scoped): Promise<string> {
  for (const record of plan.records) assertWriteInScope(writer, record);
  await ensureFolderChain(store, plan.folder, now);
  const existing = await store.files.getByPath(plan.folder + plan.name);
  const fileId = existing?.fileId ?? newId(now);
  let number = 0;
  if (existing) {
    const history = await store.files.versions(existing.fileId);
    assertVersionRoom(history.length, plan.records.length);
    number = Math.max(...history.map((v) => v.versionNumber));
    await store.files.updateVersions([existing.versionId], { isCurrent: false });
  }
  const last = plan.records.length - 1;
  for (const [i, record] of plan.records.entries()) {
    await store.files.insertVersion({
      ...record,
      fileId,
      versionNumber: ++number,
      isCurrent: i === last,
      ...(existing && { createdAt: existing.createdAt }),
    });
  }
  return fileId;
}

/** Copies the planned blobs into place (their keys are journaled by `commitWithBlobs`). */
export async function copyPlannedBlobs(ctx: BlobContext, plans: CopyPlan[]): Promise<void> {
  for (const plan of plans) for (const { from, to } of plan.blobs) await ctx.storage.copy(from, to);
}

/** The audit event of a move or rename: the file where it is now, and where it was. */
function relocated(
  moved: FileRecord | undefined,
  file: FileRecord,
  action: 'file.move' | 'file.rename',
): AuditEvent {
  const now = moved ?? file;
  return { action, ...fileTarget(now), changes: { path: { before: file.filePath, after: now.filePath } } };
}

/** Where a file goes: `destinationPath` is a folder; the file keeps its name. */
export interface FileDestinationInput {
  sourceFilePath: string;
  destinationPath: string;
}

/** `POST /v1/files/copy`: `destinationPath` is a folder; the copy keeps the file's name. */
export async function copyFile(
  ctx: ServerContext,
  principal: Principal | null,
  body: FileDestinationInput & { includeFileVersions?: boolean },
): Promise<void> {
  const source = splitFilePath(body.sourceFilePath, 'sourceFilePath');
  const folder = requiredFolder(body.destinationPath, 'destinationPath');
  assertPathInScope(principal, folder);
  const now = Date.now();
  const file = await requireSource(ctx.store, principal, source.filePath, 'SOURCE_FILE_MISSING');
  const plan = await planCopy(ctx.store, file, folder, file.name, body.includeFileVersions === true, now);
  await commitWithBlobs(
    ctx,
    plan.blobs.map((b) => b.to),
    () => copyPlannedBlobs(ctx, [plan]),
    async (store) => {
      // The source may have changed while bytes were copied; refuse rather than copy a stale list.
      const current = await store.files.get(file.fileId);
      if (current?.versionId !== file.versionId) {
        throw new ApiError(409, 'The source file changed while it was being copied; please retry.', {
          reason: 'SOURCE_CHANGED',
        });
      }
      const fileId = await commitCopy(store, plan, now, principal);
      await appendAudit(store, actorOf(principal), {
        action: 'file.copy',
        fileId,
        path: plan.folder + plan.name,
        changes: { source: { after: { fileId: file.fileId, path: file.filePath } } },
      });
    },
  );
}

/** `POST /v1/files/move`: all versions move; onto an existing name they join its history. */
export async function moveFile(
  ctx: ServerContext,
  principal: Principal | null,
  body: FileDestinationInput,
): Promise<void> {
  const source = splitFilePath(body.sourceFilePath, 'sourceFilePath');
  const folder = requiredFolder(body.destinationPath, 'destinationPath');
  assertPathInScope(principal, folder);
  await ctx.store.transaction(async (store) => {
    const file = await requireSource(store, principal, source.filePath, 'SOURCE_FILE_MISSING');
    assertMayManage(principal, file.filePath, file.fileId);
    await relocateFile(store, file, folder, file.name, Date.now());
    await appendAudit(
      store,
      actorOf(principal),
      relocated(await store.files.getByPath(folder + file.name), file, 'file.move'),
    );
  });
}

/** `PUT /v1/files/rename`: every version takes the new name; an existing name is a 409. */
export async function renameFile(
  ctx: ServerContext,
  principal: Principal | null,
  body: { filePath: string; newFileName: string; purgeCache?: boolean },
): Promise<FileRecord> {
  const source = splitFilePath(body.filePath, 'filePath');
  const newName = sanitizeFileName(body.newFileName);
  return ctx.store.transaction(async (store) => {
    const file = await requireSource(store, principal, source.filePath, 'FILE_MISSING');
    assertMayManage(principal, file.filePath, file.fileId);
    if (newName === file.name) {
      throw badRequest('The new file name is the same as the old one.', { reason: 'SAME_OLD_AND_NEW_NAME' });
    }
    if (await store.files.getByPath(file.folder + newName)) {
      throw conflict(`A file named ${newName} already exists in ${file.folder}.`, {
        reason: 'FILE_ALREADY_EXISTS',
      });
    }
    await relocateFile(store, file, file.folder, newName, Date.now());
    await appendAudit(
      store,
      actorOf(principal),
      relocated(await store.files.get(file.fileId), file, 'file.rename'),
    );
    return (await store.files.get(file.fileId))!;
  });
}
