import { Type } from '@fastify/type-provider-typebox';
import { StringEnum } from './schemas.js';

/** Wire schemas of the people API (users, groups, grants, sign-in), shared by its routes. */

export const UserRoleSchema = StringEnum(['admin', 'manager', 'member']);
export const UserStatusSchema = StringEnum(['active', 'disabled']);
export const AccessLevelSchema = StringEnum(['view', 'contribute', 'manage']);
export const PrincipalSchema = Type.Object(
  { type: StringEnum(['user', 'group']), id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const DamUserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: UserRoleSchema,
  status: UserStatusSchema,
  hasPassword: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const DamGroupSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  members: Type.Array(PrincipalSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const GrantTargetSchema = Type.Union([
  Type.Object(
    { type: Type.Literal('folder'), path: Type.String({ minLength: 1, maxLength: 2048 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('file'), id: Type.String({ minLength: 1, maxLength: 100 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('collection'), id: Type.String({ minLength: 1, maxLength: 100 }) },
    { additionalProperties: false },
  ),
]);

export const DamGrantSchema = Type.Object({
  principal: PrincipalSchema,
  target: Type.Union([
    Type.Object({ type: Type.Literal('folder'), path: Type.String() }),
    Type.Object({ type: Type.Literal('file'), id: Type.String() }),
    Type.Object({ type: Type.Literal('collection'), id: Type.String() }),
  ]),
  level: AccessLevelSchema,
  createdAt: Type.String(),
  inherited: Type.Optional(Type.Boolean()),
});
