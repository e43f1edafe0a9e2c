import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, messages, notFound } from '../errors.js';
import { placeholderImage, placeholderKind } from '../media/placeholders.js';
import { canPoster, ffmpegAvailable, posterFrame } from '../media/poster-frame.js';
import { readableImages } from '../media/probe.js';
import {
  type OutputFormat,
  type RenderSource,
  renderTransformation,
  resolveOutputFormat,
} from '../media/render.js';
import {
  canonicalSteps,
  type NamedTransforms,
  type OutputOptions,
  parseTransformation,
  type Transformation,
} from '../media/transformation.js';
import { readBlob } from '../storage/blob-storage.js';
import type { FileRecord } from '../store/store.js';
import { DerivedImages } from './derived-images.js';
import { type UrlSignature, verifyUrlSignature } from './url-signature.js';

/** A delivery URL taken apart: which file, which version, which transformation, which signature. */
export interface DeliveryUrl {
  filePath: string;
  /** The `tr:` path segment and every `tr` query parameter, chained with `:`. */
  transformation: string;
  versionId: string | undefined;
  signature: UrlSignature;
}

const invalidPath = (why: string) =>
  badRequest(`This URL's path is not valid: ${why}`, { reason: 'INVALID_PATH' });

function decodeSegment(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw invalidPath('it is not valid percent-encoding.');
  }
  // Paths name catalog entries, never disk locations; still, refuse anything that looks like a way out.
  if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) {
    throw invalidPath('it may not contain `.` or `..` segments or encoded slashes.');
  }
  return decoded;
}

/**
 * Reads ImageKit's URL forms (imagekit-api.md §8), as sent: `/tr:w-300/path/img.jpg`,
 * `/path/tr:w-300/img.jpg` and `/path/img.jpg?tr=w-300`, with `ik-v` or `ik-obj-version` for an
 * older version and `ik-s`/`ik-t` for a signature. `endpointPath` is the urlEndpoint's own path.
 */
export function parseDeliveryUrl(rawUrl: string, endpointPath: string): DeliveryUrl {
  const queryAt = rawUrl.indexOf('?');
  let path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  if (endpointPath && (path === endpointPath || path.startsWith(`${endpointPath}/`))) {
    path = path.slice(endpointPath.length);
  }
  // Empty segments (`//a.jpg`, as the legacy SDK builds from a bare origin) name nothing: skip them.
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment);
  const transformations: string[] = [];
  if (segments[0]?.startsWith('tr:')) transformations.push(segments.shift()!.slice(3));
  else if (segments.length >= 2 && segments.at(-2)!.startsWith('tr:')) {
    transformations.push(segments.splice(-2, 1)[0]!.slice(3));
  }
  const query = new URLSearchParams(rawQuery);
  transformations.push(...query.getAll('tr'));
  const kept = rawQuery
    .split('&')
    .filter((p) => p !== '' && !p.startsWith('ik-s=') && !p.startsWith('ik-t='));
  const relative = path.slice(1) + (kept.length > 0 ? `?${kept.join('&')}` : '');
  return {
    filePath: `/${segments.join('/')}`,
    transformation: transformations.filter((t) => t !== '').join(':'),
    versionId: query.get('ik-v') ?? query.get('ik-obj-version') ?? undefined,
    signature: {
      relative,
      signature: query.get('ik-s') ?? undefined,
      expiry: query.get('ik-t') ?? undefined,
    },
  };
}

export interface DeliveryTarget {
  /** The version to serve. */
  file: FileRecord;
  /** Absent (or `original`) for the original bytes. */
  transformation: Transformation | undefined;
  /** The URL named a version, so its bytes never change. */
  pinned: boolean;
  /** When access needed a signature: the Unix second it stops being valid. */
  signedUntil: number | undefined;
}

/**
 * Finds what a delivery URL points at and checks it may be served. A version is as unpublished
 * and as private as the file is now, and as it was itself: unpublished versions only with a valid
 * signature (and without one they do not exist: 404, as a missing file); private ones need one
 * too, except through named transformations.
 */
export async function resolveDelivery(
  ctx: ServerContext,
  named: NamedTransforms,
  url: DeliveryUrl,
  now = Date.now(),
): Promise<DeliveryTarget> {
  const transformation = url.transformation
    ? parseTransformation(url.transformation, named, ctx.config.maxTransformSteps)
    : undefined;
  const rendered = transformation && !transformation.original ? transformation : undefined;
  if (rendered && !rendered.onlyNamed && ctx.config.restrictUnnamedTransformations) {
    throw badRequest(
      'This server renders only named transformations (n-<name>): MEDIA_LIBRARY_RESTRICT_UNNAMED_TRANSFORMATIONS is on.',
      { reason: 'UNNAMED_TRANSFORMATION_RESTRICTED' },
    );
  }
  const missing = () => notFound(messages.fileNotFound, { reason: 'NOT_FOUND' });
  const current = await ctx.store.files.getByPath(url.filePath);
  if (!current) throw missing();
  let file = current;
  if (url.versionId !== undefined && url.versionId !== current.versionId) {
    const version = (await ctx.store.files.versions(current.fileId)).find(
      (v) => v.versionId === url.versionId,
    );
    if (!version) {
      if (!current.isPublished) throw missing();
      throw notFound('The requested file version does not exist.', { reason: 'NOT_FOUND' });
    }
    file = version;
  }
  const isPublished = current.isPublished && file.isPublished;
  const isPrivate = current.isPrivate || file.isPrivate;
  // Unpublished files do not exist for the public: a 404, unless a signature is offered.
  if (!isPublished && !url.signature.signature) throw missing();
  const viaNamed = rendered?.onlyNamed === true;
  // Configured so, any other transformation must be signed, as on a private file.
  const signedRender = ctx.config.signedTransformations && rendered !== undefined && !viaNamed;
  if (signedRender && !url.signature.signature) {
    throw new ApiError(
      401,
      'This server renders transformations only from signed URLs (MEDIA_LIBRARY_SIGNED_TRANSFORMATIONS): sign the URL with ik-s, or use a named transformation (n-<name>).',
      { reason: 'SIGNATURE_REQUIRED' },
    );
  }
  let signedUntil: number | undefined;
  if (!isPublished || (isPrivate && !viaNamed) || signedRender) {
    try {
      signedUntil = await verifyUrlSignature(ctx.store, url.signature, now);
    } catch (error) {
      // Whether an unpublished file exists is no business of someone without a valid signature.
      if (!isPublished && error instanceof ApiError && error.status === 401) throw missing();
      throw error;
    }
  }
  return {
    file,
    transformation: rendered,
    pinned: url.versionId !== undefined,
    signedUntil,
  };
}

/** What a transformation starts from: the image itself, a video's poster frame, or a placeholder. */
export type SourceKind = 'image' | 'poster' | 'placeholder';

export async function sourceKindOf(file: FileRecord): Promise<SourceKind> {
  if (readableImages.has(file.mime)) return 'image';
  if (canPoster(file.mime) && (await ffmpegAvailable())) return 'poster';
  return 'placeholder';
}

/** A planned derived image: its cache key, ETag and type, known before any pixel is decoded. */
export interface DerivedPlan {
  key: string;
  etag: string;
  format: OutputFormat;
  kind: SourceKind;
  /** `f-auto` chose the format from `Accept`: responses vary by it. */
  negotiated: boolean;
}

const extensions: Record<OutputFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  gif: 'gif',
};

function outputKey(format: OutputFormat, o: OutputOptions): string {
  return [
    `f-${format}`,
    o.quality !== undefined ? `q-${o.quality}` : '',
    o.progressive ? 'pr' : '',
    o.lossless ? 'lo' : '',
    o.keepMetadata ? 'md' : '',
    o.keepColorProfile ? 'cp' : '',
  ].join(',');
}

export async function planDerived(
  file: FileRecord,
  t: Transformation,
  accept: string | undefined,
): Promise<DerivedPlan> {
  const kind = await sourceKindOf(file);
  const sourceMime = kind === 'image' ? file.mime : kind === 'poster' ? 'image/jpeg' : 'image/png';
  const format = resolveOutputFormat(t.output.format, sourceMime, accept);
  const hash = createHash('sha256')
    .update(`${kind}|${canonicalSteps(t)}|${outputKey(format, t.output)}`)
    .digest('hex')
    .slice(0, 32);
  return {
    key: DerivedImages.keyFor(file.blobKey, hash, extensions[format]),
    etag: `"${file.versionId}-${hash.slice(0, 20)}"`,
    format,
    kind,
    negotiated: t.output.format === 'auto',
  };
}

/** The pixels a transformation of `file` starts from. */
export async function renderSourceFor(
  ctx: ServerContext,
  file: FileRecord,
  kind: SourceKind,
): Promise<RenderSource> {
  if (kind === 'image') {
    // SVGs are read from memory, never from a path, so librsvg has no directory to resolve references in.
    return {
      bytes: await readBlob(ctx.storage, file.blobKey),
      mime: file.mime,
      customCoordinates: file.customCoordinates,
    };
  }
  if (kind === 'poster') {
    const poster = await withLocalCopy(ctx, file.blobKey, (path) => posterFrame(path, file.mime));
    if (poster) return { bytes: poster, mime: 'image/png', customCoordinates: null };
  }
  return {
    bytes: await placeholderImage(placeholderKind(file.mime)),
    mime: 'image/png',
    customCoordinates: null,
  };
}

/** ffmpeg needs a seekable local file; blobs may live elsewhere (S3), so copy to staging. */
async function withLocalCopy<T>(ctx: ServerContext, blobKey: string, work: (path: string) => Promise<T>) {
  const path = join(ctx.stagingDir, `poster-${randomUUID()}`);
  try {
    await pipeline(await ctx.storage.read(blobKey), createWriteStream(path));
    return await work(path);
  } finally {
    await rm(path, { force: true });
  }
}

/** Renders a planned derived image; undecodable or oversized images are the client's 400, not our 500. */
export async function renderDerived(
  ctx: ServerContext,
  file: FileRecord,
  t: Transformation,
  plan: DerivedPlan,
): Promise<Buffer> {
  const source = await renderSourceFor(ctx, file, plan.kind);
  try {
    return await renderTransformation(source, t, plan.format, {
      maxPixels: ctx.config.maxImagePixels,
      maxSize: ctx.config.maxTransformSize,
      maxOutputPixels: ctx.config.maxTransformPixels,
      memory: ctx.renderQueue,
    });
  } catch (error) {
    throw asImageError(error);
  }
}

/** Maps sharp's failures to a 400 that says what is wrong with the image. */
export function asImageError(error: unknown): unknown {
  if (error instanceof ApiError || !(error instanceof Error)) return error;
  if (/pixel limit/i.test(error.message)) {
    return badRequest('The image has more pixels than this server processes.', { reason: 'IMAGE_TOO_LARGE' });
  }
  if (/timeout/i.test(error.message)) {
    return new ApiError(503, 'Processing the image took too long. Try a smaller transformation.', {
      reason: 'TIMEOUT',
    });
  }
  return badRequest(`The image could not be processed: ${error.message.split('\n')[0]}`, {
    reason: 'INVALID_IMAGE',
  });
}
