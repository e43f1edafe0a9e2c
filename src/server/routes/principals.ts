import { Type } from '@fastify/type-provider-typebox';
import { findPrincipals } from '../library/principals.js';
import type { RoutePlugin } from './route-plugin.js';
import { StringEnum } from './schemas.js';

const PrincipalsQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    ids: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

const PrincipalEntrySchema = Type.Object({
  type: StringEnum(['user', 'group']),
  id: Type.String(),
  name: Type.String(),
  email: Type.Optional(Type.String()),
});

/**
 * `/_ml/principals`: the people picker of "Share with people": users and groups by name or email,
 * for whoever may share something (members who manage somewhere included, unlike `/_ml/users`).
 */
export const principalRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/_ml/principals',
    {
      schema: { querystring: PrincipalsQuery, response: { 200: Type.Array(PrincipalEntrySchema) } },
      config: { access: 'read', rateGroup: 'users', session: true },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return findPrincipals(ctx.store, request.principal!, request.query);
    },
  );
};
