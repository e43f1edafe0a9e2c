import type { MediaCollection, MediaFile } from '../shared/wire.js';
import type { MediaClient, RequestOptions, SortOrder } from './media-client.js';

/*
 * Collections (`/_ml/collections`, the media server's, not ImageKit's): named, ordered sets of
 * files from any folders. See docs/server.md.
 */

const path = (id: string, tail = '') => `/_ml/collections/${encodeURIComponent(id)}${tail}`;

/** Every collection the caller may see, by name. */
export function listCollections(
  client: MediaClient,
  options: RequestOptions = {},
): Promise<MediaCollection[]> {
  return client.request<MediaCollection[]>('GET', '/_ml/collections', options);
}

export function getCollection(client: MediaClient, id: string, options: RequestOptions = {}) {
  return client.request<MediaCollection>('GET', path(id), options);
}

/** Makes a collection; a name taken (in any case) is refused with 409. */
export function createCollection(
  client: MediaClient,
  input: { name: string; description?: string },
  options: RequestOptions = {},
): Promise<MediaCollection> {
  return client.request<MediaCollection>('POST', '/_ml/collections', { json: input, ...options });
}

export function updateCollection(
  client: MediaClient,
  id: string,
  patch: { name?: string; description?: string },
  options: RequestOptions = {},
): Promise<MediaCollection> {
  return client.request<MediaCollection>('PATCH', path(id), { json: patch, ...options });
}

export async function deleteCollection(client: MediaClient, id: string, options: RequestOptions = {}) {
  await client.request('DELETE', path(id), options);
}

/** One page of a collection's files: in its order, or by `sort`; `searchQuery` searches inside it. */
export function listCollectionItems(
  client: MediaClient,
  id: string,
  params: { limit?: number; skip?: number; searchQuery?: string; sort?: SortOrder } = {},
  options: RequestOptions = {},
): Promise<MediaFile[]> {
  return client.request<MediaFile[]>('GET', path(id, '/items'), {
    query: {
      limit: params.limit?.toString(),
      skip: params.skip?.toString(),
      searchQuery: params.searchQuery?.trim() || undefined,
      sort: params.sort,
    },
    ...options,
  });
}

/** Adds files at the end (those already in it stay where they are); answers those added. */
export function addToCollection(
  client: MediaClient,
  id: string,
  fileIds: string[],
  options: RequestOptions = {},
): Promise<{ addedFileIds: string[] }> {
  return client.request('POST', path(id, '/items'), { json: { fileIds }, ...options });
}

/** Takes files out of the collection (not out of the library); answers those removed. */
export function removeFromCollection(
  client: MediaClient,
  id: string,
  fileIds: string[],
  options: RequestOptions = {},
): Promise<{ removedFileIds: string[] }> {
  return client.request('DELETE', path(id, '/items'), { json: { fileIds }, ...options });
}

/** Puts these files (all in the collection) in this order, in the places they hold between them. */
export async function reorderCollection(
  client: MediaClient,
  id: string,
  order: string[],
  options: RequestOptions = {},
): Promise<void> {
  await client.request('PATCH', path(id, '/items'), { json: { order }, ...options });
}
