import { Type } from '@fastify/type-provider-typebox';
import type { RoutePlugin } from './route-plugin.js';
import { Nullable } from './schemas.js';

const BackupStatusSchema = Type.Object({
  enabled: Type.Boolean(),
  target: Nullable(Type.String()),
  pending: Type.Integer(),
  failed: Type.Integer(),
  lastError: Nullable(Type.String()),
  lastSuccessAt: Nullable(Type.Integer()),
});

/** `GET /_ml/backup`: the backup bucket's queue, for an admin or a full API key (docs/operations.md). */
export const backupRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/backup',
    { schema: { response: { 200: BackupStatusSchema } }, config: { access: 'admin', rateGroup: 'users' } },
    async () => ctx.backup.status(),
  );
};
