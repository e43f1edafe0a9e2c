import type { FastifyPluginAsync } from 'fastify';
import type { App } from '../app.js';
import type { ServerContext } from '../context.js';
import { objectBody } from './file-operations.js';

/** Folder copy, move and rename run as background jobs; their status is polled by id. */
export const bulkJobRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (fastify, { ctx }) => {
  const app = fastify as unknown as App;
  const write = { access: 'write', rateGroup: 'folders' } as const;

  app.post('/v1/bulkJobs/copyFolder', { config: write }, async (request) =>
    ctx.jobs.copy(objectBody(request.body)),
  );
  app.post('/v1/bulkJobs/moveFolder', { config: write }, async (request) =>
    ctx.jobs.move(objectBody(request.body)),
  );
  app.post('/v1/bulkJobs/renameFolder', { config: write }, async (request) =>
    ctx.jobs.rename(objectBody(request.body)),
  );

  app.get<{ Params: { jobId: string } }>(
    '/v1/bulkJobs/:jobId',
    { config: { access: 'read', rateGroup: 'folders' } },
    async (request) => ctx.jobs.status(request.params.jobId),
  );
};
