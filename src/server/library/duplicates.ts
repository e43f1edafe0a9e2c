import type { Principal } from '../auth/principal.js';
import { grantedSetOf } from '../auth/scope.js';
import type { DuplicateScope, FileRecord, Store } from '../store/store.js';

/** What a caller may see of the library, as a duplicate lookup narrows to it. */
export function duplicateScopeOf(principal: Principal | null): DuplicateScope {
  const folder = principal?.scope?.folder;
  const granted = grantedSetOf(principal);
  return {
    ...(folder !== undefined && folder !== '/' && { within: folder }),
    ...(granted && { granted }),
  };
}

/** Most duplicates one answer lists. */
export const maxDuplicates = 100;

/** Other current files with exactly the file's bytes (as uploaded), that the caller sees, oldest first. */
export async function duplicatesOf(
  store: Store,
  principal: Principal | null,
  file: FileRecord,
): Promise<FileRecord[]> {
  const hash = await store.contentHashes.ofFile(file.fileId);
  if (!hash) return [];
  const found = await store.contentHashes.currentFilesWith(
    [hash],
    duplicateScopeOf(principal),
    maxDuplicates + 1,
  );
  return filesOf(
    store,
    found.filter((f) => f.fileId !== file.fileId).map((f) => f.fileId),
  );
}

/** For each of these hashes (of files about to be uploaded), the files the caller sees with those bytes. */
export async function filesWithHashes(
  store: Store,
  principal: Principal | null,
  hashes: string[],
): Promise<Record<string, FileRecord[]>> {
  const found = await store.contentHashes.currentFilesWith(
    hashes,
    duplicateScopeOf(principal),
    maxDuplicates,
  );
  const files = new Map(
    (await filesOf(store, [...new Set(found.map((f) => f.fileId))])).map((f) => [f.fileId, f]),
  );
  const byHash: Record<string, FileRecord[]> = {};
  for (const { hash, fileId } of found) {
    const file = files.get(fileId);
    if (file) byHash[hash] = [...(byHash[hash] ?? []), file];
  }
  return byHash;
}

async function filesOf(store: Store, fileIds: string[]): Promise<FileRecord[]> {
  const files: FileRecord[] = [];
  for (const id of fileIds.slice(0, maxDuplicates)) {
    const file = await store.files.get(id);
    if (file) files.push(file);
  }
  return files;
}
