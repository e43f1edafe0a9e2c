import type { DownloadLink, NewShare, Share, SharePatchBody } from '../shared/shares.js';
import type { MediaClient } from './media-client.js';

/**
 * Share links and ZIP downloads (the media-library server's `/_ml/shares` and `/_ml/downloads`;
 * ImageKit has neither), as functions over a MediaClient, for the element's lazy share dialog.
 */

/** `POST /_ml/shares`: the new link, with its URL (told only now). */
export function createShare(client: MediaClient, body: NewShare): Promise<Share> {
  return client.request<Share>('POST', '/_ml/shares', { json: body });
}

/** `GET /_ml/shares`: the caller's links (every link for keys and administrators), of one target when given. */
export function listShares(
  client: MediaClient,
  of: { fileId?: string; folder?: string; collectionId?: string } = {},
): Promise<Share[]> {
  return client.request<Share[]>('GET', '/_ml/shares', { query: { ...of } });
}

/** `PATCH /_ml/shares/{id}`. */
export function updateShare(client: MediaClient, id: string, patch: SharePatchBody): Promise<Share> {
  return client.request<Share>('PATCH', `/_ml/shares/${encodeURIComponent(id)}`, { json: patch });
}

/** `DELETE /_ml/shares/{id}`: the link stops working at once. */
export async function revokeShare(client: MediaClient, id: string): Promise<void> {
  await client.request('DELETE', `/_ml/shares/${encodeURIComponent(id)}`);
}

/** `POST /_ml/downloads`: a short-lived URL that streams a ZIP of the files, the folder or the collection. */
export function createDownload(
  client: MediaClient,
  what: { fileIds: string[] } | { folder: string } | { collection: string },
): Promise<DownloadLink> {
  return client.request<DownloadLink>('POST', '/_ml/downloads', { json: what });
}
