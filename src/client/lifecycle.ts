import type {
  FileReference,
  ReferencesInput,
  RestoreAnswer,
  RestoreRequest,
  TrashPage,
} from '../shared/lifecycle.js';
import type { DuplicateGroupsPage } from '../shared/wire.js';
import type { MediaClient, RequestOptions } from './media-client.js';

/** `GET /_ml/files/{id}/references`: the places (CMS entries) that use a file, newest report first. */
export async function fileReferences(
  client: MediaClient,
  fileId: string,
  options: RequestOptions = {},
): Promise<FileReference[]> {
  const answer = await client.request<{ references: FileReference[] }>(
    'GET',
    `/_ml/files/${encodeURIComponent(fileId)}/references`,
    options,
  );
  return answer.references;
}

/** `GET /_ml/references/counts`: how many places use each file (files none uses are absent). */
export async function referenceCounts(
  client: MediaClient,
  fileIds: string[],
  options: RequestOptions = {},
): Promise<Record<string, number>> {
  if (fileIds.length === 0) return {};
  const answer = await client.request<{ counts: Record<string, number> }>('GET', '/_ml/references/counts', {
    query: { fileIds: fileIds.join(',') },
    ...options,
  });
  return answer.counts;
}

/** `PUT /_ml/references`: the files one place uses now (what a CMS plugin reports on save). */
export async function putReferences(
  client: MediaClient,
  input: ReferencesInput,
  options: RequestOptions = {},
): Promise<void> {
  await client.request('PUT', '/_ml/references', { json: input, ...options });
}

/** `GET /_ml/trash`: one page of deleted files and folders, newest first. */
export function listTrash(
  client: MediaClient,
  page: { skip?: number; limit?: number } = {},
  options: RequestOptions = {},
): Promise<TrashPage> {
  return client.request<TrashPage>('GET', '/_ml/trash', {
    query: {
      ...(page.skip !== undefined && { skip: String(page.skip) }),
      ...(page.limit !== undefined && { limit: String(page.limit) }),
    },
    ...options,
  });
}

/** `POST /_ml/trash/restore`: puts items back where they were (409 when taken, unless `onConflict: 'rename'`). */
export function restoreFromTrash(
  client: MediaClient,
  request: RestoreRequest,
  options: RequestOptions = {},
): Promise<RestoreAnswer> {
  return client.request<RestoreAnswer>('POST', '/_ml/trash/restore', { json: request, ...options });
}

/** `DELETE /_ml/trash`: these items for good, or (no ids) everything the caller's trash holds. */
export async function deleteFromTrash(
  client: MediaClient,
  ids: { fileIds?: string[]; folderIds?: string[] } | 'all',
  options: RequestOptions = {},
): Promise<number> {
  const answer = await client.request<{ deleted: number }>('DELETE', '/_ml/trash', {
    ...(ids !== 'all' && { json: ids }),
    ...options,
  });
  return answer.deleted;
}

/** `GET /_ml/duplicates`: a page of duplicate groups inside `path`, after `cursor`. */
export function duplicateGroups(
  client: MediaClient,
  query: { path?: string; cursor?: string; limit?: number },
): Promise<DuplicateGroupsPage> {
  return client.request<DuplicateGroupsPage>('GET', '/_ml/duplicates', {
    query: {
      ...(query.path && { path: query.path }),
      ...(query.cursor && { cursor: query.cursor }),
      ...(query.limit && { limit: String(query.limit) }),
    },
  });
}
