import { objectBody } from './file-operations.js';
import type { RoutePlugin } from './route-plugin.js';

/** Folder copy, move and rename run as background jobs; their status is polled by id. */
export const bulkJobRoutes: RoutePlugin = async (app, { ctx }) => {
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
    async (request) => ctx.jobs.status(request.params.jobId),
  );
};
