/**
 * `@media-library/contentful/token-endpoint`: lets the host's token endpoint
 * (`media-library/token-endpoint`) trust Contentful editors. The app has Contentful sign each
 * session request (request verification); `contentfulAuthorize` checks the signature with the
 * app's signing secret, using Contentful's own `verifyRequest`, and learns who the editor is and
 * in which space and environment. Node only (Contentful's toolkit uses `node:crypto`).
 */
import { verifyRequest } from '@contentful/node-apps-toolkit';
import {
  type AuthorizeResult,
  type CorsOptions,
  type DamUserStatusOptions,
  damUserStatus,
  type Scope,
} from 'media-library/token-endpoint';

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
  /**
   * What the app's "Act as the matching DAM user (by email)" setting needs: the endpoint reads
   * that setting from the app installation and the editor's email from Contentful's Management
   * API (never from the browser, which the editor controls), and asks the media server whether
   * that DAM user exists. Without it, sessions act for no DAM user whatever the app's setting says.
   */
  damUsers?: ContentfulDamUsersOptions;
}

export interface ContentfulDamUsersOptions {
  /**
   * A Contentful Management API token that may read the space's users and the app installation
   * (a personal access token of a space admin, or an app identity token).
   */
  managementToken: string;
  /** The app definition's id (the app installation is read under it). */
  appDefinitionId: string;
  /** The media server and the token endpoint's key pair, to ask whether the DAM user exists. */
  media: DamUserStatusOptions;
  /** Contentful's Management API; `https://api.contentful.com` by default. */
  managementApi?: string;
  /** How long the app's setting and an editor's email are kept, in seconds (default 60). */
  cacheSeconds?: number;
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
  const damUsers = options.damUsers && contentfulDirectory(options.damUsers);
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
    const allowed: AuthorizeResult = { allow: true, sub: `contentful:${spaceId}:${userId}`, scope };
    if (!damUsers) return allowed;
    let setting: DamUserSetting;
    let email: string | undefined;
    try {
      setting = await damUsers.setting(spaceId, environmentId);
      if (!setting.damUser) return allowed;
      email = await damUsers.email(spaceId, userId);
    } catch (error) {
      // The app may say to act as DAM users; without knowing, no session is safer than a wider one.
      options.onRefuse?.(`Contentful's Management API could not be read: ${(error as Error).message}`);
      return {
        allow: false,
        message:
          'The token endpoint could not read your Contentful account or the app’s settings from Contentful, so it cannot tell which media library account is yours. Try again; if it goes on, an administrator should check the endpoint’s management token.',
      };
    }
    const status = email ? await damUserStatus(damUsers.media, email) : 'not-found';
    if (status === 'not-found') {
      if (setting.damUserMissing === 'roles') return allowed;
      options.onRefuse?.(`user ${userId} (${email ?? 'no email'}) has no DAM account`);
      return {
        allow: false,
        message: `The media library has no account for ${email ?? 'your Contentful user'}, and this space opens it as your own media library account. Ask a media library administrator to add you with this email.`,
      };
    }
    if (status === 'disabled') {
      options.onRefuse?.(`user ${userId} (${email}) has a disabled DAM account`);
      return {
        allow: false,
        message: `Your media library account (${email}) is disabled. Ask a media library administrator to enable it.`,
      };
    }
    // Active, or a server that cannot tell: the session names the user and the server decides on each call.
    return { ...allowed, user: email! };
  };
}

/** The app's setting, as the configuration screen saved it in the app installation's parameters. */
interface DamUserSetting {
  damUser: boolean;
  damUserMissing: string;
}

/** Reads the app installation's setting and editors' emails from Contentful's Management API, briefly cached. */
function contentfulDirectory(options: ContentfulDamUsersOptions) {
  const api = (options.managementApi ?? 'https://api.contentful.com').replace(/\/+$/, '');
  const ttl = (options.cacheSeconds ?? 60) * 1000;
  const cache = new Map<string, { until: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { until: Date.now() + ttl, value });
    // A failure is not kept: the next request asks again.
    value.catch(() => cache.delete(key));
    if (cache.size > 10_000) cache.clear();
    return value;
  };
  const get = async (path: string): Promise<Record<string, unknown> | undefined> => {
    const response = await fetch(`${api}${path}`, {
      headers: { authorization: `Bearer ${options.managementToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET ${path} answered HTTP ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const segment = encodeURIComponent;
  return {
    media: options.media,
    setting: (spaceId: string, environmentId: string) =>
      cached(`setting:${spaceId}:${environmentId}`, async (): Promise<DamUserSetting> => {
        const installation = await get(
          `/spaces/${segment(spaceId)}/environments/${segment(environmentId)}/app_installations/${segment(options.appDefinitionId)}`,
        );
        const parameters = (installation?.parameters ?? {}) as Partial<DamUserSetting>;
        return {
          damUser: parameters.damUser === true,
          damUserMissing:
            typeof parameters.damUserMissing === 'string' ? parameters.damUserMissing : 'refuse',
        };
      }),
    email: (spaceId: string, userId: string) =>
      cached(`email:${spaceId}:${userId}`, async () => {
        const user = await get(`/spaces/${segment(spaceId)}/users/${segment(userId)}`);
        return typeof user?.email === 'string' && user.email !== '' ? user.email : undefined;
      }),
  };
}
