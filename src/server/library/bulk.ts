import type { AuditAction } from '../../shared/audit.js';
import type { Principal } from '../auth/principal.js';
import { assertLevel, isPathInScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { ApiError, messages } from '../errors.js';
import type { FilePatch, FileRecord, Store } from '../store/store.js';
import { normalizeTags } from './attributes.js';
import { type AuditEvent, actorOf, appendAudit, fileTarget, metadataChanges } from './audit.js';
import { deleteBlobs, deleteDerived } from './blobs.js';
import { trashEnabled, trashFile, trashTarget } from './trashing.js';

export const maxBulkIds = 100;

/** What a bulk call answers: 200 when every id worked, 207 when some did, 404 when none existed. */
export interface BulkOutcome {
  status: 200 | 207;
  body: BulkAnswer;
}

/** The ids that worked, under the call's own key, and the ids that did not with why. */
export type BulkAnswer = Partial<Record<BulkSuccessKey, string[]>> & {
  errors?: Array<{ fileId: string; error: string }>;
};

type BulkSuccessKey = 'successfullyDeletedFileIds' | 'successfullyUpdatedFileIds';

/**
 * Runs `apply` on every existing file of `fileIds` in one transaction and shapes ImageKit's
 * answer: the ids that worked under `successKey`, per-id errors for missing ones (207), or a
 * 404 with `missingFileIds` when none existed.
 */
async function forEachFile(
  ctx: ServerContext,
  principal: Principal | null,
  fileIds: string[],
  successKey: BulkSuccessKey,
  apply: (store: Store, file: FileRecord) => Promise<AuditEvent>,
): Promise<BulkOutcome> {
  const actor = actorOf(principal);
  const { done, missing } = await ctx.store.transaction(async (store) => {
    const done: string[] = [];
    const missing: string[] = [];
    for (const fileId of new Set(fileIds)) {
      const file = await store.files.get(fileId);
      // A file outside a session's folder is as missing as one that does not exist.
      if (!file || !isPathInScope(principal, file.filePath, file.fileId)) missing.push(fileId);
      else {
        // A member changes only what its grants let it: tags need contribute, deleting manage.
        assertLevel(
          principal,
          successKey === 'successfullyDeletedFileIds' ? 'manage' : 'contribute',
          file.filePath,
          file.fileId,
        );
        await appendAudit(store, actor, await apply(store, file));
        done.push(fileId);
      }
    }
    return { done, missing };
  });
  if (done.length === 0) {
    throw new ApiError(404, 'The requested file(s) does not exist.', {
      missingFileIds: missing,
      reason: 'FILES_MISSING',
    });
  }
  const body: BulkAnswer = { [successKey]: done };
  if (missing.length === 0) return { status: 200, body };
  body.errors = missing.map((fileId) => ({ fileId, error: messages.fileNotFound }));
  return { status: 207, body };
}

/** `POST /v1/files/batch/deleteByFileIds`. */
export async function bulkDelete(
  ctx: ServerContext,
  principal: Principal | null,
  body: { fileIds: string[] },
): Promise<BulkOutcome> {
  const blobKeys: string[] = [];
  const trashedKeys: string[] = [];
  const actor = actorOf(principal);
  const outcome = await forEachFile(
    ctx,
    principal,
    body.fileIds,
    'successfullyDeletedFileIds',
    async (store, file) => {
      const target = fileTarget(file);
      if (trashEnabled(ctx)) {
        const moved = await trashFile(store, file, actor, ctx.config.trashDays);
        trashedKeys.push(...moved.blobKeys);
        return { action: 'file.delete', ...target, target: { ...target.target, ...trashTarget(moved.item) } };
      }
      await store.versionData.forget((await store.files.versions(file.fileId)).map((v) => v.versionId));
      const keys = await store.files.delete(file.fileId);
      await store.blobJournal.add(keys, Date.now());
      blobKeys.push(...keys);
      return { action: 'file.delete', ...target };
    },
  );
  await deleteBlobs(ctx, blobKeys);
  await deleteDerived(ctx, trashedKeys);
  return outcome;
}

/** Changes each file's current version as `change` says; the answer lists them as updated. */
function updateEach(
  ctx: ServerContext,
  principal: Principal | null,
  fileIds: string[],
  action: AuditAction,
  change: (file: FileRecord) => FilePatch,
): Promise<BulkOutcome> {
  const now = Date.now();
  return forEachFile(ctx, principal, fileIds, 'successfullyUpdatedFileIds', async (store, file) => {
    await store.files.updateVersions([file.versionId], { ...change(file), updatedAt: now });
    const updated = (await store.files.get(file.fileId))!;
    return { action, ...fileTarget(updated), changes: metadataChanges(file, updated) };
  });
}

/** A list with nothing left in it is stored as none at all, as ImageKit answers it. */
const noneIfEmpty = <T>(list: T[]): T[] | null => (list.length > 0 ? list : null);

/** `POST /v1/files/addTags`: adds to each file's tags, keeping the 500-character rule. */
export function bulkAddTags(
  ctx: ServerContext,
  principal: Principal | null,
  body: { fileIds: string[]; tags: string[] },
): Promise<BulkOutcome> {
  return updateEach(ctx, principal, body.fileIds, 'file.tags.add', (file) => ({
    tags: normalizeTags([...(file.tags ?? []), ...body.tags]),
  }));
}

/** `POST /v1/files/removeTags`. */
export function bulkRemoveTags(
  ctx: ServerContext,
  principal: Principal | null,
  body: { fileIds: string[]; tags: string[] },
): Promise<BulkOutcome> {
  const tags = new Set(body.tags);
  return updateEach(ctx, principal, body.fileIds, 'file.tags.remove', (file) => ({
    tags: noneIfEmpty((file.tags ?? []).filter((t) => !tags.has(t))),
  }));
}

/** `POST /v1/files/removeAITags`. */
export function bulkRemoveAITags(
  ctx: ServerContext,
  principal: Principal | null,
  body: { fileIds: string[]; AITags: string[] },
): Promise<BulkOutcome> {
  const names = new Set(body.AITags);
  return updateEach(ctx, principal, body.fileIds, 'file.aiTags.remove', (file) => ({
    aiTags: noneIfEmpty((file.aiTags ?? []).filter((t) => !names.has(t.name))),
  }));
}
