import { Type } from '@fastify/type-provider-typebox';
import { actorOf } from '../library/audit.js';
import {
  createUser,
  deleteUser,
  resetPassword,
  toDamUser,
  updateUser,
  userNotFound,
} from '../library/users.js';
import { DamUserSchema, UserRoleSchema, UserStatusSchema } from './people-schemas.js';
import type { RoutePlugin } from './route-plugin.js';

const CreateUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: UserRoleSchema,
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

const UpdateUserBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    role: Type.Optional(UserRoleSchema),
    status: Type.Optional(UserStatusSchema),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

const UserParams = Type.Object({ id: Type.String() });

/**
 * `/_ml/users`: the DAM's users. Admins only: Basic with a standard key, or an admin's session.
 * A user created without a password is invited: it signs in once an admin sets or resets one.
 */
export const userRoutes: RoutePlugin = async (app, { ctx }) => {
  const config = { access: 'admin', rateGroup: 'users' } as const;

  app.get('/_ml/users', { schema: { response: { 200: Type.Array(DamUserSchema) } }, config }, async () =>
    (await ctx.store.users.list()).map(toDamUser),
  );

  app.post(
    '/_ml/users',
    { schema: { body: CreateUserBody, response: { 201: DamUserSchema } }, config },
    async (request, reply) => {
      const { email, name, role, password } = request.body;
      const user = await createUser(
        ctx.store,
        {
          email,
          role,
          ...(name !== undefined && { name }),
          ...(password !== undefined && { password }),
        },
        actorOf(request.principal),
      );
      reply.code(201).send(toDamUser(user));
    },
  );

  app.get(
    '/_ml/users/:id',
    { schema: { params: UserParams, response: { 200: DamUserSchema } }, config },
    async (request) => {
      const user = await ctx.store.users.find(request.params.id);
      if (!user) throw userNotFound();
      return toDamUser(user);
    },
  );

  app.patch(
    '/_ml/users/:id',
    { schema: { params: UserParams, body: UpdateUserBody, response: { 200: DamUserSchema } }, config },
    async (request) => {
      const { name, role, status, password } = request.body;
      return toDamUser(
        await updateUser(
          ctx.store,
          request.params.id,
          {
            ...(name !== undefined && { name }),
            ...(role !== undefined && { role }),
            ...(status !== undefined && { status }),
            ...(password !== undefined && { password }),
          },
          actorOf(request.principal),
        ),
      );
    },
  );

  app.post(
    '/_ml/users/:id/reset-password',
    {
      schema: { params: UserParams, response: { 200: Type.Object({ password: Type.String() }) } },
      config,
    },
    async (request) => ({
      password: await resetPassword(ctx.store, request.params.id, actorOf(request.principal)),
    }),
  );

  app.delete('/_ml/users/:id', { schema: { params: UserParams }, config }, async (request, reply) => {
    await deleteUser(ctx.store, request.params.id, actorOf(request.principal));
    reply.code(204).send();
  });
};
