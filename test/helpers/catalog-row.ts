import type { FileRecord } from '../../src/server/store/store.js';

/**
 * A current, published JPEG's catalog row with id `id` at `folder` + `name`, for tests and benches
 * that seed the store straight (thousands of rows, no bytes); `fields` override the defaults.
 */
export function catalogRow(
  id: string,
  folder: string,
  name: string,
  fields: Partial<FileRecord> = {},
): FileRecord {
  return {
    versionId: id,
    fileId: id,
    versionNumber: 1,
    isCurrent: true,
    name,
    folder,
    filePath: folder + name,
    blobKey: `originals/${id.slice(-2)}/${id}`,
    size: 100_000,
    mime: 'image/jpeg',
    fileType: 'image',
    format: 'jpg',
    width: 1200,
    height: 800,
    hasAlpha: false,
    tags: [],
    aiTags: null,
    customCoordinates: null,
    customMetadata: {},
    embeddedMetadata: {},
    description: null,
    isPrivate: false,
    isPublished: true,
    createdAt: 0,
    updatedAt: 0,
    ...fields,
  };
}
