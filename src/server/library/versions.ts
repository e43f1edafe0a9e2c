import type { AuditActor } from '../../shared/audit.js';
import { assertWriteInScope, type Scoped } from '../auth/scope.js';
import type { ServerConfig } from '../config.js';
import type { ServerContext } from '../context.js';
import { badRequest, messages, notFound } from '../errors.js';
import type { ProbedFile } from '../media/probe.js';
import type { FileRecord, Store } from '../store/store.js';
import { appendAudit, fileTarget } from './audit.js';
import { enqueueBackup } from './backup.js';
import { deleteBlobs } from './blobs.js';
import { newId } from './ids.js';

/** ImageKit's limit on versions per file. */
export const maxVersions = 100;

/** A version's bytes: where they are kept and what probing them found. */
export type VersionBytes = Pick<FileRecord, 'versionId' | 'blobKey' | 'size'> & ProbedFile;

/**
 * The one version of a new file at `place`, made of `bytes`, created and updated `now`. What
 * describes it (tags, custom metadata, description, times…) comes from `describing`, else none;
 * `describing` may be a whole version to copy from, whose identity and bytes are replaced.
 */
export function newFileVersion(
  bytes: VersionBytes,
  place: { folder: string; name: string },
  now: number,
  describing: Partial<FileRecord> = {},
): FileRecord {
  return {
    tags: null,
    aiTags: null,
    customCoordinates: null,
    customMetadata: {},
    description: null,
    isPrivate: false,
    isPublished: true,
    createdAt: now,
    updatedAt: now,
    ...describing,
    ...bytes,
    fileId: newId(now),
    versionNumber: 1,
    isCurrent: true,
    name: place.name,
    folder: place.folder,
    filePath: place.folder + place.name,
  };
}

/** What committing a new version needs to know of the configuration: whether to back it up. */
type VersionConfig = Pick<ServerConfig, 'backup'>;

/**
 * Adds `file` as a new file (its first version), held to the writer's scope, and queues it for
 * the backup bucket in the same transaction.
 */
export async function insertFile(
  store: Store,
  config: VersionConfig,
  file: FileRecord,
  writer: Scoped,
): Promise<FileRecord> {
  assertWriteInScope(writer, file);
  await store.files.insertVersion(file);
  await enqueueBackup(store, config, file);
  return file;
}

/**
 * Makes `version` the new current version of `existing`'s file: same fileId and creation time,
 * the next version number, and the old current version kept as history. Refuses a 101st version
 * and one the writer's scope does not allow. Queues it for the backup bucket, overwriting there.
 */
export async function appendVersion(
  store: Store,
  config: VersionConfig,
  existing: FileRecord,
  version: FileRecord,
  writer: Scoped,
): Promise<FileRecord> {
  assertWriteInScope(writer, { ...version, filePath: existing.filePath });
  const versions = await store.files.versions(existing.fileId);
  if (versions.length >= maxVersions) {
    throw badRequest(
      `A file can have at most ${maxVersions} versions. Delete old versions before adding another.`,
      {
        reason: 'VERSION_LIMIT_REACHED',
      },
    );
  }
  const appended: FileRecord = {
    ...version,
    fileId: existing.fileId,
    versionNumber: Math.max(...versions.map((v) => v.versionNumber)) + 1,
    isCurrent: true,
    createdAt: existing.createdAt,
  };
  await store.files.updateVersions([existing.versionId], { isCurrent: false });
  await store.files.insertVersion(appended);
  await enqueueBackup(store, config, appended);
  return appended;
}

const versionNotFound = () => notFound('The requested file version does not exist.');

export async function requireVersion(store: Store, fileId: string, versionId: string): Promise<FileRecord> {
  if (!(await store.files.get(fileId))) throw notFound(messages.fileNotFound);
  const version = await store.files.version(fileId, versionId);
  if (!version) throw versionNotFound();
  return version;
}

/** Every version of a file, oldest first; the current one has `type: "file"`. */
export async function listVersions(store: Store, fileId: string): Promise<FileRecord[]> {
  const versions = await store.files.versions(fileId);
  if (versions.length === 0) throw notFound(messages.fileNotFound);
  return versions;
}

/** Deletes an old version and its bytes; the current version cannot be deleted. */
export async function deleteVersion(
  ctx: ServerContext,
  fileId: string,
  versionId: string,
  actor: AuditActor,
): Promise<void> {
  const blobKey = await ctx.store.transaction(async (store) => {
    const version = await requireVersion(store, fileId, versionId);
    if (version.isCurrent) {
      throw badRequest('You cannot delete current version of a file.', { reason: 'CURRENT_VERSION' });
    }
    await store.files.deleteVersion(versionId);
    await store.versionData.forget([versionId]);
    await store.blobJournal.add([version.blobKey], Date.now());
    await appendAudit(store, actor, {
      action: 'version.delete',
      ...fileTarget(version),
      changes: { versionNumber: { before: version.versionNumber } },
    });
    return version.blobKey;
  });
  await deleteBlobs(ctx, [blobKey]);
}

/**
 * Makes an old version the current one again; the version that was current stays in the
 * history. The restored version takes the file's present name and place, and must be one the
 * writer's scope allows (a type it accepts, a size within its limit).
 */
export async function restoreVersion(
  ctx: ServerContext,
  writer: Scoped,
  fileId: string,
  versionId: string,
  actor: AuditActor,
): Promise<FileRecord> {
  return ctx.store.transaction(async (store) => {
    const version = await requireVersion(store, fileId, versionId);
    if (version.isCurrent) return version;
    const current = (await store.files.get(fileId))!;
    assertWriteInScope(writer, { ...version, filePath: current.filePath });
    const now = Date.now();
    await store.files.updateVersions([current.versionId], { isCurrent: false });
    await store.files.updateVersions([versionId], {
      isCurrent: true,
      name: current.name,
      folder: current.folder,
      filePath: current.filePath,
      updatedAt: now,
    });
    // The path's bytes change: the backup gets the restored version.
    await enqueueBackup(store, ctx.config, { ...version, filePath: current.filePath });
    await appendAudit(store, actor, {
      action: 'version.restore',
      ...fileTarget({ ...version, filePath: current.filePath }),
      changes: {
        versionId: { before: current.versionId, after: versionId },
        versionNumber: { before: current.versionNumber, after: version.versionNumber },
      },
    });
    return (await store.files.get(fileId))!;
  });
}
