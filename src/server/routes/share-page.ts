import { randomBytes } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyPassword } from '../auth/passwords.js';
import type { ServerContext } from '../context.js';
import { ApiError } from '../errors.js';
import { asThumbnail, attachmentDisposition, sourceKindOf } from '../library/delivery.js';
import { assertDownloadSize, fileEntries, folderEntries } from '../library/downloads.js';
import { collectionFiles } from '../library/share-collections.js';
import {
  esc,
  type GalleryItem,
  gridHtml,
  headerHtml,
  messageHtml,
  pagePolicy,
  renderPage,
  singleHtml,
  unlockHtml,
} from '../library/share-html.js';
import { type ShareStrings, shareStringsFor } from '../library/share-strings.js';
import {
  isShareToken,
  isUnlocked,
  openShare,
  sharedFile,
  sharedFolderAt,
  sharedName,
  unlockMs,
  unlockValue,
} from '../library/shares.js';
import { streamZip } from '../library/zip.js';
import { parseTransformation } from '../media/transformation.js';
import type { FileRecord, ShareRecord } from '../store/store.js';
import { deliverFile, sendDelivery } from './delivery.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';

/** Files per gallery page: a 1,000-file folder's first page answers fast, the rest by "Next page". */
const pageSize = 200;
const unlockCookie = 'ml_share';
/** Preview sizes, fixed here so a link cannot be made to render anything else. */
const sizes = {
  thumb: 'w-400,h-400,c-at_max',
  screen: 'w-1920,h-1920,c-at_max',
  og: 'w-1200,h-630,c-at_max',
} as const;

/** Counts a request to a share link (or a signed download) against its address; 429 past the limit. */
export async function enforceShareRate(ctx: ServerContext, request: FastifyRequest): Promise<void> {
  const decision = await ctx.shareLimits.requests.hit(`share:${request.ip}`);
  if (decision.allowed) return;
  throw new ApiError(
    429,
    `Too many requests from your address: retry in ${Math.ceil(decision.resetMs / 1000)} s.`,
    { reason: 'RATE_LIMITED' },
    { 'retry-after': String(Math.ceil(decision.resetMs / 1000)) },
  );
}

function cookieOf(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === unlockCookie) return value.join('=');
  }
  return undefined;
}

const kindOf = (mime: string): GalleryItem['kind'] =>
  mime.startsWith('image/')
    ? 'image'
    : mime.startsWith('video/')
      ? 'video'
      : mime === 'application/pdf'
        ? 'pdf'
        : 'other';

function itemOf(share: ShareRecord, token: string, file: FileRecord): GalleryItem {
  const base = `/s/${token}/f/${encodeURIComponent(file.fileId)}`;
  const kind = kindOf(file.mime);
  return {
    name: file.name,
    size: file.size,
    kind,
    thumbUrl: `${base}?size=thumb`,
    screenUrl: `${base}?size=screen`,
    viewUrl: `/s/${token}/view/${encodeURIComponent(file.fileId)}`,
    ...(share.allowDownload && { downloadUrl: `${base}?download=1` }),
    ...(share.allowDownload && kind === 'video' && { originalUrl: base }),
  };
}

/** Headers of every page: its CSP, no caching (a revoke must show at once), no referrer, no indexing. */
function pageHeaders(reply: FastifyReply, nonce: string) {
  reply.header('content-type', 'text/html; charset=utf-8');
  reply.header('content-security-policy', pagePolicy(nonce));
  reply.header('cache-control', 'private, no-store');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-robots-tag', 'noindex, nofollow');
  reply.header('x-frame-options', 'DENY');
  reply.header('vary', 'Accept-Language, Cookie');
}

/**
 * The public side of share links: `/s/{token}` (the page), its previews and originals under
 * `/s/{token}/f/{fileId}`, the no-script preview `/s/{token}/view/{fileId}`, the password form's
 * POST, and `/s/{token}/download.zip`. No key: the link is the permission, read from the catalog on
 * every request. Unknown, revoked and expired links, and anything a link does not cover, are 404.
 */
export const sharePageRoutes: RoutePlugin = async (app, { ctx }) => {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  /** The page for a refusal: the link's 404, or 429, in the visitor's language. */
  function refusal(reply: FastifyReply, s: ShareStrings, status: 404 | 429) {
    const nonce = randomBytes(16).toString('base64');
    pageHeaders(reply, nonce);
    const [title, text] =
      status === 404 ? [s.notFoundTitle, s.notFound] : [s.notFoundTitle, s.tooManyRequests];
    const frame = { strings: s, nonce, title, pageUrl: '' };
    return reply.code(status).send(renderPage(frame, messageHtml(title, text)));
  }

  /** The live, unlocked link of a page request, or the page that answers instead. */
  async function pageShare(
    request: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    s: ShareStrings,
  ): Promise<ShareRecord | undefined> {
    try {
      await enforceShareRate(ctx, request);
    } catch {
      await refusal(reply, s, 429);
      return undefined;
    }
    const share = await openShare(ctx.store, request.params.token);
    if (!share) {
      await refusal(reply, s, 404);
      return undefined;
    }
    if (!isUnlocked(share, cookieOf(request))) {
      await sendUnlockForm(request, reply, s, share);
      return undefined;
    }
    return share;
  }

  async function sendUnlockForm(
    request: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    s: ShareStrings,
    share: ShareRecord,
    error?: string,
    status = 200,
  ) {
    const nonce = randomBytes(16).toString('base64');
    pageHeaders(reply, nonce);
    const token = request.params.token;
    const frame = {
      strings: s,
      nonce,
      // Nothing about what the link opens until the password is given: only its title, if it has one.
      title: share.title ?? s.passwordTitle,
      pageUrl: `${urlEndpointFor(ctx, request)}/s/${token}`,
    };
    return reply.code(status).send(renderPage(frame, unlockHtml(s, `/s/${token}`, error)));
  }

  /** The live, unlocked link of a file or ZIP request; anything else is a plain 404. */
  async function mediaShare(request: FastifyRequest<{ Params: { token: string } }>): Promise<ShareRecord> {
    await enforceShareRate(ctx, request);
    const share = await openShare(ctx.store, request.params.token);
    if (!share || !isUnlocked(share, cookieOf(request))) throw linkNotFound();
    return share;
  }

  const TokenParams = Type.Object({ token: Type.String({ maxLength: 1000 }) });
  const FileParams = Type.Object({
    token: Type.String({ maxLength: 1000 }),
    fileId: Type.String({ maxLength: 100 }),
  });
  const PageQuery = Type.Object({
    folder: Type.Optional(Type.String({ maxLength: 2048 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  });

  app.get(
    '/s/:token',
    { schema: { params: TokenParams, querystring: PageQuery } },
    async (request, reply) => {
      if (!isShareToken(request.params.token)) return deliverFile(ctx, request, reply);
      const s = shareStringsFor(request.headers['accept-language']);
      const share = await pageShare(request, reply, s);
      if (!share) return reply;
      const { token } = request.params;
      const origin = urlEndpointFor(ctx, request);
      const nonce = randomBytes(16).toString('base64');
      const name = await sharedName(ctx.store, share);
      const frameOf = (description: string, first?: GalleryItem) => ({
        strings: s,
        nonce,
        title: name || s.sharedWithYou,
        pageUrl: `${origin}/s/${token}`,
        description,
        // A link preview shows a picture only of a link without a password.
        ...(first &&
          share.passwordHash === null && {
            ogImage: `${origin}/s/${token}/f/${first.viewUrl.split('/').at(-1)}?size=og`,
          }),
      });

      if (share.targetType === 'file') {
        const file = await sharedFile(ctx.store, share, share.target);
        if (!file) return refusal(reply, s, 404);
        const item = itemOf(share, token, file);
        pageHeaders(reply, nonce);
        const body = headerHtml(name || file.name, s.sharedWithYou) + singleHtml(item, s);
        return reply.send(renderPage(frameOf(file.name, item.kind === 'other' ? undefined : item), body));
      }

      let files: FileRecord[];
      let folders: Array<{ name: string; relative: string }> = [];
      let relative = '';
      const page = request.query.page ?? 1;
      let more = false;
      let total = 0;
      if (share.targetType === 'folder') {
        const folder = sharedFolderAt(share, request.query.folder);
        if (!folder || (folder !== '/' && !(await ctx.store.folders.get(folder))))
          return refusal(reply, s, 404);
        relative = folder.slice(share.target.length);
        const list = {
          include: { folders: true, files: false, versions: false },
          folder,
          sort: { column: 'name' as const, direction: 'asc' as const },
          limit: 500,
          skip: 0,
        };
        if (page === 1) {
          folders = (await ctx.store.folders.list(list, 0, 500)).map((f) => ({
            name: f.name,
            relative: f.path.slice(share.target.length, -1),
          }));
        }
        const listed = await ctx.store.files.list(
          { ...list, include: { folders: false, files: true, versions: false }, limit: pageSize + 1 },
          (page - 1) * pageSize,
          pageSize + 1,
        );
        more = listed.length > pageSize;
        files = listed.slice(0, pageSize).filter((f) => f.isPublished);
        total = more
          ? await ctx.store.files.count(
              { ...list, include: { folders: false, files: true, versions: false } },
              1_000_000,
            )
          : (page - 1) * pageSize + files.length;
      } else {
        const collection = await collectionFiles(ctx.store, null, share.target);
        if (!collection) return refusal(reply, s, 404);
        const published = collection.files.filter((f) => f.isPublished);
        more = published.length > page * pageSize;
        total = published.length;
        files = published.slice((page - 1) * pageSize, page * pageSize);
      }

      const items = files.map((f) => itemOf(share, token, f));
      const here = relative ? `folder=${encodeURIComponent(relative.slice(0, -1))}` : '';
      const link = (query: string) => `/s/${token}${query ? `?${query}` : ''}`;
      const zipUrl = `/s/${token}/download.zip${here ? `?${here}` : ''}`;
      const counts = [s.files(total)];
      if (folders.length > 0) counts.unshift(s.folders(folders.length));
      const action =
        share.allowDownload && (items.length > 0 || folders.length > 0)
          ? `<a class="button" href="${esc(zipUrl)}" download>${esc(s.downloadAll)}</a>`
          : '';
      let body = headerHtml(name || s.sharedWithYou, counts.join(' · '), action);
      body += '<main>';
      if (relative) {
        const segments = relative.split('/').filter(Boolean);
        const crumbs = [`<li><a href="${esc(link(''))}">${esc(name || s.home)}</a></li>`];
        segments.forEach((segment, i) => {
          const path = segments.slice(0, i + 1).join('/');
          crumbs.push(
            i === segments.length - 1
              ? `<li aria-current="page">${esc(segment)}</li>`
              : `<li><a href="${esc(link(`folder=${encodeURIComponent(path)}`))}">${esc(segment)}</a></li>`,
          );
        });
        body += `<nav class="crumbs" aria-label="${esc(s.breadcrumb)}"><ol>${crumbs.join('')}</ol></nav>`;
      }
      if (folders.length > 0) {
        body += `<ul class="folders" aria-label="${esc(s.breadcrumb)}">${folders
          .map(
            (f) =>
              `<li><a href="${esc(link(`folder=${encodeURIComponent(f.relative)}`))}">${esc(f.name)}</a></li>`,
          )
          .join('')}</ul>`;
      }
      body += items.length > 0 ? gridHtml(items, s) : folders.length === 0 ? `<p>${esc(s.empty)}</p>` : '';
      if (page > 1 || more) {
        const at = (n: number) => link([here, n > 1 ? `page=${n}` : ''].filter(Boolean).join('&'));
        body += `<nav class="pages">${page > 1 ? `<a href="${esc(at(page - 1))}">${esc(s.olderPage)}</a>` : ''}${more ? `<a href="${esc(at(page + 1))}">${esc(s.newerPage)}</a>` : ''}</nav>`;
      }
      if (!share.allowDownload) body += `<p class="meta">${esc(s.previewsOnly)}</p>`;
      body += '</main>';
      pageHeaders(reply, nonce);
      const first = items.find((i) => i.kind !== 'other');
      return reply.send(renderPage(frameOf(counts.join(' · '), first), body, items.length > 0));
    },
  );

  app.post(
    '/s/:token',
    {
      schema: {
        params: TokenParams,
        body: Type.Object({ password: Type.Optional(Type.String({ maxLength: 1024 })) }),
      },
    },
    async (request, reply) => {
      const s = shareStringsFor(request.headers['accept-language']);
      try {
        await enforceShareRate(ctx, request);
      } catch {
        return refusal(reply, s, 429);
      }
      const share = await openShare(ctx.store, request.params.token);
      if (!share) return refusal(reply, s, 404);
      const target = `/s/${request.params.token}`;
      if (share.passwordHash === null) return reply.code(303).header('location', target).send();
      const attempts = await ctx.shareLimits.passwords.hit(`${request.ip}:${share.shareId}`);
      if (!attempts.allowed) {
        reply.header('retry-after', String(Math.ceil(attempts.resetMs / 1000)));
        return sendUnlockForm(request, reply, s, share, s.tooManyAttempts, 429);
      }
      if (!(await verifyPassword(request.body?.password ?? '', share.passwordHash))) {
        return sendUnlockForm(request, reply, s, share, s.wrongPassword, 403);
      }
      const secure = request.protocol === 'https' ? '; Secure' : '';
      reply.header(
        'set-cookie',
        `${unlockCookie}=${unlockValue(share)}; Max-Age=${unlockMs / 1000}; Path=${target}; HttpOnly; SameSite=Lax${secure}`,
      );
      return reply.code(303).header('location', target).send();
    },
  );

  app.get('/s/:token/view/:fileId', { schema: { params: FileParams } }, async (request, reply) => {
    if (!isShareToken(request.params.token)) return deliverFile(ctx, request, reply);
    const s = shareStringsFor(request.headers['accept-language']);
    const share = await pageShare(request, reply, s);
    if (!share) return reply;
    const file = await sharedFile(ctx.store, share, request.params.fileId);
    if (!file) return refusal(reply, s, 404);
    const { token } = request.params;
    const nonce = randomBytes(16).toString('base64');
    const folder = share.targetType === 'folder' ? file.folder.slice(share.target.length, -1) : '';
    const back = `/s/${token}${folder ? `?folder=${encodeURIComponent(folder)}` : ''}`;
    pageHeaders(reply, nonce);
    const frame = {
      strings: s,
      nonce,
      title: file.name,
      pageUrl: `${urlEndpointFor(ctx, request)}/s/${token}`,
    };
    return reply.send(
      renderPage(
        frame,
        headerHtml(file.name, s.sharedWithYou) + singleHtml(itemOf(share, token, file), s, back),
      ),
    );
  });

  const MediaQuery = Type.Object({
    size: Type.Optional(Type.Union([Type.Literal('thumb'), Type.Literal('screen'), Type.Literal('og')])),
    download: Type.Optional(Type.String({ maxLength: 10 })),
  });

  app.route({
    method: ['GET', 'HEAD'],
    url: '/s/:token/f/:fileId',
    schema: { params: FileParams, querystring: MediaQuery },
    handler: async (request, reply) => {
      if (!isShareToken(request.params.token)) return deliverFile(ctx, request, reply);
      const share = await mediaShare(request);
      const file = await sharedFile(ctx.store, share, request.params.fileId);
      if (!file) throw linkNotFound();
      const now = Date.now();
      const { size } = request.query;
      // Originals only where the link allows downloads; previews always.
      if (size === undefined && !share.allowDownload) throw linkNotFound();
      let transformation: ReturnType<typeof parseTransformation> | undefined;
      if (size !== undefined) {
        const isImage = (await sourceKindOf(file)) === 'image';
        const parsed = parseTransformation(`${sizes[size]}${isImage ? ',f-auto' : ''}`, new Map());
        transformation = isImage ? parsed : asThumbnail(parsed);
      }
      return sendDelivery(
        ctx,
        {
          file,
          transformation,
          pinned: false,
          busted: false,
          // Cached privately for a minute: a revoked link's previews stop soon after its page does.
          signedUntil: Math.floor(now / 1000) + 60,
          references: new Map(),
          attachment: size === undefined && request.query.download === '1',
        },
        now,
        request,
        reply,
      );
    },
  });

  app.get(
    '/s/:token/download.zip',
    {
      schema: {
        params: TokenParams,
        querystring: Type.Object({ folder: Type.Optional(Type.String({ maxLength: 2048 })) }),
      },
    },
    async (request, reply) => {
      if (!isShareToken(request.params.token)) return deliverFile(ctx, request, reply);
      const share = await mediaShare(request);
      if (!share.allowDownload) throw linkNotFound();
      const name = (await sharedName(ctx.store, share)) || 'shared';
      let sources: ReturnType<typeof fileEntries>;
      let zipName = name;
      if (share.targetType === 'folder') {
        const folder = sharedFolderAt(share, request.query.folder);
        if (!folder || (folder !== '/' && !(await ctx.store.folders.get(folder)))) throw linkNotFound();
        assertDownloadSize((await ctx.store.files.sizeInTree(folder)).bytes, ctx.config.maxDownloadBytes);
        if (folder !== share.target) zipName = folder.split('/').filter(Boolean).at(-1)!;
        sources = folderEntries(ctx.store, ctx.storage, folder, true);
      } else {
        const files =
          share.targetType === 'file'
            ? [await sharedFile(ctx.store, share, share.target)].filter(
                (f): f is FileRecord => f !== undefined,
              )
            : ((await collectionFiles(ctx.store, null, share.target))?.files ?? []).filter(
                (f) => f.isPublished,
              );
        if (files.length === 0) throw linkNotFound();
        assertDownloadSize(
          files.reduce((sum, f) => sum + f.size, 0),
          ctx.config.maxDownloadBytes,
        );
        sources = fileEntries(ctx.storage, files);
      }
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', attachmentDisposition(`${zipName.replace(/\.zip$/i, '')}.zip`));
      reply.header('cache-control', 'private, no-store');
      reply.header('referrer-policy', 'no-referrer');
      return reply.send(streamZip(sources));
    },
  );
};

const linkNotFound = () =>
  new ApiError(404, 'This link does not exist, has expired, or was revoked.', { reason: 'SHARE_NOT_FOUND' });
