import type { Principal } from '../auth/principal.js';
import { grantedSetOf } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { perceptualHash } from '../media/metadata.js';
import type { DuplicateScope, FileRecord, Store } from '../store/store.js';
import { withLocalCopy } from './local-copy.js';
import { readSettings } from './settings.js';

/** The pHash of a raster image's bytes; undefined for other files and images sharp cannot read. */
export async function pHashOfUpload(
  ctx: ServerContext,
  path: string,
  mime: string,
): Promise<string | undefined> {
  if (!isHashableImage(mime)) return undefined;
  return perceptualHash(path, ctx.config.maxImagePixels).catch(() => undefined);
}

/** Raster images (a vector drawing's pHash would say little of how it looks). */
export function isHashableImage(mime: string): boolean {
  return mime.startsWith('image/') && mime !== 'image/svg+xml';
}

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

/** A near duplicate: another current file whose image differs in `distance` bits of 64. */
export interface NearFile {
  file: FileRecord;
  distance: number;
}

/** The near-duplicate distance in force; null when an admin turned near duplicates off. */
export async function nearDistanceOf(ctx: ServerContext): Promise<number | null> {
  return (await readSettings(ctx.store, ctx.config)).nearDuplicateDistance;
}

/**
 * The pHash of the file's current version: recorded at upload, else (a file from before near
 * duplicates) computed from its blob now and recorded, once.
 */
async function pHashOfFile(ctx: ServerContext, file: FileRecord): Promise<string | undefined> {
  const recorded = await ctx.store.perceptualHashes.ofFile(file.fileId);
  if (recorded?.pHash || !isHashableImage(file.mime)) return recorded?.pHash;
  const pHash = await withLocalCopy(ctx, file.blobKey, (path) => pHashOfUpload(ctx, path, file.mime)).catch(
    () => undefined,
  );
  if (pHash) await ctx.store.perceptualHashes.record(file.versionId, pHash);
  return pHash;
}

/**
 * Other current files the caller sees with exactly the file's bytes (as uploaded, oldest first),
 * and images within the near-duplicate distance of it (nearest first) that are not exact ones.
 */
export async function duplicatesOf(
  ctx: ServerContext,
  principal: Principal | null,
  file: FileRecord,
): Promise<{ exact: FileRecord[]; near: NearFile[] }> {
  const { store } = ctx;
  const scope = duplicateScopeOf(principal);
  const hash = await store.contentHashes.ofFile(file.fileId);
  const found = hash ? await store.contentHashes.currentFilesWith([hash], scope, maxDuplicates + 1) : [];
  const exactIds = found.filter((f) => f.fileId !== file.fileId).map((f) => f.fileId);
  const exact = await filesOf(store, exactIds);
  const distance = await nearDistanceOf(ctx);
  const pHash = distance === null ? undefined : await pHashOfFile(ctx, file);
  if (!pHash || distance === null) return { exact, near: [] };
  const skip = new Set([file.fileId, ...exactIds]);
  const matches = (
    await store.perceptualHashes.near(pHash, distance, scope, maxDuplicates + skip.size)
  ).filter((m) => !skip.has(m.fileId));
  return { exact, near: await nearFilesOf(store, matches) };
}

async function nearFilesOf(
  store: Store,
  matches: Array<{ fileId: string; distance: number }>,
): Promise<NearFile[]> {
  const files = new Map(
    (
      await filesOf(
        store,
        matches.map((m) => m.fileId),
      )
    ).map((f) => [f.fileId, f]),
  );
  return matches.flatMap((m) => {
    const file = files.get(m.fileId);
    return file ? [{ file, distance: m.distance }] : [];
  });
}

/** For each of these pHashes (of images about to be uploaded), the images the caller sees that look the same. */
export async function filesNearHashes(
  ctx: ServerContext,
  principal: Principal | null,
  pHashes: string[],
): Promise<Record<string, NearFile[]>> {
  const distance = await nearDistanceOf(ctx);
  if (distance === null) return {};
  const scope = duplicateScopeOf(principal);
  const byHash: Record<string, NearFile[]> = {};
  for (const pHash of new Set(pHashes)) {
    const found = await nearFilesOf(
      ctx.store,
      await ctx.store.perceptualHashes.near(pHash, distance, scope, 10),
    );
    if (found.length > 0) byHash[pHash] = found;
  }
  return byHash;
}

/** One group of duplicates: the first file (the lowest id) and the others, each with its distance from it. */
export interface DuplicateGroup {
  files: NearFile[];
}

/** Files one page of the groups walk reads at most; the cursor continues after the last one read. */
const groupScanLimit = 400;

/**
 * Groups of exact and near duplicates among the current files inside `path` (and what the caller
 * sees), walking the files in id order: a file leads a group when it has duplicates and none of
 * them has a lower id (that one led it). `cursor` is the last file id read; null when all are read.
 */
export async function duplicateGroups(
  ctx: ServerContext,
  principal: Principal | null,
  path: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ groups: DuplicateGroup[]; cursor: string | null }> {
  const { store } = ctx;
  const scope = duplicateScopeOf(principal);
  if (path !== '/') {
    // The narrower of the caller's folder and the one asked for; none when they do not overlap.
    if (scope.within === undefined || path.startsWith(scope.within)) scope.within = path;
    else if (!scope.within.startsWith(path)) return { groups: [], cursor: null };
  }
  const distance = await nearDistanceOf(ctx);
  const walked = await store.perceptualHashes.walk(scope, cursor, groupScanLimit);
  const groups: DuplicateGroup[] = [];
  let last: string | undefined;
  for (const row of walked) {
    last = row.fileId;
    const members = new Map<string, number>();
    if (row.contentHash) {
      for (const f of await store.contentHashes.currentFilesWith([row.contentHash], scope, maxDuplicates)) {
        if (f.fileId !== row.fileId) members.set(f.fileId, 0);
      }
    }
    if (row.pHash && distance !== null) {
      for (const m of await store.perceptualHashes.near(row.pHash, distance, scope, maxDuplicates)) {
        if (m.fileId !== row.fileId && !members.has(m.fileId)) members.set(m.fileId, m.distance);
      }
    }
    if (members.size === 0 || [...members.keys()].some((id) => id < row.fileId)) continue;
    const ordered = [...members].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    const files = await nearFilesOf(store, [
      { fileId: row.fileId, distance: 0 },
      ...ordered.map(([fileId, d]) => ({ fileId, distance: d })),
    ]);
    if (files.length > 1) groups.push({ files });
    if (groups.length >= limit) break;
  }
  const done = walked.length < groupScanLimit && last === walked.at(-1)?.fileId;
  return { groups, cursor: done ? null : (last ?? null) };
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
