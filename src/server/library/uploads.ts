import type { UploadResponse } from '../../shared/wire.js';
import {
  aiJobsFor,
  assertExtensionsAvailable,
  type Extension,
  extensionStatusOf,
  parseExtensions,
} from '../ai/extensions.js';
import type { Principal } from '../auth/principal.js';
import { assertPathInScope, assertWriteInScope, sessionFileTooLarge, uploadLimitFor } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, messages } from '../errors.js';
import { readFileMetadata } from '../media/metadata.js';
import { probeFile } from '../media/probe.js';
import type { QueryNode } from '../search/query-language.js';
import type { AiJobRecord, Store } from '../store/store.js';
import {
  focusAreaWithin,
  invalidParameter,
  parseCustomCoordinates,
  parseDescription,
  tagsFromList,
} from './attributes.js';
import { actorOf, appendAudit, fileTarget, versionChanges } from './audit.js';
import { blobKeyFor, commitWithBlobs, type ReservedBlob } from './blobs.js';
import { applyCustomMetadata } from './custom-metadata.js';
import { pHashOfUpload } from './duplicates.js';
import { type OptionalResponseField, optionalResponseFields, toUploadResponse } from './file-object.js';
import { ensureFolderChain } from './folders.js';
import { newId } from './ids.js';
import { normalizeFolder, sanitizeFileName, uniqueFileName } from './naming.js';
import { notifyUploaded } from './notifications.js';
import { signAfterUpload } from './similar.js';
import type { StagedFile } from './staging.js';
import { enforceChecks, parseChecks } from './upload-checks.js';
import {
  applyFolderTagRule,
  applyNamingRule,
  enforceSizeRule,
  enforceTypeRule,
  uploadRulesOf,
} from './upload-rules.js';
import {
  applyPreTransformation,
  parseUploadTransformations,
  prerenderPostTransformations,
  readUploadTransformation,
  type UploadTransformationRequest,
} from './upload-transformations.js';
import { appendVersion, insertFile, newFileVersion } from './versions.js';

/** The text fields of an upload form, as received. */
export type UploadFields = Record<string, string | undefined>;

function readBool(fields: UploadFields, name: string, fallback: boolean): boolean {
  const raw = fields[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalidParameter(name, 'Use true or false.');
}

function parseJson(name: string, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidParameter(name, 'It must be valid JSON.');
  }
}

function parseResponseFields(raw: string | undefined): Set<OptionalResponseField> {
  const names = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(optionalResponseFields as readonly string[]).includes(name)) {
      throw invalidParameter(
        'responseFields',
        `'${name}' is not one of ${optionalResponseFields.join(', ')}.`,
      );
    }
  }
  return new Set(names as OptionalResponseField[]);
}

/** An upload's form fields, read and checked before any bytes are judged. */
export interface UploadRequest {
  requestedName: string;
  folder: string;
  tags: string[] | undefined;
  useUniqueFileName: boolean;
  overwriteFile: boolean;
  overwriteTags: boolean;
  overwriteAITags: boolean;
  overwriteCustomMetadata: boolean;
  isPrivate: boolean;
  isPublished: boolean;
  customCoordinates: string | null | undefined;
  customMetadataInput: unknown;
  responseFields: Set<OptionalResponseField>;
  description: string | undefined;
  checks: QueryNode | undefined;
  /** `transformation`: `pre` applied before storing, `post` renditions rendered after. */
  transformation: UploadTransformationRequest | undefined;
  /** AI work to run on the stored version in the background (docs/ai.md). */
  extensions: Extension[] | undefined;
}

/**
 * Reads an upload's fields as ImageKit names them (the multipart form, a tus upload's metadata,
 * a Companion import's metadata: one reading for all), refusing bad ones and a folder outside
 * the caller's session scope.
 */
export function readUploadRequest(fields: UploadFields, principal: Principal | null): UploadRequest {
  const requestedName = sanitizeFileName(fields.fileName);
  const folder = normalizeFolder(fields.folder);
  assertPathInScope(principal, folder);
  const request: UploadRequest = {
    requestedName,
    folder,
    tags: tagsFromList(fields.tags),
    useUniqueFileName: readBool(fields, 'useUniqueFileName', true),
    overwriteFile: readBool(fields, 'overwriteFile', true),
    overwriteTags: readBool(fields, 'overwriteTags', true),
    overwriteAITags: readBool(fields, 'overwriteAITags', true),
    overwriteCustomMetadata: readBool(fields, 'overwriteCustomMetadata', true),
    isPrivate: readBool(fields, 'isPrivateFile', false),
    isPublished: readBool(fields, 'isPublished', true),
    customCoordinates: parseCustomCoordinates(fields.customCoordinates),
    customMetadataInput: parseJson('customMetadata', fields.customMetadata),
    responseFields: parseResponseFields(fields.responseFields),
    description: parseDescription(fields.description),
    checks: undefined,
    transformation: readUploadTransformation(parseJson('transformation', fields.transformation)),
    extensions: parseExtensions(parseJson('extensions', fields.extensions)),
  };
  if (fields.checks) request.checks = parseChecks(fields.checks);
  return request;
}

/**
 * An upload's request after the library's upload rules (docs/server.md "Upload rules"): the one
 * reading every upload path goes through, so multipart v1 and v2, tus, URL and Companion imports
 * follow the same rules.
 */
async function readRuledRequest(ctx: ServerContext, fields: UploadFields, principal: Principal | null) {
  const rules = await uploadRulesOf(ctx);
  const ruled = { ...fields, ...applyNamingRule(rules, fields) };
  const request = readUploadRequest(ruled, principal);
  request.tags = applyFolderTagRule(rules, request.folder, request.tags);
  return { request, rules };
}

/** The refusal of a file over the caller's limit: the session's, saying so, or the server's. */
export function fileTooLarge(ctx: ServerContext, principal: Principal | null): ApiError {
  if (principal?.scope?.maxFileSize !== undefined && principal.scope.maxFileSize < ctx.config.maxUploadBytes)
    return sessionFileTooLarge(principal);
  return badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
}

/** Refuses a file over the caller's limit. */
export function assertSizeAllowed(ctx: ServerContext, principal: Principal | null, size: number): void {
  if (size > uploadLimitFor(principal, ctx.config.maxUploadBytes)) throw fileTooLarge(ctx, principal);
}

/**
 * What can be refused before the bytes are sent (a resumable upload's creation, a Companion
 * import): the fields, the folder scope, the declared size, custom metadata, and a name that is
 * taken when the upload may neither overwrite nor rename. The same checks run again on the bytes.
 */
export async function checkUploadAhead(
  ctx: ServerContext,
  fields: UploadFields,
  principal: Principal | null,
  declaredSize: number | undefined,
): Promise<UploadRequest> {
  const { request, rules } = await readRuledRequest(ctx, fields, principal);
  assertExtensionsAvailable(ctx.ai, request.extensions);
  if (declaredSize !== undefined) {
    assertSizeAllowed(ctx, principal, declaredSize);
    enforceSizeRule(rules, declaredSize);
  }
  await parseUploadTransformations(ctx, request.transformation);
  applyCustomMetadata(
    {},
    request.customMetadataInput,
    await ctx.store.customMetadataFields.list(false),
    'create',
  );
  if (
    !request.useUniqueFileName &&
    !request.overwriteFile &&
    (await ctx.store.files.getByPath(request.folder + request.requestedName))
  ) {
    throw badRequest(messages.nameTaken, { reason: 'FILE_ALREADY_EXISTS' });
  }
  return request;
}

export interface IngestOptions {
  fields: UploadFields;
  staged: StagedFile;
  urlEndpoint: string;
  /** Who uploads; a session may only upload into its folder and the types it accepts. */
  principal?: Principal | null;
  /** The version's id and blob key, journaled while the bytes arrived (`reserveBlob`). */
  reserved?: ReservedBlob;
}

/**
 * Turns staged bytes and form fields into a stored file (or a new version of one), following
 * ImageKit's upload semantics. The blob is journaled, moved into storage and only then is the
 * row committed, so the file is listed only once bytes and row are both durable.
 */
export async function ingestUpload(
  ctx: ServerContext,
  { fields, staged, urlEndpoint, principal = null, reserved }: IngestOptions,
): Promise<UploadResponse> {
  const ruled = await readRuledRequest(ctx, fields, principal);
  const {
    requestedName,
    folder,
    tags,
    useUniqueFileName,
    overwriteFile,
    overwriteTags,
    overwriteAITags,
    overwriteCustomMetadata,
    isPrivate,
    isPublished,
    customCoordinates,
    customMetadataInput,
    responseFields,
    description,
    checks,
    transformation,
    extensions,
  } = ruled.request;
  assertExtensionsAvailable(ctx.ai, extensions);
  const transformations = await parseUploadTransformations(ctx, transformation);

  if (staged.size === 0) throw invalidParameter('file', 'The file is empty.');
  if (staged.size > ctx.config.maxUploadBytes)
    throw badRequest(messages.fileTooLarge, { reason: 'FILE_TOO_LARGE' });
  enforceSizeRule(ruled.rules, staged.size);
  let probed = await probeFile(staged.path, staged.head, requestedName, ctx.config.maxImagePixels);
  if (transformations?.pre) {
    await applyPreTransformation(ctx, staged, probed.mime, transformations.pre);
    probed = await probeFile(staged.path, staged.head, requestedName, ctx.config.maxImagePixels);
  }
  enforceTypeRule(ruled.rules, probed.mime);
  if (extensions?.length && probed.fileType !== 'image')
    throw invalidParameter('extensions', `AI extensions work on images; this file is ${probed.mime}.`);
  // Before the bytes move into storage; the commit checks the version it makes again.
  assertWriteInScope(principal, { filePath: folder + requestedName, mime: probed.mime, size: staged.size });
  if (checks) {
    enforceChecks(checks, {
      file: { size: staged.size, mime: probed.mime, width: probed.width, height: probed.height },
      request: { folder, fileName: requestedName, tags: tags ?? [] },
    });
  }
  const metadataFields = await ctx.store.customMetadataFields.list(false);
  const fresh = {
    tags: tags ?? null,
    customMetadata: applyCustomMetadata({}, customMetadataInput, metadataFields, 'create'),
  };
  if (!useUniqueFileName && !overwriteFile && (await ctx.store.files.getByPath(folder + requestedName))) {
    throw badRequest(messages.nameTaken, { reason: 'FILE_ALREADY_EXISTS' });
  }
  const metadata = responseFields.has('metadata')
    ? await readFileMetadata(staged.path, probed.format, staged.size, ctx.config.maxImagePixels)
    : undefined;

  // Exact duplicates are found by this hash (GET /_ml/files/{id}/duplicates).
  const contentHash = await staged.sha256();
  // Near duplicates of images are found by this one (docs/server.md "Duplicates").
  const pHash = await pHashOfUpload(ctx, staged.path, probed.mime);
  const now = Date.now();
  const versionId = reserved?.versionId ?? newId(now);
  const blobKey = reserved?.blobKey ?? blobKeyFor(versionId);
  let aiJobs: AiJobRecord[] = [];
  const saved = await commitWithBlobs(
    ctx,
    [blobKey],
    () => ctx.storage.putFile(blobKey, staged.path),
    async (store) => {
      const name = useUniqueFileName ? await freeUniqueName(store, folder, requestedName) : requestedName;
      const existing = useUniqueFileName ? undefined : await store.files.getByPath(folder + name);
      if (existing && !overwriteFile) throw badRequest(messages.nameTaken, { reason: 'FILE_ALREADY_EXISTS' });
      const version = newFileVersion(
        { versionId, blobKey, size: staged.size, ...probed },
        { folder, name },
        now,
        {
          tags: fresh.tags,
          customCoordinates: customCoordinates ?? null,
          customMetadata: fresh.customMetadata,
          description: description ?? null,
          isPrivate,
          isPublished,
        },
      );
      await ensureFolderChain(store, folder, now);
      await store.contentHashes.record(versionId, contentHash);
      if (pHash) await store.perceptualHashes.record(versionId, pHash);
      const actor = actorOf(principal);
      if (!existing) {
        const inserted = await insertFile(store, ctx.config, version, principal);
        await appendAudit(store, actor, { action: 'file.upload', ...fileTarget(inserted) });
        // Queued with the version itself: a crash after the commit still runs them.
        aiJobs = aiJobsFor(inserted.fileId, versionId, extensions, now);
        await store.aiJobs.insert(aiJobs);
        return inserted;
      }
      const appended = await appendVersion(
        store,
        ctx.config,
        existing,
        {
          ...version,
          tags: tags !== undefined || overwriteTags ? fresh.tags : existing.tags,
          aiTags: overwriteAITags ? null : existing.aiTags,
          // Without overwriteCustomMetadata, sent values are merged onto the existing ones.
          customMetadata: overwriteCustomMetadata
            ? fresh.customMetadata
            : applyCustomMetadata(existing.customMetadata, customMetadataInput, metadataFields, 'update'),
          // Replacing an image should not silently drop its alt text, nor a focus area that still fits it.
          description: description ?? existing.description,
          customCoordinates:
            customCoordinates === undefined
              ? focusAreaWithin(existing.customCoordinates, probed.width, probed.height)
              : customCoordinates,
        },
        principal,
      );
      await appendAudit(store, actor, {
        action: 'file.version',
        ...fileTarget(appended),
        changes: versionChanges(existing, appended),
      });
      aiJobs = aiJobsFor(appended.fileId, versionId, extensions, now);
      await store.aiJobs.insert(aiJobs);
      return appended;
    },
    reserved?.journaled,
  );
  if (aiJobs.length > 0) ctx.aiJobs.wake();
  if (transformations?.post.length) await prerenderPostTransformations(ctx, saved, transformations.post);
  // A new file: whoever watches its folder hears of it, after the upload's answer is on its way.
  if (saved.versionNumber === 1) {
    notifyUploaded(ctx.store, principal, saved)
      .then((notified) => ctx.notificationHub.publish(notified))
      .catch((error) => ctx.notificationHub.onError(error));
  }
  // "Find similar" compares this signature; computed off the answer's path.
  signAfterUpload(ctx, saved);
  const response = toUploadResponse(saved, urlEndpoint, responseFields, metadataFields);
  if (metadata) response.metadata = metadata;
  if (aiJobs.length > 0) response.extensionStatus = extensionStatusOf(aiJobs);
  return response;
}

/** A unique-suffixed name not yet used in the folder (a clash of 8 random characters is rare, not impossible). */
async function freeUniqueName(store: Store, folder: string, name: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const candidate = uniqueFileName(name);
    if (!(await store.files.getByPath(folder + candidate))) return candidate;
  }
  throw new ApiError(503, 'Could not find a free unique file name; please retry.');
}
