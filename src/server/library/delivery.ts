import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyseVersion } from '../ai/jobs.js';
import { isPathInScope, type Scoped } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { ApiError, badRequest, messages, notFound } from '../errors.js';
import { pdfPage, pdfRenderBytes, pdftoppmAvailable } from '../media/pdf.js';
import { placeholderImage, placeholderKind } from '../media/placeholders.js';
import { canPoster, ffmpegAvailable, posterFrame } from '../media/poster-frame.js';
import { readableImages } from '../media/probe.js';
import { psdComposite, psdMime, psdSize } from '../media/psd.js';
import {
  type LayerSources,
  type OutputFormat,
  type RenderSource,
  renderTransformation,
  resolveOutputFormat,
} from '../media/render.js';
import { type FontFace, fontFamilyName, sfntFromWoff } from '../media/text.js';
import {
  type ClientHints,
  canonicalSteps,
  isConditional,
  type NamedTransforms,
  type OutputOptions,
  parseTransformation,
  referencedPaths,
  removesBackground,
  type Transformation,
} from '../media/transformation.js';
import { readBlob } from '../storage/blob-storage.js';
import type { FileRecord } from '../store/store.js';
import { assertMayRemoveBackground, backgroundCutter } from './background-removal.js';
import { DerivedImages } from './derived-images.js';
import { withLocalCopy } from './local-copy.js';
import { type UrlSignature, verifyUrlSignature } from './url-signature.js';
import { checkPictureVideoOptions } from './video-delivery.js';

/** A delivery URL taken apart: which file, which version, which transformation, which signature. */
export interface DeliveryUrl {
  filePath: string;
  /** The `tr:` path segment and every `tr` query parameter, decoded, chained with `:`. */
  transformation: string;
  versionId: string | undefined;
  signature: UrlSignature;
  /** The path ended in ImageKit's `/ik-thumbnail.jpg`: a JPEG picture of the file before it. */
  thumbnail: boolean;
  /** `ik-attachment=true`: served as a download. */
  attachment: boolean;
  /** The cache-buster the API's URLs carry (`updatedAt=`, the file's in ms), when present. */
  updatedAt: number | undefined;
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

function decodeTransformation(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalidPath('its transformation is not valid percent-encoding.');
  }
}

/** ImageKit's suffix for a picture of a non-image (a PDF page, a video frame). */
const thumbnailSuffix = 'ik-thumbnail.jpg';

/**
 * Reads ImageKit's URL forms (imagekit-api.md §8), as sent: `/tr:w-300/path/img.jpg`,
 * `/path/tr:w-300/img.jpg` and `/path/img.jpg?tr=w-300`, with `ik-v` or `ik-obj-version` for an
 * older version, `ik-s`/`ik-t` for a signature, `ik-attachment=true` for a download and
 * `/ik-thumbnail.jpg` after a file for its thumbnail. `endpointPath` is the urlEndpoint's own path.
 */
export function parseDeliveryUrl(rawUrl: string, endpointPath: string): DeliveryUrl {
  const queryAt = rawUrl.indexOf('?');
  let path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  if (endpointPath && (path === endpointPath || path.startsWith(`${endpointPath}/`))) {
    path = path.slice(endpointPath.length);
  }
  // Empty segments (`//a.jpg`, as the legacy SDK builds from a bare origin) name nothing: skip them.
  const raw = path.split('/').filter((s) => s !== '');
  const transformations: string[] = [];
  // A transformation is no path: a layer's base64 input may hold an encoded `/`.
  if (raw[0]?.startsWith('tr:')) transformations.push(decodeTransformation(raw.shift()!.slice(3)));
  else if (raw.length >= 2 && raw.at(-2)!.startsWith('tr:')) {
    transformations.push(decodeTransformation(raw.splice(-2, 1)[0]!.slice(3)));
  }
  const segments = raw.map(decodeSegment);
  const thumbnail = segments.length >= 2 && segments.at(-1) === thumbnailSuffix;
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
    thumbnail,
    attachment: query.get('ik-attachment') === 'true',
    updatedAt: query.has('updatedAt') ? Number(query.get('updatedAt')) : undefined,
  };
}

/** `Sec-CH-Width`/`Width` and `Sec-CH-DPR`/`DPR`, as `w-auto` and `dpr-auto` read them. */
export function clientHintsOf(headers: Record<string, string | string[] | undefined>): ClientHints {
  const number = (...names: string[]) => {
    for (const name of names) {
      const value = Number(headers[name]);
      if (Number.isFinite(value) && value > 0) return value;
    }
    return undefined;
  };
  const width = number('sec-ch-width', 'width');
  const dpr = number('sec-ch-dpr', 'dpr');
  return { ...(width !== undefined && { width }), ...(dpr !== undefined && { dpr: Math.min(dpr, 5) }) };
}

/** The files a transformation draws from besides its own: layer images and fonts, by path. */
export type References = ReadonlyMap<string, FileRecord>;

export interface DeliveryTarget {
  /** The version to serve. */
  file: FileRecord;
  /** Absent (or `original`) for the original bytes. */
  transformation: Transformation | undefined;
  /** The URL named a version, so its bytes never change. */
  pinned: boolean;
  /**
   * A public, published file asked for by the URL the API lists now (its `updatedAt=` is the
   * file's): any change to the file changes that URL, so it may be cached long.
   */
  busted: boolean;
  /** When access needed a signature: the Unix second it stops being valid. */
  signedUntil: number | undefined;
  /** Layer images and fonts the transformation reads. */
  references: References;
  /** `ik-attachment=true`. */
  attachment: boolean;
}

/** A transformation that only picks the picture of a non-image: a JPEG, unless it names a format. */
export function asThumbnail(t: Transformation | undefined): Transformation {
  const base: Transformation = t ?? {
    steps: [],
    output: {},
    original: false,
    onlyNamed: false,
    clientHints: false,
  };
  return { ...base, original: false, output: { format: 'jpg', ...base.output } };
}

/**
 * Finds what a delivery URL points at and checks it may be served. A version is as unpublished
 * and as private as the file is now, and as it was itself: unpublished versions only with a valid
 * signature (and without one they do not exist: 404, as a missing file); private ones need one
 * too, except through named transformations. Layers drawing a private or unpublished file need a
 * signature whatever else the URL is. A missing file with `di-<path>` is served as that file.
 */
export async function resolveDelivery(
  ctx: ServerContext,
  named: NamedTransforms,
  url: DeliveryUrl,
  now = Date.now(),
  hints: ClientHints = {},
  /** The signed-in user asking (asked only for a private file without a signature): may see it unsigned. */
  viewer?: () => Promise<Scoped | undefined>,
): Promise<DeliveryTarget> {
  const parsed = url.transformation
    ? parseTransformation(url.transformation, named, ctx.config.maxTransformSteps, hints)
    : undefined;
  let rendered = parsed && !parsed.original ? parsed : undefined;
  if (rendered && !rendered.onlyNamed && ctx.config.restrictUnnamedTransformations) {
    throw badRequest(
      'This server renders only named transformations (n-<name>): MEDIA_LIBRARY_RESTRICT_UNNAMED_TRANSFORMATIONS is on.',
      { reason: 'UNNAMED_TRANSFORMATION_RESTRICTED' },
    );
  }
  assertMayRemoveBackground(ctx, rendered, []);
  const missing = () => notFound(messages.fileNotFound, { reason: 'NOT_FOUND' });
  let current = await ctx.store.files.getByPath(url.filePath);
  if (!current && url.thumbnail) {
    current = await ctx.store.files.getByPath(url.filePath.slice(0, -thumbnailSuffix.length - 1));
    if (current) rendered = asThumbnail(parsed?.original ? undefined : rendered);
  }
  if (!current && parsed?.defaultImage) {
    const fallback = await ctx.store.files.getByPath(parsed.defaultImage);
    if (fallback?.isPublished && !fallback.isPrivate) current = fallback;
  }
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
  if (rendered?.output.format === 'svg') rendered = svgAsItIs(file, rendered);
  const isPublished = current.isPublished && file.isPublished;
  const isPrivate = current.isPrivate || file.isPrivate;
  // Unpublished files do not exist for the public: a 404, unless a signature is offered.
  if (!isPublished && !url.signature.signature) throw missing();
  const references = rendered ? await referencesOf(ctx, rendered) : new Map<string, FileRecord>();
  const privateLayer = [...references.values()].some((f) => f.isPrivate || !f.isPublished);
  if (privateLayer && !url.signature.signature) {
    throw new ApiError(
      401,
      'A layer of this transformation draws a private file: sign the URL (ik-s), as for a private file.',
      { reason: 'SIGNATURE_REQUIRED' },
    );
  }
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
  // A private file is a signed-in user's to see, unsigned, when a grant reaches it (cached privately).
  const unsignedPrivate =
    isPublished && isPrivate && !viaNamed && !signedRender && !privateLayer && !url.signature.signature;
  const asking = unsignedPrivate && viewer ? await viewer() : undefined;
  const seenByViewer = asking !== undefined && isPathInScope(asking, file.filePath, file.fileId);
  if (seenByViewer) signedUntil = Math.floor(now / 1000);
  else if (!isPublished || (isPrivate && !viaNamed) || signedRender || privateLayer) {
    try {
      signedUntil = await verifyUrlSignature(ctx.store, url.signature, now);
    } catch (error) {
      // Whether an unpublished file exists is no business of someone without a valid signature.
      if (!isPublished && error instanceof ApiError && error.status === 401) throw missing();
      throw error;
    }
  }
  // A private file (or layer) goes to an external remover only where the operator allowed it.
  assertMayRemoveBackground(ctx, rendered, [{ isPrivate, isPublished }, ...references.values()]);
  return {
    file,
    transformation: rendered,
    pinned: url.versionId !== undefined,
    busted: url.updatedAt === file.updatedAt && isPublished && !isPrivate && !privateLayer,
    signedUntil,
    references,
    attachment: url.attachment,
  };
}

/** `f-svg`: an SVG served as it is; it cannot be resized or drawn on without becoming a raster. */
function svgAsItIs(file: FileRecord, t: Transformation): Transformation | undefined {
  if (file.mime !== 'image/svg+xml') {
    throw badRequest('f-svg serves SVG files as they are; this file is not an SVG. Use f-png or f-auto.', {
      reason: 'INVALID_TRANSFORMATION',
    });
  }
  if (t.steps.length > 0) {
    throw badRequest(
      'f-svg serves the SVG as it is: drop the other transformations, or pick a raster format (f-png).',
      {
        reason: 'INVALID_TRANSFORMATION',
      },
    );
  }
  return undefined;
}

/** The current files behind every layer image and uploaded font; a missing one is a 400 naming it. */
export async function referencesOf(ctx: ServerContext, t: Transformation): Promise<Map<string, FileRecord>> {
  const { images, fonts } = referencedPaths(t.steps);
  const found = new Map<string, FileRecord>();
  for (const path of [...images, ...fonts]) {
    const file = await ctx.store.files.getByPath(path);
    if (!file) {
      throw badRequest(`The layer's file ${path} does not exist.`, { reason: 'LAYER_NOT_FOUND' });
    }
    found.set(path, file);
  }
  return found;
}

/** Headers every delivery answer carries beyond the representation's own. */
export function deliveryHeaders(target: DeliveryTarget, negotiated: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    // Browsers that honour it send widths and pixel ratios for w-auto and dpr-auto.
    'accept-ch': 'Sec-CH-Width, Width, Sec-CH-DPR, DPR',
  };
  const vary = negotiated ? ['Accept'] : [];
  const t = target.transformation;
  if (t?.clientHints) vary.push('Sec-CH-Width', 'Width', 'Sec-CH-DPR', 'DPR');
  if (vary.length > 0) headers.vary = vary.join(', ');
  if (t?.contentDpr !== undefined) headers['content-dpr'] = String(t.contentDpr);
  if (target.attachment) headers['content-disposition'] = attachmentDisposition(downloadName(target));
  return headers;
}

/** `Content-Disposition` for a download under `fileName`, any characters kept in `filename*`. */
export const attachmentDisposition = (fileName: string) =>
  `attachment; filename="${fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

/** A rendition downloads under the file's name with its own format's extension. */
function downloadName(target: DeliveryTarget): string {
  const format = target.transformation?.video?.format ?? target.transformation?.output.format;
  if (!target.transformation || !format || format === 'auto' || format === 'orig') return target.file.name;
  const extension = format === 'jpeg' ? 'jpg' : format;
  return target.file.name.replace(/(\.[^.]*)?$/, `.${extension}`);
}

/** What a transformation starts from: the image itself, a PDF's page, a video's poster frame, or a placeholder. */
export type SourceKind = 'image' | 'pdf' | 'psd' | 'poster' | 'placeholder';

export async function sourceKindOf(file: FileRecord): Promise<SourceKind> {
  if (readableImages.has(file.mime)) return 'image';
  if (file.mime === 'application/pdf' && (await pdftoppmAvailable())) return 'pdf';
  if (file.mime === psdMime) return 'psd';
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
  /** Layer images and fonts, by path. */
  references: References;
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

/**
 * Keys a rendition by what it is made of: the source kind, the canonical steps, the output and
 * the version of every file its layers draw, so a new logo makes new renditions.
 */
export async function planDerived(
  file: FileRecord,
  t: Transformation,
  accept: string | undefined,
  references: References = new Map(),
): Promise<DerivedPlan> {
  checkPictureVideoOptions(file, t);
  const kind = await sourceKindOf(file);
  const sourceMime = kind === 'image' ? file.mime : kind === 'poster' ? 'image/jpeg' : 'image/png';
  const format = resolveOutputFormat(t.output.format, sourceMime, accept, removesBackground(t.steps));
  const drawn = [...references]
    .map(([path, f]) => `${path}@${f.versionId}`)
    .sort()
    .join(';');
  const hash = createHash('sha256')
    .update(`${kind}|${canonicalSteps(t)}|${outputKey(format, t.output)}|${drawn}`)
    .digest('hex')
    .slice(0, 32);
  return {
    key: DerivedImages.keyFor(file.blobKey, hash, extensions[format]),
    etag: `"${file.versionId}-${hash.slice(0, 20)}"`,
    format,
    kind,
    negotiated: t.output.format === 'auto',
    references,
  };
}

/** The size a PDF page is rasterised at: what the first step asks for (within bounds), else 1200. */
function pdfRasterSize(t: Transformation | undefined, maxSize: number): number {
  const first = t?.steps[0];
  const step = first && !isConditional(first) ? first : undefined;
  const px = (d: NonNullable<typeof step>['width']) => (d && 'px' in d ? d.px * (step?.dpr ?? 1) : 0);
  const asked = Math.max(px(step?.width), px(step?.height));
  return Math.min(maxSize, Math.max(200, Math.min(4000, asked || 1200)));
}

/** The pixels a transformation of `file` starts from. */
export async function renderSourceFor(
  ctx: ServerContext,
  file: FileRecord,
  kind: SourceKind,
  t?: Transformation,
): Promise<RenderSource> {
  if (kind === 'image') {
    const detected = t && detectFocusOf(t);
    // SVGs are read from memory, never from a path, so librsvg has no directory to resolve references in.
    return {
      bytes: await readBlob(ctx.storage, file.blobKey),
      mime: file.mime,
      customCoordinates: detected ? await detectedRegion(ctx, file, detected) : file.customCoordinates,
    };
  }
  if (kind === 'pdf') {
    const size = pdfRasterSize(t, ctx.config.maxTransformSize);
    // poppler's raster is memory too: it waits its turn beside the renders running.
    const release = await ctx.renderQueue.reserve(pdfRenderBytes(size));
    try {
      const page = await withLocalCopy(ctx, file.blobKey, (path) => pdfPage(path, t?.page ?? 1, size));
      if (page) return { bytes: page, mime: 'image/png', customCoordinates: null };
    } finally {
      release();
    }
  }
  if (kind === 'psd') {
    const bytes = await readBlob(ctx.storage, file.blobKey);
    const size = psdSize(bytes);
    // ag-psd holds the flattened image as RGBA, and its PNG is made from a copy.
    const release = await ctx.renderQueue.reserve(bytes.length + (size ? size.width * size.height * 12 : 0));
    try {
      const composite = await psdComposite(bytes, ctx.config.maxImagePixels);
      if (composite) return { bytes: composite, mime: 'image/png', customCoordinates: null };
    } finally {
      release();
    }
  }
  if (kind === 'poster') {
    const second = t?.video?.start ?? 1;
    const poster = await withLocalCopy(ctx, file.blobKey, (path) => posterFrame(path, file.mime, second));
    if (poster) return { bytes: poster, mime: 'image/png', customCoordinates: null };
  }
  return {
    bytes: await placeholderImage(placeholderKind(file.mime)),
    mime: 'image/png',
    customCoordinates: null,
  };
}

const fontTypes = new Set([
  'font/ttf',
  'font/otf',
  'font/sfnt',
  'application/x-font-ttf',
  'application/font-sfnt',
  'application/vnd.ms-opentype',
  'font/woff',
  'application/font-woff',
]);

/**
 * Layers' files, as resolved when the URL was checked: images read from storage, fonts kept on
 * local disk once per version (fontconfig reads them from there, for as long as the process runs).
 */
export function layerSourcesFor(ctx: ServerContext, references: References): LayerSources {
  const lookup = (path: string) => {
    const file = references.get(path);
    if (!file) throw badRequest(`The layer's file ${path} does not exist.`, { reason: 'LAYER_NOT_FOUND' });
    return file;
  };
  return {
    image: async (path) => {
      const file = lookup(path);
      if (!readableImages.has(file.mime)) {
        throw badRequest(`The layer's file ${path} is not an image this server reads.`, {
          reason: 'INVALID_TRANSFORMATION',
        });
      }
      return {
        bytes: await readBlob(ctx.storage, file.blobKey),
        mime: file.mime,
        customCoordinates: file.customCoordinates,
        // A version's blob never changes: what is drawn from it may be kept by this key.
        id: `${file.blobKey}|${file.customCoordinates ?? ''}`,
      };
    },
    font: (path) => fontFile(ctx, lookup(path)),
  };
}

async function fontFile(ctx: ServerContext, file: FileRecord): Promise<FontFace> {
  const notAFont = () =>
    badRequest(
      `ff-…: ${file.filePath} is not a TrueType, OpenType or WOFF font${/\.woff2$/i.test(file.name) ? ' (WOFF2 is not read here: upload its .ttf, .otf or .woff)' : ''}.`,
      { reason: 'INVALID_TRANSFORMATION' },
    );
  if (!fontTypes.has(file.mime) && !/\.(ttf|otf|woff)$/i.test(file.name)) throw notAFont();
  const dir = join(ctx.stagingDir, 'fonts');
  const path = join(dir, `${createHash('sha256').update(file.blobKey).digest('hex').slice(0, 32)}.ttf`);
  let bytes: Buffer | undefined;
  try {
    await stat(path);
  } catch {
    bytes = await readBlob(ctx.storage, file.blobKey);
    // fontconfig is handed the TrueType or OpenType file a WOFF wraps.
    if (bytes.toString('latin1', 0, 4) === 'wOFF') bytes = sfntFromWoff(bytes) ?? Buffer.alloc(0);
    await mkdir(dir, { recursive: true });
    const partial = `${path}.${randomUUID()}`;
    await writeFile(partial, bytes);
    await rename(partial, path);
  }
  const family = fontFamilyName(bytes ?? (await readFile(path)));
  if (!family) throw notAFont();
  return { family, files: [path] };
}

/** Renders a planned derived image; undecodable or oversized images are the client's 400, not our 500. */
export async function renderDerived(
  ctx: ServerContext,
  file: FileRecord,
  t: Transformation,
  plan: DerivedPlan,
): Promise<Buffer> {
  const source = await renderSourceFor(ctx, file, plan.kind, t);
  // A PDF's page is chosen when it is rasterised; the picture of it has one.
  const steps = plan.kind === 'image' ? t : { ...t, page: undefined };
  try {
    return await renderTransformation(
      source,
      steps,
      plan.format,
      {
        maxPixels: ctx.config.maxImagePixels,
        maxSize: ctx.config.maxTransformSize,
        maxOutputPixels: ctx.config.maxTransformPixels,
        memory: ctx.renderQueue,
      },
      layerSourcesFor(ctx, plan.references),
      backgroundCutter(ctx, file.blobKey),
    );
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

/** The `fo-face` / `fo-<label>` a transformation asks for, if any (the first). */
function detectFocusOf(t: Transformation): string | undefined {
  for (const step of t.steps) if (!isConditional(step) && step.detectFocus) return step.detectFocus;
  return undefined;
}

/**
 * The box around every face (or object with the label) in the version, as custom coordinates
 * `x,y,w,h`: read from its stored analysis, or analysed now (inside the render's slot) and stored,
 * so the model runs once per version. None found: null, and the crop keeps the centre.
 */
async function detectedRegion(ctx: ServerContext, file: FileRecord, what: string): Promise<string | null> {
  let analysis = await ctx.store.aiAnalyses.get(file.versionId);
  if (!analysis) {
    if (!ctx.ai.analyser) {
      throw badRequest(
        `fo-${what} needs the AI models, and ${ctx.ai.unavailable ?? 'none run on this server.'}`,
        {
          reason: 'UNSUPPORTED_TRANSFORMATION',
        },
      );
    }
    await analyseVersion(ctx, file);
    analysis = await ctx.store.aiAnalyses.get(file.versionId);
  }
  const label = what.replaceAll('_', ' ');
  const boxes =
    what === 'face'
      ? (analysis?.detections.faces ?? []).map((f) => f.box)
      : (analysis?.detections.objects ?? []).filter((o) => o.label === label).map((o) => o.box);
  if (boxes.length === 0) return null;
  const left = Math.max(0, Math.min(...boxes.map((b) => b.x)));
  const top = Math.max(0, Math.min(...boxes.map((b) => b.y)));
  const right = Math.min(
    file.width ?? Number.POSITIVE_INFINITY,
    Math.max(...boxes.map((b) => b.x + b.width)),
  );
  const bottom = Math.min(
    file.height ?? Number.POSITIVE_INFINITY,
    Math.max(...boxes.map((b) => b.y + b.height)),
  );
  return `${left},${top},${Math.max(1, right - left)},${Math.max(1, bottom - top)}`;
}
