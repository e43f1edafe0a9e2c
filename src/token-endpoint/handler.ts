import {
  maxSessionSeconds,
  normalizeScopeFolder,
  parseScope,
  type Scope,
  signSessionToken,
} from '../shared/session-token.js';
import type { SessionResponse } from '../shared/wire.js';
import { type CorsOptions, corsHeaders, isCrossSiteRequest, preflight, validateCors } from './cors.js';
import { defaultUpstream, type ProxyConfig, type ProxyOptions, proxyCall, proxyMethods } from './proxy.js';
import { EndpointError, json, methodNotAllowed, readJsonObject } from './responses.js';
import { defaultUploadExpirySeconds, signUploadParams } from './upload-auth.js';

/** What `authorize` decides about one request to the token endpoint. */
export interface AuthorizeResult {
  allow: boolean;
  /** This user's scope, field by field over the endpoint's `scope` defaults. */
  scope?: Partial<Scope>;
  /** The host's user id, written into sessions for the audit trail. */
  sub?: string;
  /**
   * A DAM user of the media server (its id or email, say the host user's email): the server then
   * applies that user's grants inside `scope`. Leave it out and sessions work as before.
   */
  user?: string;
  /** With `allow: false`, what the user is told (say, that they have no DAM account); a generic refusal when left out. */
  message?: string;
}

/**
 * The host's own check (its session cookie, JWT, CMS nonce…). `context` is what the adapter
 * passes: `{ req, res }` for Node and Express, `{ request, reply }` for Fastify, the route
 * context for Next.js, nothing for a bare `(request) => …` call.
 */
export type Authorize<C> = (request: Request, context: C) => AuthorizeResult | Promise<AuthorizeResult>;

export interface TokenEndpointOptions<C = unknown> {
  privateKey: string;
  publicKey: string;
  /** The media backend's base URL, handed to the element in each session. In proxy mode, defaults to `<mount>/api`. */
  endpoint?: string;
  authorize: Authorize<C>;
  /** Defaults for every session: folder `/`, access `readwrite`, no size or type limit. */
  scope?: Partial<Scope>;
  /** Session lifetime in seconds; default 600, at most 86400. */
  ttlSeconds?: number;
  /**
   * Off by default: only pages on the host's own origin may call the endpoint. A browser's request
   * from any other origin is refused (403) unless listed here, whatever CORS the host adds itself.
   */
  cors?: CorsOptions;
  /** Forward an allow-listed set of ImageKit calls under `<mount>/api/v1/…` with the private key added. */
  proxy?: boolean | ProxyOptions;
  /** Told about unexpected failures (a throwing `authorize`); `console.error` by default. Responses never carry the details. */
  onError?: (error: unknown) => void;
}

/** `(request) => Promise<Response>`, mountable under any path prefix. */
export interface TokenEndpoint<C = unknown> {
  (request: Request, context?: C): Promise<Response>;
  /** Whether this endpoint answers `pathname` (adapters pass other paths on to the host's routes). */
  handles(pathname: string): boolean;
}

export type { SessionResponse } from '../shared/wire.js';

type Route =
  | { kind: 'upload-auth'; mount: string }
  | { kind: 'session'; mount: string }
  | { kind: 'proxy'; mount: string; path: string };

const routeMethods = {
  'upload-auth': ['GET', 'POST'],
  session: ['POST'],
  proxy: proxyMethods,
} as const;

const defaultTtlSeconds = 600;
const sessionBodyKeys = new Set(['folder', 'access']);

/** Routes on the path's tail, so the endpoint works under any mount path without configuration. */
function matchRoute(pathname: string, proxying: boolean): Route | undefined {
  const path = pathname.replace(/\/+$/, '');
  const proxied = /^(.*?)\/api\/(v1\/.+)$/.exec(path);
  if (proxied) return proxying ? { kind: 'proxy', mount: proxied[1]!, path: proxied[2]! } : undefined;
  if (path.endsWith('/upload-auth'))
    return { kind: 'upload-auth', mount: path.slice(0, -'/upload-auth'.length) };
  if (path.endsWith('/session')) return { kind: 'session', mount: path.slice(0, -'/session'.length) };
  return undefined;
}

/**
 * The token endpoint: `…/upload-auth` (ImageKit's client-upload signature), `…/session` (a
 * scoped session token for the media server) and, in proxy mode, `…/api/v1/…`. The private
 * key signs and stays here; it is never in a response.
 */
export function createTokenEndpoint<C = unknown>(options: TokenEndpointOptions<C>): TokenEndpoint<C> {
  const { privateKey, publicKey, authorize, cors } = options;
  if (typeof privateKey !== 'string' || privateKey === '') throw new TypeError('privateKey is required');
  if (typeof publicKey !== 'string' || publicKey === '') throw new TypeError('publicKey is required');
  if (typeof authorize !== 'function') throw new TypeError('authorize(request) is required');
  const ttlSeconds = options.ttlSeconds ?? defaultTtlSeconds;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maxSessionSeconds) {
    throw new TypeError(`ttlSeconds must be a whole number from 1 to ${maxSessionSeconds}`);
  }
  const defaults = { folder: '/', access: 'readwrite', ...options.scope };
  parseScope(defaults);
  if (cors) validateCors(cors);
  const proxy: ProxyConfig | undefined = options.proxy
    ? {
        privateKey,
        publicKey,
        upstream: baseUrl(
          (typeof options.proxy === 'object' && options.proxy.upstream) || defaultUpstream,
          'proxy.upstream',
        ),
      }
    : undefined;
  const endpoint = options.endpoint === undefined ? undefined : baseUrl(options.endpoint, 'endpoint');
  if (!endpoint && !proxy)
    throw new TypeError('endpoint (the media backend URL) is required unless proxy is on');
  const onError = options.onError ?? ((error: unknown) => console.error('token endpoint:', error));

  /** Asks the host whether this request may have a token, and with which scope. */
  async function authorizedScope(
    request: Request,
    context: C,
  ): Promise<{ scope: Scope; sub?: string; user?: string }> {
    let result: AuthorizeResult;
    try {
      result = await authorize(request, context);
    } catch (error) {
      onError(error);
      throw new EndpointError(
        500,
        'The token endpoint could not check whether you may use the media library.',
      );
    }
    if (!result || typeof result !== 'object') {
      onError(new TypeError('authorize must return { allow, scope? }'));
      throw new EndpointError(500, 'The token endpoint is misconfigured: authorize returned no decision.');
    }
    if (result.allow !== true) {
      const told = typeof result.message === 'string' && result.message.trim() !== '';
      throw new EndpointError(
        403,
        told ? result.message!.slice(0, 1000) : 'You are not allowed to use the media library.',
      );
    }
    let scope: Scope;
    try {
      scope = parseScope({ ...defaults, ...result.scope });
    } catch (error) {
      onError(error);
      throw new EndpointError(500, `The token endpoint is misconfigured: ${(error as Error).message}.`);
    }
    if (result.sub !== undefined && (typeof result.sub !== 'string' || result.sub.length > 256)) {
      onError(new TypeError('authorize returned a sub that is not a string of at most 256 characters'));
      throw new EndpointError(500, 'The token endpoint is misconfigured: sub must be a short string.');
    }
    if (
      result.user !== undefined &&
      (typeof result.user !== 'string' || result.user === '' || result.user.length > 320)
    ) {
      onError(
        new TypeError(
          'authorize returned a user that is not a DAM user id or email of at most 320 characters',
        ),
      );
      throw new EndpointError(
        500,
        'The token endpoint is misconfigured: user must be a DAM user id or email.',
      );
    }
    return {
      scope,
      ...(result.sub !== undefined && { sub: result.sub }),
      ...(result.user !== undefined && { user: result.user }),
    };
  }

  async function uploadAuth(request: Request, context: C): Promise<Response> {
    if (request.method === 'POST') await readJsonObject(request);
    const { scope, sub, user } = await authorizedScope(request, context);
    if (scope.access !== 'readwrite') {
      throw new EndpointError(403, `Your access to ${scope.folder} is read-only, so you cannot upload.`);
    }
    // On our server a token that is a session token holds the upload to the scope; ImageKit takes a plain one.
    const unrestricted = scope.folder === '/' && !scope.maxFileSize && !scope.accept && user === undefined;
    const now = Date.now();
    // The token binds one upload and lives exactly as long as its signature; it is never a session.
    const expire = Math.floor(now / 1000) + defaultUploadExpirySeconds;
    const token =
      proxy || unrestricted
        ? undefined
        : await signSessionToken({
            privateKey,
            publicKey,
            scope,
            ttlSeconds: defaultUploadExpirySeconds,
            use: 'upload',
            now,
            ...(sub !== undefined && { sub }),
            ...(user !== undefined && { user }),
          });
    return json(200, await signUploadParams({ privateKey, publicKey, now, expire, ...(token && { token }) }));
  }

  async function session(request: Request, context: C, mount: string): Promise<Response> {
    const body = await readJsonObject(request);
    const unknown = Object.keys(body).filter((key) => !sessionBodyKeys.has(key));
    if (unknown.length > 0) {
      throw new EndpointError(
        400,
        `Unknown field ${unknown.join(', ')}. A session request may send folder and access.`,
      );
    }
    const authorized = await authorizedScope(request, context);
    const scope = narrowScope(authorized.scope, body);
    const now = Date.now();
    const token = await signSessionToken({
      privateKey,
      publicKey,
      scope,
      ttlSeconds,
      now,
      ...(authorized.sub !== undefined && { sub: authorized.sub }),
      ...(authorized.user !== undefined && { user: authorized.user }),
    });
    const expiresAt = new Date((Math.floor(now / 1000) + ttlSeconds) * 1000).toISOString();
    const answer: SessionResponse = {
      token,
      expiresAt,
      scope,
      endpoint: endpoint ?? `${new URL(request.url).origin}${mount}/api`,
    };
    return json(200, answer);
  }

  const handler = async (request: Request, context?: C): Promise<Response> => {
    const origin = request.headers.get('origin');
    let response: Response;
    try {
      const route = matchRoute(new URL(request.url).pathname, Boolean(proxy));
      if (!route) {
        throw new EndpointError(404, 'Not found: this token endpoint answers …/upload-auth and …/session.');
      }
      const methods = routeMethods[route.kind];
      if (request.method === 'OPTIONS' && cors) return preflight(cors, origin, methods);
      if (!(methods as readonly string[]).includes(request.method)) throw methodNotAllowed(methods);
      if (isCrossSiteRequest(request, cors)) {
        throw new EndpointError(
          403,
          'This page is on another origin than the token endpoint, and the endpoint’s cors option does not list it: cross-site requests are refused.',
        );
      }
      if (route.kind === 'upload-auth') response = await uploadAuth(request, context as C);
      else if (route.kind === 'session') response = await session(request, context as C, route.mount);
      else response = await proxyCall(proxy!, request, route.path);
    } catch (error) {
      if (error instanceof EndpointError) response = error.toResponse();
      else {
        onError(error);
        response = json(500, { message: 'The token endpoint failed. Its server log has the details.' });
      }
    }
    return withHeaders(response, corsHeaders(cors, origin));
  };
  return Object.assign(handler, {
    handles: (pathname: string) => matchRoute(pathname, Boolean(proxy)) !== undefined,
  });
}

/** A session may ask for less than it is allowed (a subfolder, read only), never more. */
function narrowScope(scope: Scope, body: Record<string, unknown>): Scope {
  const narrowed = { ...scope };
  if (body.folder !== undefined) {
    let folder: string;
    try {
      folder = normalizeScopeFolder(body.folder);
    } catch (error) {
      throw new EndpointError(400, `folder: ${(error as Error).message.replace('scope.folder', 'it')}.`);
    }
    if (!folder.startsWith(scope.folder)) {
      throw new EndpointError(403, `You may only open sessions inside ${scope.folder}.`);
    }
    narrowed.folder = folder;
  }
  if (body.access !== undefined) {
    if (body.access !== 'read' && body.access !== 'readwrite') {
      throw new EndpointError(400, 'access must be "read" or "readwrite".');
    }
    if (body.access === 'readwrite' && scope.access === 'read') {
      throw new EndpointError(403, `Your access to ${scope.folder} is read-only.`);
    }
    narrowed.access = body.access;
  }
  return narrowed;
}

function baseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`${name} must be an http(s) URL`);
  return url.href.replace(/\/+$/, '');
}

/** A copy of `response` with `extra` headers (a fetched response's own headers are immutable). */
function withHeaders(response: Response, extra: Record<string, string>): Response {
  if (Object.keys(extra).length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
