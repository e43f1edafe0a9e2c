import { Type } from '@fastify/type-provider-typebox';
import type { FileAiStatus } from '../../shared/wire.js';
import { extensionStatusOf } from '../ai/extensions.js';
import { assertFileVisible } from '../auth/scope.js';
import { requireFile } from '../library/files.js';
import type { RoutePlugin } from './route-plugin.js';
import { type Covers, ExtensionStatus, FileIdParams, StringEnum } from './schemas.js';

const FileAiStatusSchema = Type.Object({
  // pending while an AI job waits or runs; the element polls until it is done.
  aiStatus: StringEnum(['pending', 'done', 'none']),
  extensionStatus: ExtensionStatus,
  text: Type.Union([Type.String(), Type.Null()], { description: 'Words read from the image (OCR).' }),
  faces: Type.Number({ description: 'Faces found in the current version.' }),
  objects: Type.Array(Type.String(), { description: 'COCO labels of the objects found.' }),
});
true satisfies Covers<typeof FileAiStatusSchema, FileAiStatus>;

/** Where a file's AI work stands (docs/ai.md): the element re-fetches the file once it is done. */
export const aiRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/files/:fileId/ai',
    {
      schema: { params: FileIdParams, response: { 200: FileAiStatusSchema } },
      // Polling for results must not hold back the jobs it waits for.
      config: { access: 'read', rateGroup: 'files.read', session: true, background: true },
    },
    async (request): Promise<FileAiStatus> => {
      const file = await requireFile(ctx.store, request.params.fileId);
      assertFileVisible(request.principal, file);
      const jobs = await ctx.store.aiJobs.forFile(file.fileId);
      const analysis = await ctx.store.aiAnalyses.get(file.versionId);
      return {
        aiStatus: jobs.length === 0 ? 'none' : jobs.some((j) => j.status === 'Pending') ? 'pending' : 'done',
        extensionStatus: extensionStatusOf(jobs),
        text: analysis?.text ?? null,
        faces: analysis?.detections.faces.length ?? 0,
        objects: [...new Set(analysis?.detections.objects.map((o) => o.label) ?? [])],
      };
    },
  );
};
