import { isActive } from '../auth/api-keys.js';
import { ApiError } from '../errors.js';
import type { FileRecord, Store } from '../store/store.js';
import { encodePath } from './file-object.js';
import { signDeliveryUrl } from './url-signature.js';

/** How long a signed download URL works: long enough to start the download, short enough not to be shared. */
export const downloadUrlSeconds = 300;

export interface DownloadUrl {
  /** The original, served as an attachment under the file's name (`ik-attachment=true`). */
  url: string;
  /** When a signed URL stops working; absent for a public, published file's plain URL. */
  expiresAt?: string;
}

/**
 * The URL that downloads a file's original under its name. A private or unpublished file's is
 * signed (ImageKit's `ik-s`/`ik-t`, with a private key of this server) and works for
 * `downloadUrlSeconds`; a public file's needs no signature.
 */
export async function downloadUrl(
  store: Store,
  file: FileRecord,
  urlEndpoint: string,
  now = Date.now(),
): Promise<DownloadUrl> {
  const version = file.isCurrent ? '' : `ik-obj-version=${file.versionId}&`;
  const relative = `${encodePath(file.filePath).slice(1)}?${version}updatedAt=${file.updatedAt}&ik-attachment=true`;
  const plain = `${urlEndpoint}/${relative}`;
  if (!file.isPrivate && file.isPublished) return { url: plain };
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
  const expiry = Math.floor(now / 1000) + downloadUrlSeconds;
  const signature = signDeliveryUrl(key.privateKey, relative, expiry);
  return {
    url: `${plain}&ik-t=${expiry}&ik-s=${signature}`,
    expiresAt: new Date(expiry * 1000).toISOString(),
  };
}
