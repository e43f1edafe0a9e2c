import { Type } from '@fastify/type-provider-typebox';
import type { DownloadLink, Share } from '../../shared/shares.js';
import { notFound } from '../errors.js';
import { attachmentDisposition } from '../library/delivery.js';
import {
  assertDownloadSize,
  createDownload,
  fileEntries,
  folderEntries,
  maxDownloadFileIds,
  openDownload,
} from '../library/downloads.js';
import { collectionFiles } from '../library/share-collections.js';
import { createShare, listShares, revokeShare, updateShare } from '../library/shares.js';
import { streamZip } from '../library/zip.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { type Covers, Nullable, StringEnum, withMessages } from './schemas.js';
import { enforceShareRate } from './share-page.js';

const Id = Type.String({ minLength: 1, maxLength: 100 });
// One object rather than a union, so a refusal names what is wrong (src/server/library/shares.ts checks the pairs).
const ShareTargetSchema = withMessages(
  Type.Object(
    {
      type: withMessages(StringEnum(['file', 'folder', 'collection']), {
        required: 'Your request is missing target.type: file, folder or collection.',
        enum: 'target.type must be file, folder or collection.',
      }),
      id: Type.Optional(Id),
      path: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    },
    { additionalProperties: false },
  ),
  {
    required:
      'Your request is missing the target parameter: {type: "file", id}, {type: "folder", path} or {type: "collection", id}.',
    type: 'target must be an object: {type: "file", id}, {type: "folder", path} or {type: "collection", id}.',
  },
);

const ShareSchema = Type.Object({
  id: Type.String(),
  url: Type.Optional(Type.String()),
  target: Type.Object({
    type: StringEnum(['file', 'folder', 'collection']),
    id: Type.Optional(Type.String()),
    path: Type.Optional(Type.String()),
  }),
  title: Nullable(Type.String()),
  expiresAt: Nullable(Type.String()),
  hasPassword: Type.Boolean(),
  allowDownload: Type.Boolean(),
  createdBy: Type.Object({
    type: StringEnum(['key', 'session', 'user', 'system']),
    id: Type.String(),
    name: Type.Optional(Type.String()),
    folder: Type.Optional(Type.String()),
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
true satisfies Covers<typeof ShareSchema, Share>;

const Password = Type.String({ maxLength: 1024 });
const Title = Type.String({ maxLength: 200 });
const Expiry = Type.String({ maxLength: 40 });

const CreateBody = Type.Object(
  {
    target: ShareTargetSchema,
    expiresAt: Type.Optional(Expiry),
    password: Type.Optional(Password),
    allowDownload: withMessages(Type.Boolean(), {
      required: 'Send allowDownload: true to let visitors download the files, false for previews only.',
    }),
    title: Type.Optional(Title),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    expiresAt: Type.Optional(Nullable(Expiry)),
    password: Type.Optional(Nullable(Password)),
    allowDownload: Type.Optional(Type.Boolean()),
    title: Type.Optional(Nullable(Title)),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({
  fileId: Type.Optional(Type.String({ maxLength: 100 })),
  folder: Type.Optional(Type.String({ maxLength: 2048 })),
  collectionId: Type.Optional(Type.String({ maxLength: 100 })),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

const DownloadBody = Type.Object(
  {
    fileIds: Type.Optional(
      withMessages(Type.Array(Id, { maxItems: maxDownloadFileIds }), {
        maxItems: `One download takes at most ${maxDownloadFileIds} fileIds; download their folder instead.`,
      }),
    ),
    folder: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    collection: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);
const DownloadLinkSchema = Type.Object({
  url: Type.String(),
  expiresAt: Type.String(),
  files: Type.Number(),
  bytes: Type.Number(),
});
true satisfies Covers<typeof DownloadLinkSchema, DownloadLink>;

/**
 * `/_ml/shares`: public links to a file, a folder or a collection (docs/server.md, Share links),
 * and `/_ml/downloads`: one short-lived URL for a ZIP of several files or a folder. Sessions may
 * call both inside their folder; members need `manage` on what they share.
 */
export const shareRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'shares', session: true } as const;
  const write = { access: 'write', rateGroup: 'shares', session: true } as const;

  app.get(
    '/_ml/shares',
    { schema: { querystring: ListQuery, response: { 200: Type.Array(ShareSchema) } }, config: read },
    async (request) => listShares(ctx.store, request.principal!, request.query),
  );

  app.post(
    '/_ml/shares',
    { schema: { body: CreateBody, response: { 201: ShareSchema } }, config: write },
    async (request, reply) => {
      const share = await createShare(
        ctx.store,
        request.principal!,
        request.body,
        urlEndpointFor(ctx, request),
      );
      reply.code(201).send(share);
    },
  );

  app.patch(
    '/_ml/shares/:id',
    { schema: { params: IdParams, body: PatchBody, response: { 200: ShareSchema } }, config: write },
    async (request) => updateShare(ctx.store, request.principal!, request.params.id, request.body),
  );

  app.delete('/_ml/shares/:id', { schema: { params: IdParams }, config: write }, async (request, reply) => {
    await revokeShare(ctx.store, request.principal!, request.params.id);
    reply.code(204).send();
  });

  app.post(
    '/_ml/downloads',
    { schema: { body: DownloadBody, response: { 200: DownloadLinkSchema } }, config: read },
    async (request) =>
      createDownload(
        ctx.store,
        request.principal!,
        request.body ?? {},
        urlEndpointFor(ctx, request),
        ctx.config.maxDownloadBytes,
      ),
  );

  // The signed URL is the permission: no key, rate limited per address like share links.
  app.get(
    '/_ml/downloads/download.zip',
    { schema: { querystring: Type.Object({ t: Type.String({ maxLength: 16_000 }) }) } },
    async (request, reply) => {
      await enforceShareRate(ctx, request);
      const content = await openDownload(ctx.store, request.query.t);
      let name = 'download.zip';
      let sources: ReturnType<typeof fileEntries>;
      if ('folder' in content) {
        assertDownloadSize(
          (await ctx.store.files.sizeInTree(content.folder)).bytes,
          ctx.config.maxDownloadBytes,
        );
        name = `${content.folder.split('/').filter(Boolean).at(-1) ?? 'library'}.zip`;
        sources = folderEntries(ctx.store, ctx.storage, content.folder, false);
      } else if ('collection' in content) {
        // Its files as they are now, in its order; gone since the link was made, it is a 404.
        const collection = await collectionFiles(ctx.store, null, content.collection);
        if (!collection)
          throw notFound(`No collection has the id ${content.collection}.`, { reason: 'NOT_FOUND' });
        assertDownloadSize(
          collection.files.reduce((sum, f) => sum + f.size, 0),
          ctx.config.maxDownloadBytes,
        );
        name = `${collection.name}.zip`;
        sources = fileEntries(ctx.storage, collection.files);
      } else {
        const files = await ctx.store.files.getMany(content.fileIds);
        const order = new Map(content.fileIds.map((id, i) => [id, i]));
        files.sort((a, b) => order.get(a.fileId)! - order.get(b.fileId)!);
        sources = fileEntries(ctx.storage, files);
      }
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', attachmentDisposition(name));
      reply.header('cache-control', 'private, no-store');
      return reply.send(streamZip(sources));
    },
  );
};
