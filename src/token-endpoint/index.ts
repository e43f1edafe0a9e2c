/**
 * `media-library/token-endpoint`: mount it in your own backend so browsers get upload
 * signatures and scoped session tokens, and never the private key.
 */
export {
  mimeAccepted,
  type Scope,
  type SessionAccess,
  type SessionClaims,
  SessionTokenError,
  signSessionToken,
  verifySessionToken,
} from '../shared/session-token.js';
export type { CorsOptions } from './cors.js';
export { type DamUserStatus, type DamUserStatusOptions, damUserStatus } from './dam-user.js';
export { type FastifyContext, type FastifyTokenEndpointOptions, fastifyTokenEndpoint } from './fastify.js';
export {
  type Authorize,
  type AuthorizeResult,
  createTokenEndpoint,
  type SessionResponse,
  type TokenEndpoint,
  type TokenEndpointOptions,
} from './handler.js';
export { type NodeContext, toExpressMiddleware, toNodeHandler, toRequest } from './node.js';
export type { ProxyOptions } from './proxy.js';
export { type SignUploadOptions, signUploadParams, type UploadAuthParams } from './upload-auth.js';
