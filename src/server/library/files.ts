import type { AuditActor } from '../../shared/audit.js';
import {
  aiJobsFor,
  assertExtensionsAvailable,
  extensionStatusOf,
  parseExtensions,
} from '../ai/extensions.js';
import type { ServerContext } from '../context.js';
import { badRequest, messages, notFound } from '../errors.js';
import type { FilePatch, FileRecord, Store } from '../store/store.js';
import { invalidParameter, normalizeTags, parseCustomCoordinates, parseDescription } from './attributes.js';
import { appendAudit, fileTarget, metadataChanges } from './audit.js';
import { deleteBlobs, deleteDerived } from './blobs.js';
import { applyCustomMetadata } from './custom-metadata.js';
import { trashEnabled, trashFile, trashTarget } from './trashing.js';

export async function requireFile(store: Store, fileId: string): Promise<FileRecord> {
  const file = await store.files.get(fileId);
  if (!file) throw notFound(messages.fileNotFound);
  return file;
}

/** `PATCH /v1/files/{fileId}/details`: the details to change, or (alone) the publication status. */
export interface FileDetailsInput {
  tags?: string[] | null;
  customCoordinates?: string | null;
  customMetadata?: Record<string, unknown>;
  description?: string;
  removeAITags?: string[] | 'all';
  extensions?: unknown[];
  webhookUrl?: string;
  publish?: { isPublished: boolean; includeFileVersions?: boolean };
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
  input: FileDetailsInput,
  actor: AuditActor,
): Promise<FileRecord & { extensionStatus?: ReturnType<typeof extensionStatusOf> }> {
  const keys = Object.keys(input);
  if (input.publish !== undefined) {
    if (keys.length > 1) {
      throw badRequest('Change the publication status in a request of its own, without other details.', {
        reason: 'INVALID_PARAMETER',
      });
    }
    return setPublished(ctx, fileId, input.publish, actor);
  }
  const unknown = keys.filter((k) => !detailKeys.has(k));
  if (unknown.length > 0) {
    throw badRequest(
      `Your request contains unknown parameter ${unknown.map((k) => `'${k}'`).join(', ')}. You can update ${[...detailKeys].join(', ')} or publish.`,
      { reason: 'INVALID_PARAMETER' },
    );
  }
  const extensions = parseExtensions(input.extensions);
  assertExtensionsAvailable(ctx.ai, extensions);
  const patch: FilePatch = {};
  if (input.tags !== undefined) patch.tags = input.tags === null ? null : normalizeTags(input.tags);
  const customCoordinates = parseCustomCoordinates(input.customCoordinates);
  if (customCoordinates !== undefined) patch.customCoordinates = customCoordinates;
  const description = parseDescription(input.description);
  if (description !== undefined) patch.description = description;
  const { removeAITags } = input;
  const fields = input.customMetadata !== undefined ? await ctx.store.customMetadataFields.list(false) : [];
  const saved = await ctx.store.transaction(async (store) => {
    const file = await requireFile(store, fileId);
    if (extensions?.length && file.fileType !== 'image')
      throw invalidParameter('extensions', `AI extensions work on images; this file is ${file.mime}.`);
    if (input.customMetadata !== undefined) {
      patch.customMetadata = applyCustomMetadata(file.customMetadata, input.customMetadata, fields, 'update');
    }
    if (removeAITags === 'all') patch.aiTags = null;
    else if (removeAITags && file.aiTags) {
      const remaining = file.aiTags.filter((t) => !removeAITags.includes(t.name));
      patch.aiTags = remaining.length > 0 ? remaining : null;
    }
    patch.updatedAt = Date.now();
    await store.files.updateVersions([file.versionId], patch);
    const updated = await requireFile(store, fileId);
    await appendAudit(store, actor, {
      action: 'file.update',
      ...fileTarget(updated),
      changes: metadataChanges(file, updated),
    });
    const jobs = aiJobsFor(fileId, file.versionId, extensions, Date.now());
    await store.aiJobs.insert(jobs);
    const answer: FileRecord & { extensionStatus?: ReturnType<typeof extensionStatusOf> } = updated;
    if (jobs.length > 0) answer.extensionStatus = extensionStatusOf(jobs);
    return answer;
  });
  if (saved.extensionStatus) ctx.aiJobs.wake();
  return saved;
}

async function setPublished(
  ctx: ServerContext,
  fileId: string,
  publish: NonNullable<FileDetailsInput['publish']>,
  actor: AuditActor,
): Promise<FileRecord> {
  return ctx.store.transaction(async (store) => {
    const file = await requireFile(store, fileId);
    const targets = publish.includeFileVersions
      ? (await store.files.versions(fileId)).map((v) => v.versionId)
      : [file.versionId];
    await store.files.updateVersions(targets, { isPublished: publish.isPublished, updatedAt: Date.now() });
    await appendAudit(store, actor, {
      action: 'file.publish',
      ...fileTarget(file),
      changes: { isPublished: { before: file.isPublished, after: publish.isPublished } },
    });
    return requireFile(store, fileId);
  });
}

/**
 * `DELETE /v1/files/{fileId}`: the file and every version, rows first, then bytes; to the trash
 * instead when it is on (src/server/library/trash.ts).
 */
export async function deleteFile(ctx: ServerContext, fileId: string, actor: AuditActor): Promise<void> {
  if (trashEnabled(ctx)) {
    const trashed = await ctx.store.transaction(async (store) => {
      const file = await requireFile(store, fileId);
      const moved = await trashFile(store, file, actor, ctx.config.trashDays);
      const target = fileTarget(file);
      await appendAudit(store, actor, {
        action: 'file.delete',
        ...target,
        target: { ...target.target, ...trashTarget(moved.item) },
      });
      return moved;
    });
    await deleteDerived(ctx, trashed.blobKeys);
    return;
  }
  const blobKeys = await ctx.store.transaction(async (store) => {
    const file = await requireFile(store, fileId);
    await store.versionData.forget((await store.files.versions(fileId)).map((v) => v.versionId));
    const keys = await store.files.delete(fileId);
    await store.blobJournal.add(keys, Date.now());
    await appendAudit(store, actor, { action: 'file.delete', ...fileTarget(file) });
    return keys;
  });
  await deleteBlobs(ctx, blobKeys);
}
