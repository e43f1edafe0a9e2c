import { Type } from '@fastify/type-provider-typebox';
import type { JobStatus as JobStatusAnswer } from '../library/folder-jobs.js';
import type { RoutePlugin } from './route-plugin.js';
import { type Covers, StringEnum } from './schemas.js';

const FolderDestination = { sourceFolderPath: Type.String(), destinationPath: Type.String() };
const CopyFolderBody = Type.Object({ ...FolderDestination, includeVersions: Type.Optional(Type.Boolean()) });
const MoveFolderBody = Type.Object(FolderDestination);
const RenameFolderBody = Type.Object({ folderPath: Type.String(), newFolderName: Type.String() });

const Accepted = { 200: Type.Object({ jobId: Type.String() }) };
const JobStatus = Type.Object({
  jobId: Type.String(),
  type: StringEnum(['COPY_FOLDER', 'MOVE_FOLDER', 'RENAME_FOLDER']),
  status: StringEnum(['Pending', 'Completed', 'Failed']),
  error: Type.Optional(Type.String()),
});
true satisfies Covers<typeof JobStatus, JobStatusAnswer>;

/** Folder copy, move and rename run as background jobs; their status is polled by id. */
export const bulkJobRoutes: RoutePlugin = async (app, { ctx }) => {
  const write = { access: 'write', rateGroup: 'folders', session: true } as const;

  app.post(
    '/v1/bulkJobs/copyFolder',
    { schema: { body: CopyFolderBody, response: Accepted }, config: write },
    async (request) => ctx.jobs.copy(request.principal, request.body),
  );
  app.post(
    '/v1/bulkJobs/moveFolder',
    { schema: { body: MoveFolderBody, response: Accepted }, config: write },
    async (request) => ctx.jobs.move(request.principal, request.body),
  );
  app.post(
    '/v1/bulkJobs/renameFolder',
    { schema: { body: RenameFolderBody, response: Accepted }, config: write },
    async (request) => ctx.jobs.rename(request.principal, request.body),
  );

  app.get(
    '/v1/bulkJobs/:jobId',
    {
      schema: { params: Type.Object({ jobId: Type.String() }), response: { 200: JobStatus } },
      config: { access: 'read', rateGroup: 'folders', session: true },
    },
    async (request) => ctx.jobs.status(request.principal, request.params.jobId),
  );
};
