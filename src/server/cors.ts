import type { FastifyCorsOptions } from '@fastify/cors';
import type { ServerConfig } from './config.js';

/**
 * Which pages may read the API's answers (`ServerConfig.corsOrigins`). Never with credentials:
 * the API reads no cookies, only `Authorization`, which a page sends only when it holds a key or
 * a session token already, so `*` lends a foreign page nothing. Token endpoints mounted on the
 * same app answer CORS themselves (their adapter's `cors` option).
 */
export function apiCorsOptions(origins: ServerConfig['corsOrigins']): FastifyCorsOptions {
  return {
    origin: origins,
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: [
      'x-ik-requestId',
      'x-request-id',
      'X-RateLimit-Limit',
      'X-RateLimit-Reset',
      'X-RateLimit-Interval',
      'retry-after-ms',
    ],
    maxAge: 600,
  };
}

/** The same policy as `@tus/server`'s `allowedOrigins`, which answers the resumable endpoint's CORS itself. */
export function tusAllowedOrigins(
  origins: ServerConfig['corsOrigins'],
): ((origin: string) => boolean) | undefined {
  return origins === '*' ? undefined : (origin) => origins.includes(origin);
}
