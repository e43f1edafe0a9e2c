import { Type } from '@fastify/type-provider-typebox';
import {
  type BulkAnswer as BulkAnswerType,
  bulkAddTags,
  bulkDelete,
  bulkRemoveAITags,
  bulkRemoveTags,
  maxBulkIds,
} from '../library/bulk.js';
import { copyFile, moveFile, renameFile } from '../library/file-operations.js';
import { recordPurge } from '../library/purge.js';
import { type RoutePlugin, urlEndpointFor } from './route-plugin.js';
import { type Covers, withMessages } from './schemas.js';

const FileDestination = {
  sourceFilePath: Type.String(),
  destinationPath: Type.String(),
};
const CopyBody = Type.Object({ ...FileDestination, includeFileVersions: Type.Optional(Type.Boolean()) });
const MoveBody = Type.Object(FileDestination);
const RenameBody = Type.Object({
  filePath: Type.String(),
  newFileName: Type.String(),
  purgeCache: Type.Optional(Type.Boolean()),
});

/** ImageKit's own words for a bad `fileIds`. */
const FileIds = withMessages(Type.Array(Type.String(), { minItems: 1, maxItems: maxBulkIds }), {
  required: 'fileIds parameter is missing.',
  type: 'fileIds must be an array of file ids.',
  minItems: 'fileIds is empty.',
  maxItems: `fileIds cannot have more than ${maxBulkIds} items.`,
});
const Names = Type.Array(Type.String(), { minItems: 1 });

const BulkAnswer = Type.Object({
  successfullyDeletedFileIds: Type.Optional(Type.Array(Type.String())),
  successfullyUpdatedFileIds: Type.Optional(Type.Array(Type.String())),
  errors: Type.Optional(Type.Array(Type.Object({ fileId: Type.String(), error: Type.String() }))),
});
true satisfies Covers<typeof BulkAnswer, BulkAnswerType>;
const bulkResponse = { 200: BulkAnswer, 207: BulkAnswer };

/** Copy, move, rename and the bulk calls: ImageKit's file operations. */
export const fileOperationRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'write', rateGroup: 'files.write', session: true } as const;

  app.post('/v1/files/copy', { schema: { body: CopyBody }, config }, async (request, reply) => {
    await copyFile(ctx, request.principal, request.body);
    reply.code(204).send();
  });

  app.post('/v1/files/move', { schema: { body: MoveBody }, config }, async (request, reply) => {
    await moveFile(ctx, request.principal, request.body);
    reply.code(204).send();
  });

  app.put(
    '/v1/files/rename',
    {
      schema: {
        body: RenameBody,
        response: { 200: Type.Object({ purgeRequestId: Type.Optional(Type.String()) }) },
      },
      config,
    },
    async (request) => {
      await renameFile(ctx, request.principal, request.body);
      if (!request.body.purgeCache) return {};
      const oldUrl = `${urlEndpointFor(ctx, request)}/${request.body.filePath.replace(/^\/+/, '')}`;
      return { purgeRequestId: await recordPurge(ctx, oldUrl, 0) };
    },
  );

  const bulk = { access: 'write', rateGroup: 'files.bulk', session: true } as const;
  app.post(
    '/v1/files/batch/deleteByFileIds',
    { schema: { body: Type.Object({ fileIds: FileIds }), response: bulkResponse }, config: bulk },
    async (request, reply) => {
      const outcome = await bulkDelete(ctx, request.principal, request.body);
      reply.code(outcome.status).send(outcome.body);
    },
  );
  for (const [path, run] of [
    ['/v1/files/addTags', bulkAddTags],
    ['/v1/files/removeTags', bulkRemoveTags],
  ] as const) {
    app.post(
      path,
      {
        schema: { body: Type.Object({ fileIds: FileIds, tags: Names }), response: bulkResponse },
        config: bulk,
      },
      async (request, reply) => {
        const outcome = await run(ctx, request.principal, request.body);
        reply.code(outcome.status).send(outcome.body);
      },
    );
  }
  app.post(
    '/v1/files/removeAITags',
    {
      schema: { body: Type.Object({ fileIds: FileIds, AITags: Names }), response: bulkResponse },
      config: bulk,
    },
    async (request, reply) => {
      const outcome = await bulkRemoveAITags(ctx, request.principal, request.body);
      reply.code(outcome.status).send(outcome.body);
    },
  );
};
