import { extname } from 'node:path';
import type { Principal } from '../auth/principal.js';
import { assertFileVisible, assertPathInScope, isPathInScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { applyEdits, planEdits } from '../media/edit-operations.js';
import { probeFile } from '../media/probe.js';
import { mimeOfFormat, renderTransformation, resolveOutputFormat } from '../media/render.js';
import type { Transformation } from '../media/transformation.js';
import { readBlob } from '../storage/blob-storage.js';
import type { FileRecord } from '../store/store.js';
import { actorOf, appendAudit, fileTarget, versionChanges } from './audit.js';
import { blobKeyFor, commitWithBlobs } from './blobs.js';
import { asImageError, layerSourcesFor, referencesOf } from './delivery.js';
import { requireFile } from './files.js';
import { ensureFolderChain } from './folders.js';
import { newId } from './ids.js';
import { normalizeFolder, sanitizeFileName } from './naming.js';
import { StagedFile } from './staging.js';
import { appendVersion, insertFile, newFileVersion, type VersionBytes } from './versions.js';

const editable = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/gif',
  'image/tiff',
  'image/svg+xml',
]);

const extensionsOf: Record<string, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg', '.jpe'],
  'image/png': ['.png'],
  'image/webp': ['.webp'],
  'image/avif': ['.avif'],
};

const invalid = (why: string) => badRequest(why, { reason: 'INVALID_PARAMETER' });

/** What to do to an image, and where the result goes: the next version, or a new file. */
export interface EditInput {
  /** Checked and planned by planEdits, which says which operation is wrong and why. */
  operations?: unknown;
  saveAs?: { fileName: string; folder?: string } | null;
  versionId?: string;
}

/**
 * `POST /_ml/files/{fileId}/edit`: applies the operations to the current version (or
 * `versionId`) and saves the result as the file's next version, or with `saveAs` as a new file
 * beside it (or in `saveAs.folder`). Bytes go in through `commitWithBlobs`, as uploads do.
 */
export async function editFile(
  ctx: ServerContext,
  principal: Principal | null,
  fileId: string,
  input: EditInput,
): Promise<FileRecord> {
  const unknown = Object.keys(input).filter((k) => !['operations', 'saveAs', 'versionId'].includes(k));
  if (unknown.length > 0)
    throw invalid(`Unknown parameter ${unknown.join(', ')}: send operations, saveAs and versionId.`);
  const current = await requireFile(ctx.store, fileId);
  assertFileVisible(principal, current);
  let source = current;
  if (input.versionId !== undefined) {
    const version = (await ctx.store.files.versions(fileId)).find((v) => v.versionId === input.versionId);
    if (!version) throw notFound('The requested file version does not exist.', { reason: 'NOT_FOUND' });
    source = version;
  }
  if (!editable.has(source.mime) || source.width === null || source.height === null) {
    throw badRequest(`Only images can be edited; this file is ${source.mime}.`, { reason: 'NOT_AN_IMAGE' });
  }
  const plan = planEdits(
    input.operations,
    { width: source.width, height: source.height },
    ctx.config.maxTransformSize,
  );
  const format = plan.format ?? resolveOutputFormat(undefined, source.mime, undefined);
  const mime = mimeOfFormat[format];
  const saveAs = parseSaveAs(input.saveAs, source);
  if (saveAs) assertPathInScope(principal, saveAs.folder);
  const name = saveAs?.name ?? current.name;
  if (!saveAs && mime !== current.mime) {
    throw badRequest(
      `The result is ${mime} but ${current.name} is ${current.mime}: save a format change as a new file with saveAs.`,
      { reason: 'FORMAT_CHANGE_NEEDS_SAVE_AS' },
    );
  }
  const extension = extname(name).toLowerCase();
  const allowed = extensionsOf[mime];
  if (saveAs && allowed && extension !== '' && !allowed.includes(extension)) {
    throw badRequest(
      `saveAs.fileName ends in ${extension} but the result is ${mime}; use ${allowed[0]} or add a format operation.`,
      {
        reason: 'INVALID_PARAMETER',
      },
    );
  }

  let bytes: Buffer;
  try {
    bytes = await applyEdits(
      await readBlob(ctx.storage, source.blobKey),
      plan,
      format,
      ctx.config.maxImagePixels,
      (png, t) => drawLayers(ctx, principal, png, t),
    );
  } catch (error) {
    throw asImageError(error);
  }
  const staged = new StagedFile(ctx.stagingDir);
  try {
    await staged.writeBuffer(bytes, ctx.config.maxUploadBytes);
    const probed = await probeFile(staged.path, staged.head, name, ctx.config.maxImagePixels);
    const now = Date.now();
    const versionId = newId(now);
    const blobKey = blobKeyFor(versionId);
    const newBytes: VersionBytes = { versionId, blobKey, size: bytes.length, ...probed };
    return await commitWithBlobs(
      ctx,
      [blobKey],
      () => ctx.storage.putFile(blobKey, staged.path),
      async (store) => {
        const base = saveAs ? source : await requireFile(store, fileId);
        const record: FileRecord = {
          ...base,
          ...newBytes,
          customCoordinates: plan.movesPixels ? null : base.customCoordinates,
          createdAt: now,
          updatedAt: now,
        };
        const operations = { after: input.operations };
        if (!saveAs) {
          const appended = await appendVersion(store, ctx.config, base, record, principal);
          await appendAudit(store, actorOf(principal), {
            action: 'file.edit',
            ...fileTarget(appended),
            changes: { ...versionChanges(base, appended), operations },
          });
          return appended;
        }
        const filePath = saveAs.folder + saveAs.name;
        if (await store.files.getByPath(filePath)) {
          throw conflict(
            `A file named ${filePath} already exists. Choose another saveAs.fileName or folder.`,
            {
              reason: 'FILE_ALREADY_EXISTS',
            },
          );
        }
        await ensureFolderChain(store, saveAs.folder, now);
        const inserted = await insertFile(
          store,
          ctx.config,
          newFileVersion(newBytes, saveAs, now, record),
          principal,
        );
        await appendAudit(store, actorOf(principal), {
          action: 'file.edit',
          ...fileTarget(inserted),
          changes: { source: { after: { fileId: source.fileId, versionId: source.versionId } }, operations },
        });
        return inserted;
      },
    );
  } finally {
    await staged.discard();
  }
}

function parseSaveAs(
  raw: EditInput['saveAs'],
  source: FileRecord,
): { name: string; folder: string } | undefined {
  if (raw === undefined || raw === null) return undefined;
  const { fileName, folder, ...rest } = raw;
  if (Object.keys(rest).length > 0)
    throw invalid(`saveAs takes fileName and folder, not ${Object.keys(rest).join(', ')}.`);
  return {
    name: sanitizeFileName(fileName),
    folder: folder === undefined ? source.folder : normalizeFolder(folder),
  };
}

/**
 * A `layers` operation, drawn by the delivery renderer on the pixels so far. Its layers may draw
 * only files the editor may see, whatever their delivery URLs would need.
 */
async function drawLayers(
  ctx: ServerContext,
  principal: Principal | null,
  png: Buffer,
  t: Transformation,
): Promise<Buffer> {
  const references = await referencesOf(ctx, t);
  for (const [path, file] of references) {
    // Outside the session's folder the file does not exist, as for a missing one.
    if (!isPathInScope(principal, file.filePath)) {
      throw badRequest(`The layer's file ${path} does not exist.`, { reason: 'LAYER_NOT_FOUND' });
    }
  }
  return renderTransformation(
    { bytes: png, mime: 'image/png', customCoordinates: null },
    t,
    'png',
    {
      maxPixels: ctx.config.maxImagePixels,
      maxSize: ctx.config.maxTransformSize,
      maxOutputPixels: ctx.config.maxTransformPixels,
      memory: ctx.renderQueue,
    },
    layerSourcesFor(ctx, references),
  );
}
