import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import type { ServerContext } from '../context.js';
import { objectBody } from './file-operations.js';

/** Folder copy, move and rename run as background jobs; their status is polled by id. */
export const bulkJobRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;
  const write = { access: 'write', rateGroup: 'folders', session: true } as const;

  app.post('/v1/bulkJobs/copyFolder', { config: write }, async (request) =>
    ctx.jobs.copy(request.principal, objectBody(request.body)),
  );
  app.post('/v1/bulkJobs/moveFolder', { config: write }, async (request) =>
    ctx.jobs.move(request.principal, objectBody(request.body)),
  );
  app.post('/v1/bulkJobs/renameFolder', { config: write }, async (request) =>
    ctx.jobs.rename(request.principal, objectBody(request.body)),
  );

  app.get<{ Params: { jobId: string } }>(
    '/v1/bulkJobs/:jobId',
    { config: { access: 'read', rateGroup: 'folders', session: true } },
    async (request) => ctx.jobs.status(request.principal, request.params.jobId),
  );
};
