import { Type } from '@fastify/type-provider-typebox';
import { companionPath } from './companion.js';
import type { RoutePlugin } from './route-plugin.js';
import type { Covers } from './schemas.js';
import { tusPath } from './tus.js';

/** `GET /_ml/config`: what the element may offer against this server. */
export interface ClientConfig {
  upload: {
    /** The largest upload this server takes, in bytes (a session may allow less). */
    maxFileSize: number;
    /** The tus endpoint, and the size above which the element uses it. */
    resumable: { endpoint: string; threshold: number };
    /** Companion's mount, whether it imports from links, and the providers it has credentials for. */
    companion: { endpoint: string; url: boolean; providers: string[] };
  };
}

const ClientConfigSchema = Type.Object({
  upload: Type.Object({
    maxFileSize: Type.Number(),
    resumable: Type.Object({ endpoint: Type.String(), threshold: Type.Number() }),
    companion: Type.Object({
      endpoint: Type.String(),
      url: Type.Boolean(),
      providers: Type.Array(Type.String()),
    }),
  }),
});
true satisfies Covers<typeof ClientConfigSchema, ClientConfig>;
true satisfies Covers<(typeof ClientConfigSchema)['properties']['upload'], ClientConfig['upload']>;

/**
 * What the element needs to know before offering upload: limits, the resumable endpoint, and
 * which remote sources are set up. Public (it holds no secret) and the same for every caller.
 */
export const clientConfigRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get('/_ml/config', { schema: { response: { 200: ClientConfigSchema } } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    const { upload } = ctx.config;
    return {
      upload: {
        maxFileSize: ctx.config.maxUploadBytes,
        resumable: { endpoint: tusPath, threshold: upload.resumableThreshold },
        companion: { endpoint: companionPath, url: true, providers: Object.keys(upload.providers) },
      },
    };
  });
};
