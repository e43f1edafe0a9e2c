/**
 * `@media-library/contentful/token-endpoint`: lets the host's token endpoint
 * (`media-library/token-endpoint`) trust Contentful editors. The app has Contentful sign each
 * session request (request verification); `contentfulAuthorize` checks the signature with the
 * app's signing secret, using Contentful's own `verifyRequest`, and learns who the editor is and
 * in which space and environment. Node only (Contentful's toolkit uses `node:crypto`).
 */
import { verifyRequest } from '@contentful/node-apps-toolkit';
import type { AuthorizeResult, CorsOptions, Scope } from 'media-library/token-endpoint';

/** Who is asking, as Contentful signed it. */
export interface ContentfulEditor {
  userId: string;
  spaceId: string;
  environmentId: string;
}

export interface ContentfulAuthorizeOptions {
  /** The app definition's signing secret (64 characters); two during a rotation, the new one first. */
  signingSecret: string | readonly string[];
  /** Spaces whose editors may have sessions; any space the app is installed in when left out. */
  spaces?: readonly string[];
  /** How old a signature may be, in seconds (default 30, as Contentful's toolkit). */
  maxAgeSeconds?: number;
  /**
   * Each editor's scope over the token endpoint's defaults (a folder per space, read-only for
   * some users), or `false` to refuse. Everyone signed in gets the defaults when left out.
   */
  scope?: (editor: ContentfulEditor) => Partial<Scope> | false | Promise<Partial<Scope> | false>;
  /** Told why a request was refused (bad signature, stale, unknown space), for the operator's log. */
  onRefuse?: (reason: string) => void;
}

/** The headers Contentful's signature travels in; a token endpoint on another origin lets them through CORS. */
export const contentfulSignatureHeaders = [
  'x-contentful-signature',
  'x-contentful-signed-headers',
  'x-contentful-timestamp',
  'x-contentful-space-id',
  'x-contentful-environment-id',
  'x-contentful-user-id',
  'x-contentful-crn',
  'x-contentful-app-id',
] as const;

/**
 * CORS for the app's iframe: apps hosted by Contentful run on `https://<id>.ctfcloud.net`; pass
 * your own origin when you host the bundle yourself. No cookies: the signature is the credential.
 */
export function contentfulCors(origin: CorsOptions['origin'] = isContentfulHostedApp): CorsOptions {
  return { origin, credentials: false, allowHeaders: contentfulSignatureHeaders };
}

/** Origins Contentful serves hosted app bundles from. */
export function isContentfulHostedApp(origin: string): boolean {
  return /^https:\/\/[a-z0-9-]+\.ctfcloud\.net$/i.test(origin);
}

/** The token endpoint's `authorize` for Contentful editors: a verified signature, or no session. */
export function contentfulAuthorize(
  options: ContentfulAuthorizeOptions,
): (request: Request) => Promise<AuthorizeResult> {
  const secrets = [options.signingSecret].flat();
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret.length !== 64)) {
    throw new TypeError('signingSecret must be the app definition’s 64-character signing secret');
  }
  const maxAge = options.maxAgeSeconds ?? 30;
  const refuse = (reason: string): AuthorizeResult => {
    options.onRefuse?.(reason);
    return { allow: false };
  };

  return async (request) => {
    const headers = Object.fromEntries(request.headers);
    if (!headers['x-contentful-signature']) return refuse('the request is not signed by Contentful');
    const url = new URL(request.url);
    const canonical = {
      method: request.method as 'GET' | 'POST',
      path: url.pathname + url.search,
      headers,
    };
    let verified = false;
    for (const secret of secrets) {
      try {
        verified = verifyRequest(secret, canonical, maxAge);
      } catch (error) {
        return refuse(`the signature could not be checked: ${(error as Error).message}`);
      }
      if (verified) break;
    }
    if (!verified) return refuse('the signature does not match (is the signing secret the app’s?)');
    // Only headers the signature covers say who is asking; anyone can add unsigned ones.
    const signed = new Set((headers['x-contentful-signed-headers'] ?? '').split(','));
    const claim = (name: string) => (signed.has(name) ? headers[name] : undefined);
    const userId = claim('x-contentful-user-id');
    const spaceId = claim('x-contentful-space-id');
    const environmentId = claim('x-contentful-environment-id');
    if (!userId || !spaceId || !environmentId) {
      return refuse('the signature does not cover the user, space and environment');
    }
    if (options.spaces && !options.spaces.includes(spaceId)) return refuse(`space ${spaceId} is not allowed`);
    const editor = { userId, spaceId, environmentId };
    const scope = options.scope ? await options.scope(editor) : {};
    if (scope === false) return refuse(`user ${userId} is not allowed by scope()`);
    return { allow: true, sub: `contentful:${spaceId}:${userId}`, scope };
  };
}
