import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Access, Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller must be allowed to do; routes without it need no API key. */
    access?: Access;
    /** Requests are counted per key and group; routes without one are not rate limited. */
    rateGroup?: string;
    /**
     * Session tokens (`Authorization: Bearer`) may call this route. Set it only where the
     * handler enforces the session's folder scope (src/server/auth/scope.ts); sessions are
     * refused everywhere else.
     */
    session?: boolean;
    /** `false`: `@fastify/cors` leaves this route alone (it answers CORS itself). */
    cors?: boolean;
    /**
     * Not work AI jobs yield to (src/server/ai/jobs.ts): a poll for their results, a stream that
     * stays open. Other requests hold AI jobs back while they run.
     */
    background?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The Fastify app, typed by its TypeBox schemas. */
export type App = FastifyInstance<
  FastifyInstance['server'],
  FastifyRequest['raw'],
  FastifyReply['raw'],
  FastifyInstance['log'],
  TypeBoxTypeProvider
>;

/** One API area's routes, registered on the app with the server's parts. */
export type RoutePlugin = FastifyPluginAsyncTypebox<{ ctx: ServerContext }>;

/** The origin file URLs point at: the configured one, else the one this request came to (its Host was checked). */
export function urlEndpointFor(ctx: ServerContext, request: FastifyRequest): string {
  return ctx.config.urlEndpoint ?? `${request.protocol}://${request.host}`;
}
