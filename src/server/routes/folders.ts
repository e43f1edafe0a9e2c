import { Type } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import { assertFolderVisible, assertPathInScope } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { createFolder, deleteFolder, newFolderPath } from '../library/folders.js';
import { normalizeFolder } from '../library/naming.js';

const CreateFolderBody = Type.Object({ folderName: Type.String(), parentFolderPath: Type.String() });
const DeleteFolderBody = Type.Object({ folderPath: Type.String() });

export const folderRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;

  app.post(
    '/v1/folder',
    { schema: { body: CreateFolderBody }, config: { access: 'write', rateGroup: 'folders', session: true } },
    async (request, reply) => {
      assertPathInScope(
        request.principal,
        newFolderPath(request.body.folderName, request.body.parentFolderPath),
      );
      await createFolder(ctx, request.body.folderName, request.body.parentFolderPath);
      reply.code(201).send({});
    },
  );

  app.delete(
    '/v1/folder',
    { schema: { body: DeleteFolderBody }, config: { access: 'write', rateGroup: 'folders', session: true } },
    async (request, reply) => {
      assertFolderVisible(
        request.principal,
        normalizeFolder(request.body.folderPath),
        request.body.folderPath,
      );
      await deleteFolder(ctx, request.body.folderPath);
      reply.code(204).send();
    },
  );
};
