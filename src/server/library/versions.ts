import { badRequest } from '../errors.js';
import type { FileRecord, Store } from '../store/store.js';

/** ImageKit's limit on versions per file. */
export const maxVersions = 100;

/**
 * Makes `version` the new current version of `existing`'s file: same fileId and creation time,
 * the next version number, and the old current version kept as history. Refuses a 101st version.
 */
export async function appendVersion(
  store: Store,
  existing: FileRecord,
  version: FileRecord,
): Promise<FileRecord> {
  const versions = await store.getFileVersions(existing.fileId);
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
  await store.updateFileVersions([existing.versionId], { isCurrent: false });
  await store.insertFileVersion(appended);
  return appended;
}
