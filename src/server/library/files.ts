import type { ServerContext } from '../context.js';
import { badRequest, messages, notFound } from '../errors.js';
import type { FilePatch, FileRecord, Store } from '../store/store.js';
import {
  invalidParameter,
  parseCustomCoordinates,
  parseDescription,
  refuseExtensions,
  tagsFromArray,
} from './attributes.js';
import { deleteBlobs } from './blobs.js';
import { applyCustomMetadata } from './custom-metadata.js';

export async function requireFile(store: Store, fileId: string): Promise<FileRecord> {
  const file = await store.files.get(fileId);
  if (!file) throw notFound(messages.fileNotFound);
  return file;
}

const detailKeys = new Set([
  'tags',
  'customCoordinates',
  'customMetadata',
  'description',
  'removeAITags',
  'extensions',
  'webhookUrl',
]);

/**
 * `PATCH /v1/files/{fileId}/details`: either details (tags, customCoordinates, customMetadata,
 * description, removeAITags) or `{publish}`, never both, as ImageKit's two request shapes.
 */
export async function updateFileDetails(
  ctx: ServerContext,
  fileId: string,
  body: unknown,
): Promise<FileRecord> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Send a JSON object with the details to change.', { reason: 'INVALID_PARAMETER' });
  }
  const input = body as Record<string, unknown>;
  const keys = Object.keys(input);
  if (keys.includes('publish')) {
    if (keys.length > 1) {
      throw badRequest('Change the publication status in a request of its own, without other details.', {
        reason: 'INVALID_PARAMETER',
      });
    }
    return setPublished(ctx, fileId, input.publish);
  }
  const unknown = keys.filter((k) => !detailKeys.has(k));
  if (unknown.length > 0) {
    throw badRequest(
      `Your request contains unknown parameter ${unknown.map((k) => `'${k}'`).join(', ')}. You can update ${[...detailKeys].join(', ')} or publish.`,
      { reason: 'INVALID_PARAMETER' },
    );
  }
  refuseExtensions(input.extensions);
  const patch: FilePatch = {};
  if (input.tags !== undefined) patch.tags = tagsFromArray(input.tags);
  const customCoordinates = parseCustomCoordinates(input.customCoordinates);
  if (customCoordinates !== undefined) patch.customCoordinates = customCoordinates;
  const description = parseDescription(input.description);
  if (description !== undefined) patch.description = description;
  const removeAITags = input.removeAITags;
  if (removeAITags !== undefined && removeAITags !== 'all') {
    if (!Array.isArray(removeAITags) || !removeAITags.every((t) => typeof t === 'string')) {
      throw invalidParameter('removeAITags', 'Send an array of AITag names, or "all".');
    }
  }
  const fields = input.customMetadata !== undefined ? await ctx.store.customMetadataFields.list(false) : [];
  return ctx.store.transaction(async (store) => {
    const file = await requireFile(store, fileId);
    if (input.customMetadata !== undefined) {
      patch.customMetadata = applyCustomMetadata(file.customMetadata, input.customMetadata, fields, 'update');
    }
    if (removeAITags === 'all') patch.aiTags = null;
    else if (Array.isArray(removeAITags) && file.aiTags) {
      const remaining = file.aiTags.filter((t) => !removeAITags.includes(t.name));
      patch.aiTags = remaining.length > 0 ? remaining : null;
    }
    patch.updatedAt = Date.now();
    await store.files.updateVersions([file.versionId], patch);
    return requireFile(store, fileId);
  });
}

async function setPublished(ctx: ServerContext, fileId: string, publish: unknown): Promise<FileRecord> {
  const p = publish as { isPublished?: unknown; includeFileVersions?: unknown } | null;
  if (!p || typeof p !== 'object' || typeof p.isPublished !== 'boolean') {
    throw invalidParameter(
      'publish',
      'Send {"publish": {"isPublished": true|false, "includeFileVersions": true|false}}.',
    );
  }
  if (p.includeFileVersions !== undefined && typeof p.includeFileVersions !== 'boolean') {
    throw invalidParameter('publish', 'includeFileVersions must be true or false.');
  }
  const isPublished = p.isPublished;
  return ctx.store.transaction(async (store) => {
    const file = await requireFile(store, fileId);
    const targets = p.includeFileVersions
      ? (await store.files.versions(fileId)).map((v) => v.versionId)
      : [file.versionId];
    await store.files.updateVersions(targets, { isPublished, updatedAt: Date.now() });
    return requireFile(store, fileId);
  });
}

/** `DELETE /v1/files/{fileId}`: the file and every version, rows first, then bytes. */
export async function deleteFile(ctx: ServerContext, fileId: string): Promise<void> {
  const blobKeys = await ctx.store.transaction(async (store) => {
    await requireFile(store, fileId);
    const keys = await store.files.delete(fileId);
    await store.blobJournal.add(keys, Date.now());
    return keys;
  });
  await deleteBlobs(ctx, blobKeys);
}
