import type { CustomMetadataValue, MediaFile } from '../shared/wire.js';
import type { MediaClient, RequestOptions } from './media-client.js';

/**
 * Writes through ImageKit's v1 API (and our `/_ml` additions), as functions over a MediaClient:
 * the element imports them only in its lazy editing chunks, so the core bundle does not carry them.
 */

const file = (fileId: string) => `/v1/files/${encodeURIComponent(fileId)}`;

/** What `PATCH /v1/files/{fileId}/details` changes; `null` in customMetadata removes a value. */
export interface FileDetailsPatch {
  /** Alt text lives here (ImageKit's field). */
  description?: string;
  tags?: string[] | null;
  customMetadata?: Record<string, CustomMetadataValue | null>;
  /** `x,y,width,height` in the original's pixels, or `null` to clear. */
  customCoordinates?: string | null;
  /** AI tags to drop by name, or `all` (ImageKit's field). */
  removeAITags?: string[] | 'all';
  /**
   * AI work to run in the background (docs/ai.md): `{name: 'google-auto-tagging'}`,
   * `{name: 'remove-bg', options: {bg_color: 'FFFFFF'}}`; `GET /_ml/files/{id}/ai` says when it is done.
   */
  extensions?: Array<{ name: string } & Record<string, unknown>>;
}

/** `PATCH /v1/files/{fileId}/details`. */
export function updateFileDetails(
  client: MediaClient,
  fileId: string,
  patch: FileDetailsPatch,
  options: RequestOptions = {},
): Promise<MediaFile> {
  return client.request<MediaFile>('PATCH', `${file(fileId)}/details`, { json: patch, ...options });
}

/** `PUT /v1/files/rename`, then the file as it is now. */
export async function renameFile(
  client: MediaClient,
  target: MediaFile,
  newFileName: string,
): Promise<MediaFile> {
  await client.request('PUT', '/v1/files/rename', { json: { filePath: target.filePath, newFileName } });
  return client.getFileDetails(target.fileId);
}

/**
 * `GET /_ml/files/{fileId}/download-url`: a URL that downloads the original under its name,
 * signed for a few minutes when the file is private (the media-library server's; ImageKit has none).
 */
export function downloadUrl(
  client: MediaClient,
  fileId: string,
): Promise<{ url: string; expiresAt?: string }> {
  return client.request('GET', `/_ml/files/${encodeURIComponent(fileId)}/download-url`);
}

/** `GET /_ml/tags`: tags in use that start with `prefix`. */
export function suggestTags(
  client: MediaClient,
  prefix: string,
  limit = 8,
  options: RequestOptions = {},
): Promise<string[]> {
  return client.request<string[]>('GET', '/_ml/tags', {
    query: { prefix, limit: String(limit) },
    ...options,
  });
}

/** Which files a bulk call changed; `missingFileIds` when some were not found. */
export interface BulkResult {
  successfullyUpdatedFileIds?: string[];
  successfullyDeletedFileIds?: string[];
  missingFileIds?: string[];
}

/** `POST /v1/files/addTags` or `/v1/files/removeTags`. */
export function changeTags(
  client: MediaClient,
  how: 'add' | 'remove',
  fileIds: string[],
  tags: string[],
): Promise<BulkResult> {
  return client.request<BulkResult>('POST', how === 'add' ? '/v1/files/addTags' : '/v1/files/removeTags', {
    json: { fileIds, tags },
  });
}

/** `POST /v1/files/batch/deleteByFileIds`. */
export function deleteFiles(client: MediaClient, fileIds: string[]): Promise<BulkResult> {
  return client.request<BulkResult>('POST', '/v1/files/batch/deleteByFileIds', { json: { fileIds } });
}

/** `POST /v1/files/move` or `/v1/files/copy` into `destinationPath` (`/a/b`). */
export async function transferFile(
  client: MediaClient,
  how: 'move' | 'copy',
  sourceFilePath: string,
  destinationPath: string,
): Promise<void> {
  await client.request('POST', `/v1/files/${how}`, { json: { sourceFilePath, destinationPath } });
}

/** `DELETE /v1/folder`. */
export async function deleteFolder(client: MediaClient, folderPath: string): Promise<void> {
  await client.request('DELETE', '/v1/folder', { json: { folderPath } });
}

/** `GET /v1/bulkJobs/{jobId}`. */
export interface JobStatus {
  jobId: string;
  type: string;
  status: 'Pending' | 'Completed' | 'Failed';
  error?: string;
}

/** `POST /v1/bulkJobs/renameFolder` or `moveFolder`: answers the job to poll. */
export function startFolderJob(
  client: MediaClient,
  body: { folderPath: string; newFolderName: string } | { sourceFolderPath: string; destinationPath: string },
): Promise<{ jobId: string }> {
  return client.request('POST', `/v1/bulkJobs/${'newFolderName' in body ? 'renameFolder' : 'moveFolder'}`, {
    json: body,
  });
}

/** Polls a bulk job until it is no longer pending. */
export async function waitForJob(client: MediaClient, jobId: string, intervalMs = 250): Promise<JobStatus> {
  for (;;) {
    const job = await client.request<JobStatus>('GET', `/v1/bulkJobs/${encodeURIComponent(jobId)}`);
    if (job.status !== 'Pending') return job;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `GET /v1/files/{fileId}/versions`: every version, current included. */
export function listVersions(client: MediaClient, fileId: string): Promise<MediaFile[]> {
  return client.request<MediaFile[]>('GET', `${file(fileId)}/versions`);
}

/** `PUT /v1/files/{fileId}/versions/{versionId}/restore`: answers the file as restored. */
export function restoreVersion(client: MediaClient, fileId: string, versionId: string): Promise<MediaFile> {
  return client.request<MediaFile>(
    'PUT',
    `${file(fileId)}/versions/${encodeURIComponent(versionId)}/restore`,
  );
}

/** `DELETE /v1/files/{fileId}/versions/{versionId}` (not the current one). */
export async function deleteVersion(client: MediaClient, fileId: string, versionId: string): Promise<void> {
  await client.request('DELETE', `${file(fileId)}/versions/${encodeURIComponent(versionId)}`);
}

/** One step of `POST /_ml/files/{fileId}/edit`, applied in order. */
export type EditOperation =
  | { type: 'crop'; x: number; y: number; width: number; height: number }
  | { type: 'rotate'; angle: 90 | 180 | 270 }
  | { type: 'flip'; direction: 'horizontal' | 'vertical' }
  | { type: 'resize'; width?: number; height?: number }
  | { type: 'format'; format: 'jpg' | 'png' | 'webp' | 'avif'; quality?: number }
  /** `r-`, `bg-` and layers as a delivery URL's `tr` writes them, drawn into the pixels. */
  | { type: 'layers'; transformation: string };

/** `POST /_ml/files/{fileId}/edit`: a new version, or with `saveAs` a new file. */
export function editImage(
  client: MediaClient,
  fileId: string,
  body: { operations: EditOperation[]; saveAs?: { fileName: string; folder?: string } },
): Promise<MediaFile> {
  return client.request<MediaFile>('POST', `/_ml/files/${encodeURIComponent(fileId)}/edit`, { json: body });
}

/**
 * The upload fields that make an upload a new version of the file at its path (`overwriteFile`).
 * Keeping its details sends ImageKit's `overwriteTags`, `overwriteCustomMetadata` and
 * `overwriteAITags` as false (the media server also keeps alt text and a focus area that fits);
 * not keeping them drops tags and custom metadata (ImageKit's default) and clears alt text and
 * the focus area.
 */
export function newVersionFields(keepDetails: boolean): Record<string, string> {
  return {
    useUniqueFileName: 'false',
    overwriteFile: 'true',
    ...(keepDetails
      ? { overwriteTags: 'false', overwriteCustomMetadata: 'false', overwriteAITags: 'false' }
      : { description: '', customCoordinates: '' }),
  };
}

/**
 * `POST /api/v1/files/upload` over the file's own path: a new version that keeps the fileId and
 * URL, and its details unless told otherwise (see newVersionFields). Answers the file as it is now.
 */
export async function replaceFile(
  client: MediaClient,
  target: MediaFile,
  bytes: Blob,
  keepDetails = true,
): Promise<MediaFile> {
  const form = new FormData();
  form.set('file', bytes, target.name);
  form.set('fileName', target.name);
  form.set('folder', target.filePath.slice(0, -target.name.length) || '/');
  for (const [name, value] of Object.entries(newVersionFields(keepDetails))) form.set(name, value);
  await client.request('POST', '/api/v1/files/upload', { body: form });
  return client.getFileDetails(target.fileId);
}
