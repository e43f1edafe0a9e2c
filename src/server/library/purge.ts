import type { ServerContext } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import type { NamedTransforms } from '../media/transformation.js';
import { parseTransformation } from '../media/transformation.js';
import type { FileRecord } from '../store/store.js';
import { parseDeliveryUrl, planDerived, referencesOf } from './delivery.js';
import { newId } from './ids.js';
import { listCatalog } from './listing.js';
import { makesVideo, planVideoRendition } from './video-delivery.js';

/** `f-auto` may have stored one rendition per format a client accepted; a purge drops each. */
const acceptVariants = ['image/avif,image/webp', 'image/webp', ''];

const purgeMarkerKey = (requestId: string) => `purge-requests/${requestId}`;

const invalidUrl = (why: string) =>
  badRequest(`Your request contains invalid url parameter: ${why}`, { reason: 'INVALID_PARAMETER' });

/**
 * `POST /v1/files/purge`: drops the derived images a delivery URL stands for, at once. A plain
 * file URL drops every rendition of that version; a transformed URL drops that rendition; a
 * URL ending in `*` drops every rendition of every version of every file whose path starts
 * with what precedes the `*`. The request is recorded (in blob storage, which every node
 * shares) so its status can be asked for.
 */
export async function purgeCache(
  ctx: ServerContext,
  named: NamedTransforms,
  url: unknown,
): Promise<{ requestId: string; dropped: number }> {
  if (typeof url !== 'string' || url.trim() === '') throw invalidUrl('send the full URL to purge.');
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw invalidUrl(`${JSON.stringify(url)} is not a full http(s) URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidUrl('use an http(s) URL.');
  const endpoint = ctx.config.urlEndpoint;
  if (endpoint && !`${parsed.origin}${parsed.pathname}`.startsWith(endpoint)) {
    throw invalidUrl(`it must start with this server's urlEndpoint, ${endpoint}.`);
  }
  const endpointPath = endpoint ? new URL(endpoint).pathname.replace(/\/+$/, '') : '';
  const raw = parsed.pathname + parsed.search;
  const dropped = raw.endsWith('*')
    ? await purgePrefix(ctx, endpointPath, raw.slice(0, -1))
    : await purgeOne(ctx, named, parseDeliveryUrl(raw, endpointPath));
  return { requestId: await recordPurge(ctx, url, dropped), dropped };
}

/**
 * Records a finished purge so `GET /v1/files/purge/{requestId}` can answer it. A rename's purge
 * (`purgeCache: true`) drops nothing here (renditions are keyed by bytes, not paths) but gets a
 * request id all the same, for clients and CDNs in front that follow it.
 */
export async function recordPurge(ctx: ServerContext, url: string, dropped: number): Promise<string> {
  const requestId = newId();
  await ctx.storage.write(
    purgeMarkerKey(requestId),
    Buffer.from(JSON.stringify({ url, dropped, completedAt: new Date().toISOString() })),
  );
  return requestId;
}

async function purgeOne(
  ctx: ServerContext,
  named: NamedTransforms,
  url: ReturnType<typeof parseDeliveryUrl>,
): Promise<number> {
  const transformation = url.transformation ? parseTransformation(url.transformation, named) : undefined;
  const current = await ctx.store.files.getByPath(url.filePath);
  if (!current) return 0;
  let file: FileRecord | undefined = current;
  if (url.versionId !== undefined && url.versionId !== current.versionId) {
    file = (await ctx.store.files.versions(current.fileId)).find((v) => v.versionId === url.versionId);
  }
  if (!file) return 0;
  if (!transformation || transformation.original) return ctx.derivedImages.dropAll([file.blobKey]);
  let dropped = 0;
  const keys = new Set<string>();
  // A layered rendition is keyed by its layers' files too; with one of them gone, none is stored.
  const references = await referencesOf(ctx, transformation).catch(() => undefined);
  if (!references) return 0;
  if (makesVideo(file, transformation)) keys.add(planVideoRendition(file, transformation).key);
  else {
    for (const accept of acceptVariants)
      keys.add((await planDerived(file, transformation, accept, references)).key);
  }
  for (const key of keys) if (await ctx.derivedImages.drop(key)) dropped++;
  return dropped;
}

async function purgePrefix(ctx: ServerContext, endpointPath: string, rawPrefix: string): Promise<number> {
  let path = rawPrefix;
  if (endpointPath && path.startsWith(endpointPath)) path = path.slice(endpointPath.length);
  let prefix: string;
  try {
    prefix = decodeURIComponent(path);
  } catch {
    throw invalidUrl('its path is not valid percent-encoding.');
  }
  if (!prefix.startsWith('/') || prefix.includes('?') || /(^|\/)\.\.?(\/|$)/.test(prefix)) {
    throw invalidUrl('a wildcard purge is a path followed by *, such as https://…/products/*.');
  }
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const pageSize = 1000;
  let dropped = 0;
  for (let skip = 0; ; skip += pageSize) {
    const page = (await listCatalog(ctx.store, {
      include: { folders: false, files: true, versions: false },
      ...(folder !== '/' && { within: folder }),
      sort: { column: 'createdAt', direction: 'asc' },
      limit: pageSize,
      skip,
    })) as FileRecord[];
    for (const file of page) {
      if (!file.filePath.startsWith(prefix)) continue;
      const versions = await ctx.store.files.versions(file.fileId);
      dropped += await ctx.derivedImages.dropAll(versions.map((v) => v.blobKey));
    }
    if (page.length < pageSize) return dropped;
  }
}

/** `GET /v1/files/purge/{requestId}`: purges finish before they are answered, so a known one is done. */
export async function purgeStatus(ctx: ServerContext, requestId: string): Promise<{ status: 'Completed' }> {
  const missing = () => notFound('No purge request with this requestId exists.', { reason: 'NOT_FOUND' });
  if (!/^[0-9a-f]{24}$/.test(requestId)) throw missing();
  if ((await ctx.storage.size(purgeMarkerKey(requestId))) === undefined) throw missing();
  return { status: 'Completed' };
}
