import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DownloadLink } from '../../shared/shares.js';
import { isActive } from '../auth/api-keys.js';
import type { Principal } from '../auth/principal.js';
import { assertFileVisible, assertFolderVisible, isPathInScope } from '../auth/scope.js';
import { levelIn } from '../auth/user-access.js';
import { ApiError, badRequest, messages, notFound } from '../errors.js';
import type { BlobStorage } from '../storage/blob-storage.js';
import type { FileRecord, Store } from '../store/store.js';
import { normalizeFolder } from './naming.js';
import { collectionFiles } from './share-collections.js';
import { EntryNames, fileSource, type ZipSource } from './zip.js';

/** How long a download URL works: long enough to start it, too short to pass around. */
export const downloadLinkSeconds = 300;
/** Files one download may name; a folder or a collection has no such limit (its URL names it). */
export const maxDownloadFileIds = 250;

/** What a download ZIPs: named files, a folder's tree, or a collection's files in its order. */
type DownloadContent = { fileIds: string[] } | { folder: string } | { collection: string };

interface DownloadClaims {
  /** The public key whose private key signed it. */
  k: string;
  /** Unix seconds it stops working. */
  e: number;
  f?: string[];
  d?: string;
  c?: string;
}

const sign = (privateKey: string, payload: string) =>
  createHmac('sha256', privateKey).update(`download.${payload}`).digest('base64url');

function tooLarge(bytes: number, limit: number): ApiError {
  const mb = (n: number) => `${Math.ceil(n / 1024 ** 2)} MB`;
  return new ApiError(
    413,
    `This download would be ${mb(bytes)}, more than the ${mb(limit)} one ZIP may hold on this server. Download fewer files, or a smaller folder or collection.`,
    { reason: 'DOWNLOAD_TOO_LARGE', help: 'The limit is MEDIA_LIBRARY_MAX_DOWNLOAD (docs/server.md).' },
  );
}

/** Refuses a ZIP past the server's limit with a 413 that says both sizes. */
export function assertDownloadSize(bytes: number, limit: number): void {
  if (bytes > limit) throw tooLarge(bytes, limit);
}

/**
 * `POST /_ml/downloads`: checks that the caller may see every file named (or the whole folder;
 * a collection, like a share link to one, only for those who see the whole library: it can hold
 * files from any folder), and that the ZIP stays under the limit, then answers a URL signed with a
 * key of this server that streams it for `downloadLinkSeconds`.
 */
export async function createDownload(
  store: Store,
  principal: Principal,
  input: { fileIds?: string[] | undefined; folder?: string | undefined; collection?: string | undefined },
  urlEndpoint: string,
  maxBytes: number,
  now = Date.now(),
): Promise<DownloadLink> {
  const named = [input.fileIds, input.folder, input.collection].filter((v) => v !== undefined).length;
  if (named !== 1) {
    throw badRequest(
      'Send one of fileIds (a list of file ids), folder (a folder path) or collection (a collection id).',
      { reason: 'MISSING_PARAMETER' },
    );
  }
  let content: DownloadContent;
  let files: number;
  let bytes: number;
  if (input.fileIds !== undefined) {
    const ids = [...new Set(input.fileIds)];
    if (ids.length === 0)
      throw badRequest('fileIds is empty: name at least one file.', { reason: 'MISSING_PARAMETER' });
    const found = await store.files.getMany(ids);
    const missing = ids.filter((id) => !found.some((f) => f.fileId === id));
    if (missing.length > 0) {
      throw notFound(`${messages.fileNotFound} (${missing.slice(0, 5).join(', ')})`, { reason: 'NOT_FOUND' });
    }
    for (const file of found) assertFileVisible(principal, file);
    content = { fileIds: ids };
    files = found.length;
    bytes = found.reduce((sum, f) => sum + f.size, 0);
  } else if (input.collection !== undefined) {
    const collection = await collectionFiles(store, principal, input.collection);
    if (!collection) throw notFound(`No collection has the id ${input.collection}.`, { reason: 'NOT_FOUND' });
    content = { collection: input.collection };
    files = collection.files.length;
    bytes = collection.files.reduce((sum, f) => sum + f.size, 0);
  } else {
    const folder = normalizeFolder(input.folder);
    if ((folder !== '/' && !(await store.folders.get(folder))) || !isPathInScope(principal, folder)) {
      throw notFound(messages.folderNotFound(input.folder!), { reason: 'FOLDER_NOT_FOUND' });
    }
    assertFolderVisible(principal, folder, input.folder!);
    // A member who sees the folder only on the way to a granted one below may not take all of it.
    const reach = principal.user?.reach;
    if (reach && levelIn(reach, folder) === null) {
      throw notFound(messages.folderNotFound(input.folder!), { reason: 'FOLDER_NOT_FOUND' });
    }
    content = { folder };
    ({ count: files, bytes } = await store.files.sizeInTree(folder));
  }
  assertDownloadSize(bytes, maxBytes);
  const key = (await store.apiKeys.list()).find((k) => isActive(k, now) && k.permission !== 'None');
  if (!key) {
    throw new ApiError(
      503,
      'This server has no API key that may read files, so it cannot sign a download URL.',
      {
        help: 'Create an API key with read permission (docs/server.md, API keys).',
      },
    );
  }
  const expiry = Math.floor(now / 1000) + downloadLinkSeconds;
  const claims: DownloadClaims = {
    k: key.publicKey,
    e: expiry,
    ...('fileIds' in content
      ? { f: content.fileIds }
      : 'folder' in content
        ? { d: content.folder }
        : { c: content.collection }),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return {
    url: `${urlEndpoint}/_ml/downloads/download.zip?t=${payload}.${sign(key.privateKey, payload)}`,
    expiresAt: new Date(expiry * 1000).toISOString(),
    files,
    bytes,
  };
}

const invalidLink = () =>
  notFound('This download link is not valid, or it has expired. Ask for a new one.', {
    reason: 'INVALID_DOWNLOAD_LINK',
  });

/** What a download URL's `t` names, once its signature and expiry hold. */
export async function openDownload(store: Store, token: string, now = Date.now()): Promise<DownloadContent> {
  const [payload, mac] = token.split('.');
  if (!payload || !mac) throw invalidLink();
  let claims: DownloadClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DownloadClaims;
  } catch {
    throw invalidLink();
  }
  if (typeof claims.k !== 'string' || typeof claims.e !== 'number' || claims.e <= now / 1000)
    throw invalidLink();
  const given = Buffer.from(mac);
  const valid = (await store.apiKeys.findByPublicKey(claims.k)).some((key) => {
    if (!isActive(key, now)) return false;
    const expected = Buffer.from(sign(key.privateKey, payload));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) throw invalidLink();
  if (Array.isArray(claims.f)) return { fileIds: claims.f.map(String) };
  if (typeof claims.d === 'string') return { folder: claims.d };
  if (typeof claims.c === 'string') return { collection: claims.c };
  throw invalidLink();
}

/** Reads a folder tree's current files page by page, by path (only published ones for a share link). */
export async function* filesInTree(
  store: Store,
  folder: string,
  publishedOnly: boolean,
): AsyncIterable<FileRecord> {
  let after = '';
  for (;;) {
    const page = await store.files.pageInTree(folder, after, 500);
    for (const file of page) if (file.isPublished || !publishedOnly) yield file;
    if (page.length < 500) return;
    after = page.at(-1)!.filePath;
  }
}

/** A folder tree's files as ZIP entries, named by their path below `folder`. */
export async function* folderEntries(
  store: Store,
  storage: BlobStorage,
  folder: string,
  publishedOnly: boolean,
): AsyncIterable<ZipSource> {
  const names = new EntryNames();
  for await (const file of filesInTree(store, folder, publishedOnly)) {
    yield fileSource(storage, file, names.take(file.filePath.slice(folder.length)));
  }
}

/** Files as ZIP entries under their own names, duplicates made unique. */
export async function* fileEntries(storage: BlobStorage, files: FileRecord[]): AsyncIterable<ZipSource> {
  const names = new EntryNames();
  for (const file of files) yield fileSource(storage, file, names.take(file.name));
}
