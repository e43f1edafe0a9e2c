import type { CustomMetadataFieldSchema, MediaFile, MediaFolder, UploadResponse } from '../../shared/wire.js';
import type { CustomMetadataFieldRecord, FileRecord, FolderRecord } from '../store/store.js';
import { toWireFolderPath } from './naming.js';

/** The named transform ImageKit's media library uses for thumbnails. */
export const thumbnailTransform = 'n-ik_ml_thumbnail';

const iso = (ms: number) => new Date(ms).toISOString();

/** `/a b/ü.jpg` → `/a%20b/%C3%BC.jpg`: each segment percent-encoded, slashes kept. */
export function encodePath(filePath: string): string {
  return filePath.split('/').map(encodeURIComponent).join('/');
}

/** The delivery URL of a version, cache-busted by `updatedAt` like ImageKit's. */
export function fileUrl(urlEndpoint: string, file: FileRecord): string {
  const version = file.isCurrent ? '' : `ik-obj-version=${file.versionId}&`;
  return `${urlEndpoint}${encodePath(file.filePath)}?${version}updatedAt=${file.updatedAt}`;
}

export function toMediaFile(file: FileRecord, urlEndpoint: string): MediaFile {
  const url = fileUrl(urlEndpoint, file);
  const out: MediaFile = {
    fileId: file.fileId,
    type: file.isCurrent ? 'file' : 'file-version',
    name: file.name,
    filePath: file.filePath,
    tags: file.tags,
    AITags: file.aiTags,
    versionInfo: { id: file.versionId, name: `Version ${file.versionNumber}` },
    isPrivateFile: file.isPrivate,
    isPublished: file.isPublished,
    customCoordinates: file.customCoordinates,
    url,
    thumbnail: `${url}&tr=${thumbnailTransform}`,
    fileType: file.fileType,
    mime: file.mime,
    size: file.size,
    hasAlpha: file.hasAlpha,
    customMetadata: file.customMetadata,
    createdAt: iso(file.createdAt),
    updatedAt: iso(file.updatedAt),
  };
  if (file.width !== null) out.width = file.width;
  if (file.height !== null) out.height = file.height;
  if (file.description !== null) out.description = file.description;
  return out;
}

export function toMediaFolder(folder: FolderRecord): MediaFolder {
  return {
    type: 'folder',
    folderId: folder.folderId,
    name: folder.name,
    folderPath: toWireFolderPath(folder.path),
    customMetadata: folder.customMetadata,
    createdAt: iso(folder.createdAt),
    updatedAt: iso(folder.updatedAt),
  };
}

/** Fields the upload response carries only when `responseFields` names them. */
export const optionalResponseFields = [
  'tags',
  'customCoordinates',
  'isPrivateFile',
  'embeddedMetadata',
  'isPublished',
  'customMetadata',
  'metadata',
  'selectedFieldsSchema',
] as const;

export type OptionalResponseField = (typeof optionalResponseFields)[number];

export function toUploadResponse(
  file: FileRecord,
  urlEndpoint: string,
  responseFields: ReadonlySet<OptionalResponseField>,
  fields: CustomMetadataFieldRecord[],
): UploadResponse {
  const out: UploadResponse = {
    fileId: file.fileId,
    name: file.name,
    filePath: file.filePath,
    url: `${urlEndpoint}${encodePath(file.filePath)}`,
    thumbnailUrl: `${urlEndpoint}/tr:${thumbnailTransform}${encodePath(file.filePath)}`,
    size: file.size,
    fileType: file.fileType,
    mime: file.mime,
    hasAlpha: file.hasAlpha,
    versionInfo: { id: file.versionId, name: `Version ${file.versionNumber}` },
    AITags: file.aiTags,
  };
  if (file.width !== null) out.width = file.width;
  if (file.height !== null) out.height = file.height;
  if (file.description !== null) out.description = file.description;
  if (responseFields.has('tags')) out.tags = file.tags;
  if (responseFields.has('customCoordinates')) out.customCoordinates = file.customCoordinates;
  if (responseFields.has('isPrivateFile')) out.isPrivateFile = file.isPrivate;
  if (responseFields.has('isPublished')) out.isPublished = file.isPublished;
  if (responseFields.has('customMetadata')) out.customMetadata = file.customMetadata;
  if (responseFields.has('embeddedMetadata')) out.embeddedMetadata = file.embeddedMetadata;
  if (responseFields.has('selectedFieldsSchema')) {
    const schemas: Record<string, CustomMetadataFieldSchema> = {};
    for (const field of fields) {
      if (!field.isDeleted && field.name in file.customMetadata) schemas[field.name] = field.schema;
    }
    out.selectedFieldsSchema = schemas;
  }
  return out;
}
