import { Type } from '@fastify/type-provider-typebox';
import { deleteGrant, listGrants, putGrant, toDamGrant } from '../library/grants.js';
import { notifyShared } from '../library/notifications.js';
import { AccessLevelSchema, DamGrantSchema, GrantTargetSchema, PrincipalSchema } from './people-schemas.js';
import type { RoutePlugin } from './route-plugin.js';

const GrantKeyBody = Type.Object(
  { principal: PrincipalSchema, target: GrantTargetSchema },
  { additionalProperties: false },
);
const PutGrantBody = Type.Object(
  { principal: PrincipalSchema, target: GrantTargetSchema, level: AccessLevelSchema },
  { additionalProperties: false },
);
const GrantsQuery = Type.Object({
  folder: Type.Optional(Type.String({ maxLength: 2048 })),
  fileId: Type.Optional(Type.String({ maxLength: 100 })),
  principal: Type.Optional(Type.String({ maxLength: 120 })),
});

/**
 * `/_ml/grants`: who may reach which folder or file. Keys, admins and managers grant anything;
 * a member shares what it manages, up to its own level; session tokens only with a `user` claim.
 */
export const grantRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'users', session: true } as const;
  const write = { access: 'write', rateGroup: 'users', session: true } as const;

  app.get(
    '/_ml/grants',
    { schema: { querystring: GrantsQuery, response: { 200: Type.Array(DamGrantSchema) } }, config: read },
    async (request) => listGrants(ctx.store, request.principal!, request.query),
  );

  app.put(
    '/_ml/grants',
    { schema: { body: PutGrantBody, response: { 200: DamGrantSchema } }, config: write },
    async (request) => {
      const grant = await putGrant(ctx.store, request.principal!, request.body);
      // Shared with you: the grant's users hear of it (docs/comments.md).
      const file = grant.targetType === 'file' ? await ctx.store.files.get(grant.target) : undefined;
      const notified = await notifyShared(ctx.store, request.principal, {
        principal: request.body.principal,
        target: grant.target,
        path: file?.filePath ?? grant.target,
        ...(file && { fileId: file.fileId }),
      });
      ctx.notificationHub.publish(notified);
      if (notified.length > 0) void ctx.notificationMailer.send('immediate');
      return toDamGrant(grant);
    },
  );

  app.delete('/_ml/grants', { schema: { body: GrantKeyBody }, config: write }, async (request, reply) => {
    await deleteGrant(ctx.store, request.principal!, request.body);
    reply.code(204).send();
  });
};
