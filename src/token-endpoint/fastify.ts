import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenEndpoint } from './handler.js';

/** What the Fastify plugin hands to `authorize` as its context. */
export interface FastifyContext {
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface FastifyTokenEndpointOptions {
  endpoint: TokenEndpoint<FastifyContext>;
}

const maxBodyBytes = 1024 * 1024;

/**
 * A Fastify plugin: `app.register(fastifyTokenEndpoint, { prefix: '/media', endpoint })`.
 * Registered without fastify-plugin on purpose: its raw-body parser stays inside its prefix.
 * The endpoint answers CORS itself (its `cors` option): `@fastify/cors`, when the app has it, is
 * turned off on these routes, so an app-wide CORS policy never lets other sites mint tokens.
 */
export const fastifyTokenEndpoint: FastifyPluginAsync<FastifyTokenEndpointOptions> = async (
  fastify,
  { endpoint },
) => {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) =>
    done(null, body),
  );
  // `@fastify/cors` reads `config.cors`; kept out of the literal so apps without it type-check.
  const config = { cors: false };
  fastify.all('/*', { config }, async (request, reply) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || name === 'content-length' || name === 'transfer-encoding') continue;
      for (const each of [value].flat()) headers.append(name, each);
    }
    const url = `${request.protocol}://${request.host}${request.url}`;
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && Buffer.isBuffer(request.body);
    const fetchRequest = new Request(url, {
      method: request.method,
      headers,
      ...(hasBody && { body: new Uint8Array(request.body as Buffer) }),
    });
    const response = await endpoint(fetchRequest, { request, reply });
    reply.code(response.status);
    response.headers.forEach((value, name) => {
      reply.header(name, value);
    });
    return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
  });
};
