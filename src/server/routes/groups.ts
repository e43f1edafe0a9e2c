import { Type } from '@fastify/type-provider-typebox';
import { actorOf } from '../library/audit.js';
import { createGroup, deleteGroup, groupNotFound, toDamGroup, updateGroup } from '../library/groups.js';
import { DamGroupSchema, PrincipalSchema } from './people-schemas.js';
import type { RoutePlugin } from './route-plugin.js';

const Members = Type.Array(PrincipalSchema, { maxItems: 10_000 });
const CreateGroupBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), members: Type.Optional(Members) },
  { additionalProperties: false },
);
const UpdateGroupBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), members: Type.Optional(Members) },
  { additionalProperties: false },
);
const GroupParams = Type.Object({ id: Type.String() });

/** `/_ml/groups`: named sets of users (and groups), members in the body. Admins only, as users. */
export const groupRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'admin', rateGroup: 'users' } as const;

  app.get('/_ml/groups', { schema: { response: { 200: Type.Array(DamGroupSchema) } }, config }, async () =>
    Promise.all((await ctx.store.groups.list()).map((g) => toDamGroup(ctx.store, g))),
  );

  app.post(
    '/_ml/groups',
    { schema: { body: CreateGroupBody, response: { 201: DamGroupSchema } }, config },
    async (request, reply) => {
      const group = await createGroup(ctx.store, request.body, actorOf(request.principal));
      reply.code(201).send(await toDamGroup(ctx.store, group));
    },
  );

  app.get(
    '/_ml/groups/:id',
    { schema: { params: GroupParams, response: { 200: DamGroupSchema } }, config },
    async (request) => {
      const group = await ctx.store.groups.find(request.params.id);
      if (!group) throw groupNotFound();
      return toDamGroup(ctx.store, group);
    },
  );

  app.patch(
    '/_ml/groups/:id',
    { schema: { params: GroupParams, body: UpdateGroupBody, response: { 200: DamGroupSchema } }, config },
    async (request) =>
      toDamGroup(
        ctx.store,
        await updateGroup(ctx.store, request.params.id, request.body, actorOf(request.principal)),
      ),
  );

  app.delete('/_ml/groups/:id', { schema: { params: GroupParams }, config }, async (request, reply) => {
    await deleteGroup(ctx.store, request.params.id, actorOf(request.principal));
    reply.code(204).send();
  });
};
