import { Type } from '@fastify/type-provider-typebox';
import type { AccessLevel } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import { isPathInScope } from '../auth/scope.js';
import { userLevelAt } from '../auth/user-access.js';
import { csrfTokenOf, sessionCookie, sessionCookieHeader, signIn, signOut } from '../auth/user-sessions.js';
import { ApiError } from '../errors.js';
import { normalizeFolder } from '../library/naming.js';
import { readSettings } from '../library/settings.js';
import { toDamUser } from '../library/users.js';
import { AccessLevelSchema, DamUserSchema } from './people-schemas.js';
import type { RoutePlugin } from './route-plugin.js';

const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

const SignedInSchema = Type.Object({
  user: DamUserSchema,
  csrfToken: Type.String(),
  expiresAt: Type.String(),
});

const MeSchema = Type.Object({
  user: DamUserSchema,
  role: DamUserSchema.properties.role,
  /** The level on `?folder=`; null when nothing there is reachable. */
  level: Type.Optional(
    Type.Unsafe<AccessLevel | null>({
      type: ['string', 'null'],
      enum: ['view', 'contribute', 'manage', null],
    }),
  ),
  /**
   * Members only: the levels their grants (and their groups') give, by folder (`/a/b/`, covering
   * everything below) and by file id, so a client can tell the level anywhere without asking again.
   */
  reach: Type.Optional(
    Type.Object({
      folders: Type.Record(Type.String(), AccessLevelSchema),
      files: Type.Record(Type.String(), AccessLevelSchema),
    }),
  ),
  /** For a signed-in browser: the token its writes carry in X-CSRF-Token. */
  csrfToken: Type.Optional(Type.String()),
  /** The library's name (`/_ml/settings`), for the app's header. */
  libraryName: Type.String(),
});

/** The level a principal acting for a user holds at `folder`: its grants within the token's scope. */
function effectiveLevel(principal: Principal, folder: string): AccessLevel | null {
  if (!isPathInScope({ scope: principal.scope }, folder)) return null;
  const level = principal.user ? userLevelAt(principal.user, folder) : 'manage';
  if (level === null) return null;
  // A read-only token sees at most `view`, whatever the user could do.
  return principal.scope?.access === 'read' ? 'view' : level;
}

/** A member's reach as `/_ml/me` shows it: at most `view` for a read-only token. */
function shownReach(principal: Principal) {
  const reach = principal.user?.reach;
  if (!reach) return undefined;
  const cap = (level: AccessLevel) => (principal.scope?.access === 'read' ? 'view' : level);
  const record = (map: Map<string, AccessLevel>) =>
    Object.fromEntries([...map].map(([key, level]) => [key, cap(level)]));
  return { folders: record(reach.folders), files: record(reach.files) };
}

/**
 * Signing in to the DAM: `POST /_ml/auth/sign-in` answers an httpOnly, SameSite=Lax cookie and
 * the CSRF token writes carry; `POST /_ml/auth/sign-out` ends the session; `GET /_ml/me` says who
 * is signed in (or named by a session token's `user` claim) and its level on `?folder=`.
 */
export const signInRoutes: RoutePlugin = async (app, { ctx }) => {
  app.post(
    '/_ml/auth/sign-in',
    { schema: { body: SignInBody, response: { 200: SignedInSchema } } },
    async (request, reply) => {
      const signedIn = await signIn(ctx.store, ctx.signInLimits, { ...request.body, address: request.ip });
      reply.header('set-cookie', sessionCookieHeader(signedIn.token, request.protocol === 'https'));
      reply.header('cache-control', 'no-store');
      return {
        user: toDamUser(signedIn.user),
        csrfToken: signedIn.csrfToken,
        expiresAt: new Date(signedIn.expiresAt).toISOString(),
      };
    },
  );

  app.post('/_ml/auth/sign-out', async (request, reply) => {
    const token = sessionCookie(request.headers.cookie);
    if (token !== undefined) await signOut(ctx.store, token);
    reply.header('set-cookie', sessionCookieHeader(null, request.protocol === 'https'));
    reply.code(204).send();
  });

  app.get(
    '/_ml/me',
    {
      schema: {
        querystring: Type.Object({ folder: Type.Optional(Type.String({ maxLength: 2048 })) }),
        response: { 200: MeSchema },
      },
      config: { access: 'read', session: true },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const user = principal.user && (await ctx.store.users.find(principal.user.id));
      if (!user) {
        throw new ApiError(
          404,
          'No DAM user is signed in: this request is authenticated by a key or a session without a user.',
          {
            reason: 'USER_NOT_FOUND',
          },
        );
      }
      reply.header('cache-control', 'no-store');
      const token = principal.via === 'user' ? sessionCookie(request.headers.cookie) : undefined;
      const csrfToken = token === undefined ? undefined : await csrfTokenOf(ctx.store, token);
      const { folder } = request.query;
      return {
        user: toDamUser(user),
        role: user.role,
        ...(folder !== undefined && { level: effectiveLevel(principal, normalizeFolder(folder)) }),
        ...(principal.user?.reach && { reach: shownReach(principal) }),
        ...(csrfToken !== undefined && { csrfToken }),
        libraryName: (await readSettings(ctx.store, ctx.config)).libraryName,
      };
    },
  );
};
