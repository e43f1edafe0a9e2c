import { badRequest } from '../errors.js';
import { bulkAddTags, bulkDelete, bulkRemoveAITags, bulkRemoveTags } from '../library/bulk.js';
import { copyFile, moveFile, renameFile } from '../library/file-operations.js';
import type { RoutePlugin } from './route-plugin.js';

/** The JSON body as an object, or a 400 saying what was expected. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Send a JSON object as the request body.', { reason: 'INVALID_PARAMETER' });
  }
  return body as Record<string, unknown>;
}

/** Copy, move, rename and the bulk calls: ImageKit's file operations. */
export const fileOperationRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'write', rateGroup: 'files.write', session: true } as const;

  app.post('/v1/files/copy', { config }, async (request, reply) => {
    await copyFile(ctx, request.principal, objectBody(request.body));
    reply.code(204).send();
  });

  app.post('/v1/files/move', { config }, async (request, reply) => {
    await moveFile(ctx, request.principal, objectBody(request.body));
    reply.code(204).send();
  });

  app.put('/v1/files/rename', { config }, async (request) => {
    await renameFile(ctx, request.principal, objectBody(request.body));
    return {};
  });

  const bulk = { access: 'write', rateGroup: 'files.bulk', session: true } as const;
  for (const [path, run] of [
    ['/v1/files/batch/deleteByFileIds', bulkDelete],
    ['/v1/files/addTags', bulkAddTags],
    ['/v1/files/removeTags', bulkRemoveTags],
    ['/v1/files/removeAITags', bulkRemoveAITags],
  ] as const) {
    app.post(path, { config: bulk }, async (request, reply) => {
      const outcome = await run(ctx, request.principal, objectBody(request.body));
      reply.code(outcome.status).send(outcome.body);
    });
  }
};
