import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { openStorage, openStore } from './backends.js';
import type { BlobStorage } from './storage/blob-storage.js';
import { DiskStorage } from './storage/disk-storage.js';
import { openSqliteStore } from './store/sqlite.js';
import type { FileRecord, Store } from './store/store.js';

export interface MigrationOptions {
  /** The single-machine library's data directory (`library.db`, `blobs/`). */
  from: string;
  /** The PostgreSQL URL of the new catalog. */
  database: string;
  /** The S3 location of the new blob storage. */
  storage: string;
  s3Endpoint?: string;
  /** Told each line of progress and of the final report. */
  log(line: string): void;
}

/** Versions read, checked and copied at a time; their blobs copy in parallel. */
const pageSize = 200;
const parallelBlobs = 8;

/** Runs `task` over `items` with at most `limit` at once. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

async function sha256Of(storage: BlobStorage, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.read(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A version as the catalogs must agree on it, key order fixed. */
const canonical = (file: FileRecord) => JSON.stringify(file, Object.keys(file).sort());

/**
 * `media-library migrate`: copies a single-machine library (SQLite + disk) into PostgreSQL and an
 * S3 bucket: keys, custom metadata fields, folders, every version of every file with its bytes,
 * and unexpired spent upload tokens. Rows go in only after their bytes, so it can be stopped and
 * run again; it then skips what is there. Derived images are not copied: they render again.
 * Ends by comparing both sides row by row and blob by blob (SHA-256); answers whether they match.
 */
export async function migrateLibrary(options: MigrationOptions): Promise<boolean> {
  const { log } = options;
  try {
    await access(join(options.from, 'library.db'));
  } catch {
    throw new Error(`there is no library in ${options.from} (no library.db)`);
  }
  const source = await openSqliteStore(join(options.from, 'library.db'));
  const sourceBlobs = new DiskStorage(join(options.from, 'blobs'));
  let target: Store | undefined;
  let targetBlobs: Awaited<ReturnType<typeof openStorage>> | undefined;
  const scratch = await mkdtemp(join(tmpdir(), 'media-library-migrate-'));
  try {
    if (await source.jobs.hasPending()) {
      throw new Error(
        'the library has folder jobs still pending: start its server once to finish them, then migrate',
      );
    }
    target = await openStore({ database: options.database, dataDir: scratch });
    targetBlobs = await openStorage({
      storage: options.storage,
      dataDir: scratch,
      ...(options.s3Endpoint && { s3Endpoint: options.s3Endpoint }),
    });
    await copyCatalogBasics(source, target, log);
    await copyVersions(source, sourceBlobs, target, targetBlobs, scratch, log);
    await copyAuditLog(source, target, log);
    return await verify(source, sourceBlobs, target, targetBlobs, log);
  } finally {
    await source.close();
    await target?.close();
    targetBlobs?.close?.();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function copyCatalogBasics(source: Store, target: Store, log: (line: string) => void): Promise<void> {
  let keys = 0;
  for (const key of await source.apiKeys.list()) {
    if (await target.apiKeys.find(key.privateKey)) continue;
    await target.apiKeys.insert(key);
    keys++;
  }
  let fields = 0;
  for (const field of await source.customMetadataFields.list(true)) {
    if (await target.customMetadataFields.get(field.id)) continue;
    const taken = await target.customMetadataFields.findByName(field.name);
    if (taken) {
      throw new Error(`the new catalog already has a different custom metadata field named "${field.name}"`);
    }
    await target.customMetadataFields.insert(field);
    fields++;
  }
  let folders = 0;
  for (const folder of await source.folders.listTree('/')) {
    if (await target.folders.insertIfMissing(folder)) folders++;
  }
  const now = Date.now();
  for (const { token, expiresAt } of await source.spentUploadTokens.list(now)) {
    await target.spentUploadTokens.spend(token, expiresAt);
  }
  log(`copied ${keys} API key(s), ${fields} custom metadata field(s), ${folders} folder(s)`);
  await copyPeople(source, target, log);
}

/** Users (with their password hashes), groups and grants; sessions are not copied: people sign in again. */
async function copyPeople(source: Store, target: Store, log: (line: string) => void): Promise<void> {
  let users = 0;
  for (const user of await source.users.list()) {
    if ((await target.users.find(user.userId)) || (await target.users.findByEmail(user.email))) continue;
    await target.users.insert(user);
    users++;
  }
  let groups = 0;
  for (const group of await source.groups.list()) {
    if ((await target.groups.find(group.groupId)) || (await target.groups.findByName(group.name))) continue;
    await target.groups.insert(group);
    groups++;
  }
  for (const group of await source.groups.list()) {
    if (await target.groups.find(group.groupId)) {
      await target.groups.setMembers(group.groupId, await source.groups.members(group.groupId));
    }
  }
  const grants = await source.grants.list();
  for (const grant of grants) await target.grants.put(grant);
  log(`copied ${users} user(s), ${groups} group(s), ${grants.length} grant(s)`);
}

async function copyVersions(
  source: Store,
  sourceBlobs: BlobStorage,
  target: Store,
  targetBlobs: BlobStorage,
  scratch: string,
  log: (line: string) => void,
): Promise<void> {
  let copied = 0;
  let skipped = 0;
  let bytes = 0;
  let after: string | null = null;
  for (;;) {
    const page = await source.files.scanVersions(after, pageSize);
    if (page.length === 0) break;
    after = page.at(-1)!.versionId;
    const present = await target.files.existingVersionIds(page.map((v) => v.versionId));
    const missing = page.filter((v) => !present.has(v.versionId));
    skipped += page.length - missing.length;
    if (missing.length === 0) continue;
    // Journaled first: bytes of a run abandoned half-way are swept by the servers later.
    const keys = missing.map((v) => v.blobKey);
    await target.blobJournal.add(keys, Date.now());
    await inParallel(missing, parallelBlobs, async (version) => {
      const local = join(scratch, version.versionId);
      await pipeline(await sourceBlobs.read(version.blobKey), createWriteStream(local));
      await targetBlobs.putFile(version.blobKey, local);
    });
    await target.transaction(async (tx) => {
      await tx.files.insertVersions(missing);
      await tx.blobJournal.remove(keys);
    });
    copied += missing.length;
    bytes += missing.reduce((sum, v) => sum + v.size, 0);
    log(`copied ${copied} version(s) (${bytes} bytes) so far, ${skipped} already there`);
  }
  log(`copied ${copied} version(s), ${bytes} bytes; ${skipped} were already there`);
}

/**
 * The audit log, in order, in one transaction: into a catalog whose log is still empty, so a run
 * again (or onto a catalog already in use) copies it at most once.
 */
async function copyAuditLog(source: Store, target: Store, log: (line: string) => void): Promise<void> {
  if ((await target.audit.list({}, 1)).length > 0) {
    log('the new catalog already has an audit log; not copying it');
    return;
  }
  const copied = await target.transaction(async (tx) => {
    let count = 0;
    for (let after = 0; ; ) {
      const page = await source.audit.scan(after, pageSize);
      if (page.length === 0) return count;
      after = page.at(-1)!.id;
      for (const { id: _id, ...entry } of page) await tx.audit.append(entry);
      count += page.length;
    }
  });
  log(`copied ${copied} audit log entr${copied === 1 ? 'y' : 'ies'}`);
}

interface Tally {
  folders: number;
  files: number;
  versions: number;
  bytes: number;
  fields: number;
  keys: number;
}

/** Every version in the catalog, in version id order. */
async function* everyVersion(store: Store): AsyncGenerator<FileRecord> {
  for (let after: string | null = null; ; ) {
    const page = await store.files.scanVersions(after, 1000);
    if (page.length === 0) return;
    after = page.at(-1)!.versionId;
    yield* page;
  }
}

async function tally(store: Store): Promise<Tally> {
  const counts = { folders: (await store.folders.listTree('/')).length, files: 0, versions: 0, bytes: 0 };
  for await (const version of everyVersion(store)) {
    counts.versions++;
    if (version.isCurrent) counts.files++;
    counts.bytes += version.size;
  }
  return {
    ...counts,
    fields: (await store.customMetadataFields.list(true)).length,
    keys: (await store.apiKeys.list()).length,
  };
}

/** Compares every source version with the target's: row, then bytes by SHA-256. */
async function verify(
  source: Store,
  sourceBlobs: BlobStorage,
  target: Store,
  targetBlobs: BlobStorage,
  log: (line: string) => void,
): Promise<boolean> {
  const [from, to] = [await tally(source), await tally(target)];
  log('verifying:                 source      target');
  for (const name of ['keys', 'fields', 'folders', 'files', 'versions', 'bytes'] as const) {
    log(`  ${name.padEnd(22)} ${String(from[name]).padStart(10)}  ${String(to[name]).padStart(10)}`);
  }
  const problems: string[] = [];
  const targetRows = everyVersion(target);
  let theirs = await targetRows.next();
  const catalogHash = createHash('sha256');
  const blobsHash = createHash('sha256');
  for (let after: string | null = null; ; ) {
    const page = await source.files.scanVersions(after, pageSize);
    if (page.length === 0) break;
    after = page.at(-1)!.versionId;
    for (const version of page) {
      // Both scans run in version id order: walk the target's alongside.
      while (!theirs.done && theirs.value.versionId < version.versionId) theirs = await targetRows.next();
      const copy = !theirs.done && theirs.value.versionId === version.versionId ? theirs.value : undefined;
      if (!copy) problems.push(`version ${version.versionId} (${version.filePath}) is missing`);
      else if (canonical(copy) !== canonical(version))
        problems.push(`version ${version.versionId} (${version.filePath}) differs in the catalog`);
      catalogHash.update(`${canonical(version)}\n`);
    }
    const sums = new Map<string, [string, string]>();
    await inParallel(page, parallelBlobs, async (version) => {
      const mine = await sha256Of(sourceBlobs, version.blobKey);
      const copied = await sha256Of(targetBlobs, version.blobKey).catch(() => 'missing');
      sums.set(version.versionId, [mine, copied]);
    });
    for (const version of page) {
      const [mine, copied] = sums.get(version.versionId)!;
      if (mine !== copied) problems.push(`the bytes of ${version.filePath} (${version.versionId}) differ`);
      blobsHash.update(`${version.versionId} ${mine}\n`);
    }
  }
  for (const name of ['keys', 'fields', 'folders'] as const) {
    if (to[name] < from[name]) problems.push(`the new catalog has fewer ${name}`);
  }
  log(`  catalog sha256  ${catalogHash.digest('hex')}`);
  log(`  blobs sha256    ${blobsHash.digest('hex')}`);
  if (problems.length === 0) {
    log('verified: every version, row and byte of the library is in the new catalog and storage');
    return true;
  }
  for (const problem of problems.slice(0, 20)) log(`  ✗ ${problem}`);
  if (problems.length > 20) log(`  … and ${problems.length - 20} more`);
  log(`NOT verified: ${problems.length} problem(s); run migrate again to copy what is missing`);
  return false;
}
