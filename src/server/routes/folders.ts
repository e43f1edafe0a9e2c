import { Type } from '@fastify/type-provider-typebox';
import { assertFolderVisible, assertMayManage, assertPathInScope } from '../auth/scope.js';
import { actorOf } from '../library/audit.js';
import { createFolder, deleteFolder, newFolderPath } from '../library/folders.js';
import { normalizeFolder } from '../library/naming.js';
import type { RoutePlugin } from './route-plugin.js';
import { EmptyObject } from './schemas.js';

const CreateFolderBody = Type.Object({ folderName: Type.String(), parentFolderPath: Type.String() });
const DeleteFolderBody = Type.Object({ folderPath: Type.String() });

export const folderRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/v1/folder',
    {
      schema: { body: CreateFolderBody, response: { 201: EmptyObject } },
      config: { access: 'write', rateGroup: 'folders', session: true },
    },
    async (request, reply) => {
      assertPathInScope(
        request.principal,
        newFolderPath(request.body.folderName, request.body.parentFolderPath),
      );
      await createFolder(
        ctx,
        request.body.folderName,
        request.body.parentFolderPath,
        actorOf(request.principal),
      );
      reply.code(201).send({});
    },
  );

  app.delete(
    '/v1/folder',
    { schema: { body: DeleteFolderBody }, config: { access: 'write', rateGroup: 'folders', session: true } },
    async (request, reply) => {
      const folder = normalizeFolder(request.body.folderPath);
      assertFolderVisible(request.principal, folder, request.body.folderPath);
      assertMayManage(request.principal, folder);
      await deleteFolder(ctx, request.body.folderPath, actorOf(request.principal));
      reply.code(204).send();
    },
  );
};
