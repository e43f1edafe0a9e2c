import { Type } from '@fastify/type-provider-typebox';
import { deliverFromOrigins } from '../library/origin-delivery.js';
import {
  createUrlEndpoint,
  deleteUrlEndpoint,
  originDeliveryPath,
  replaceUrlEndpoint,
  requireUrlEndpoint,
  toUrlEndpoint,
  type UrlEndpoint,
} from '../library/url-endpoints.js';
import type { RoutePlugin } from './route-plugin.js';
import { type Covers, OpenObject } from './schemas.js';

const UrlEndpointSchema = Type.Object({
  id: Type.String(),
  description: Type.String(),
  urlPrefix: Type.String(),
  origins: Type.Array(Type.String()),
});
true satisfies Covers<typeof UrlEndpointSchema, UrlEndpoint>;
const IdParams = Type.Object({ id: Type.String() });
const Definition = Type.Object({
  description: Type.String(),
  urlPrefix: Type.Optional(Type.String()),
  origins: Type.Optional(Type.Array(Type.String())),
  urlRewriter: Type.Optional(OpenObject),
});

/**
 * ImageKit's URL endpoints (`/v1/accounts/url-endpoints`, the SDK's `accounts.urlEndpoints`): a
 * path prefix whose URLs are looked up in its origins, in order (or, without origins, in the
 * library). The router rewrites such URLs (`UrlEndpointCatalog.rewrite`); those with origins
 * land on `originDeliveryPath`, answered here.
 */
export const urlEndpointRoutes: RoutePlugin = async (app, { ctx }) => {
  const read = { access: 'read', rateGroup: 'settings' } as const;
  const admin = { access: 'admin', rateGroup: 'settings' } as const;
  const answer = { 200: UrlEndpointSchema };

  app.get(
    '/v1/accounts/url-endpoints',
    { schema: { response: { 200: Type.Array(UrlEndpointSchema) } }, config: read },
    async () => (await ctx.store.urlEndpoints.list()).map(toUrlEndpoint),
  );
  app.post(
    '/v1/accounts/url-endpoints',
    { schema: { body: Definition, response: { 201: UrlEndpointSchema } }, config: admin },
    async (request, reply) => {
      reply.code(201).send(await createUrlEndpoint(ctx, request.principal, request.body));
    },
  );
  app.get(
    '/v1/accounts/url-endpoints/:id',
    { schema: { params: IdParams, response: answer }, config: read },
    async (request) => toUrlEndpoint(await requireUrlEndpoint(ctx.store, request.params.id)),
  );
  app.put(
    '/v1/accounts/url-endpoints/:id',
    { schema: { params: IdParams, body: Definition, response: answer }, config: admin },
    async (request) => replaceUrlEndpoint(ctx, request.principal, request.params.id, request.body),
  );
  app.delete(
    '/v1/accounts/url-endpoints/:id',
    { schema: { params: IdParams }, config: admin },
    async (request, reply) => {
      await deleteUrlEndpoint(ctx, request.principal, request.params.id);
      reply.code(204).send();
    },
  );

  // Public, as delivery is: files of URL endpoints with origins.
  app.route({
    method: ['GET', 'HEAD'],
    url: `${originDeliveryPath}/:endpointId/*`,
    handler: async (request, reply) => {
      const { endpointId } = request.params as { endpointId: string };
      const url = request.url;
      const rest = url.slice(url.indexOf('/', originDeliveryPath.length + 1));
      const file = await deliverFromOrigins(ctx, endpointId, rest, request.headers.accept);
      reply
        .header('content-type', file.contentType)
        .header('etag', file.etag)
        .header('cache-control', 'public, max-age=3600')
        .header('vary', 'Accept');
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
      return reply.send(file.bytes);
    },
  });
};
