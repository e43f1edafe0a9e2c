import type { SessionAccess } from '../shared/session-token.js';
import type { SessionResponse } from '../shared/wire.js';
import { errorFromResponse, MediaApiError } from './errors.js';

/** How a client authenticates its calls: a Basic private key (servers, tests) or a session (browsers). */
export interface Authorizer {
  /** The `Authorization` header for the next call; empty when the browser's cookie authenticates it. */
  authorization(signal?: AbortSignal): Promise<string>;
  /** Further headers for a call with `method` (a session cookie's CSRF token on writes). */
  headers?(method: string): Record<string, string>;
  /**
   * Forgets cached credentials after a 401 to a call sent with `authorization`; answers whether
   * fresh ones are worth a retry.
   */
  invalidate?(authorization?: string): boolean;
  /** The media backend the credentials are for (a session names it), when the client has none. */
  endpoint?(signal?: AbortSignal): Promise<string | undefined>;
}

/** ImageKit's server-side auth: the private key as the Basic user name. Never use it in a browser. */
export function basicAuth(privateKey: string): Authorizer {
  const header = `Basic ${btoa(`${privateKey}:`)}`;
  return { authorization: async () => header };
}

/**
 * A DAM user signed in to the media server (its `/app/`): the browser's httpOnly session cookie
 * authenticates every call of the same origin, and writes carry the session's CSRF token (from
 * `POST /_ml/auth/sign-in` or `GET /_ml/me`) as `X-CSRF-Token`. No `Authorization` header: the
 * server then reads the cookie. A 401 means the session ended; the page signs in again.
 */
export class CookieAuthorizer implements Authorizer {
  readonly #csrfToken: string;
  readonly #endpoint: string | undefined;

  constructor(options: { csrfToken: string; endpoint?: string }) {
    this.#csrfToken = options.csrfToken;
    this.#endpoint = options.endpoint;
  }

  async authorization(): Promise<string> {
    return '';
  }

  headers(method: string): Record<string, string> {
    return /^(GET|HEAD|OPTIONS)$/i.test(method) ? {} : { 'x-csrf-token': this.#csrfToken };
  }

  async endpoint(): Promise<string | undefined> {
    return this.#endpoint ?? (typeof location === 'undefined' ? undefined : location.origin);
  }

  invalidate(): boolean {
    return false;
  }
}

/**
 * Calls the host's token endpoint: `path` is `session` or `upload-auth`. The default is
 * `fetch(authUrl + '/' + path, init)`; hosts whose endpoint needs a header (a CMS nonce) or a
 * different transport supply their own.
 */
export type FetchAuth = (path: 'session' | 'upload-auth', init: RequestInit) => Promise<Response>;

/** The default `fetchAuth`: POST/GET to `<authUrl>/<path>` with the page's cookies (same origin). */
export function fetchAuthFrom(authUrl: string, fetchImpl: typeof fetch = globalThis.fetch): FetchAuth {
  const base = authUrl.replace(/\/+$/, '');
  return (path, init) =>
    fetchImpl.call(globalThis, `${base}/${path}`, { credentials: 'same-origin', ...init });
}

export interface SessionAuthorizerOptions {
  fetchAuth: FetchAuth;
  /** Ask for less than the host allows: a subfolder, or read-only access. */
  request?: { folder?: string; access?: SessionAccess };
  /** Renew when less than this share of the session's life is left (default 0.2, at least 30 s). */
  renewAt?: number;
  now?: () => number;
}

/**
 * Sessions from the host's token endpoint (`POST …/session`), cached and renewed before they
 * expire, so no call goes out with a token about to lapse. Concurrent callers share one request.
 * A renewal runs beside the calls: they keep the current token while it has half of the renewal
 * margin left, and wait for the new one only past that.
 */
export class SessionAuthorizer implements Authorizer {
  private current: { session: SessionResponse; renewAfter: number; usableUntil: number } | undefined;
  private pending: Promise<SessionResponse> | undefined;
  private readonly options: SessionAuthorizerOptions;

  constructor(options: SessionAuthorizerOptions) {
    this.options = options;
  }

  /** The live session, renewed when it is close to expiry. */
  async session(): Promise<SessionResponse> {
    const now = (this.options.now ?? Date.now)();
    const current = this.current;
    if (current && now < current.renewAfter) return current.session;
    // Concurrent callers share one request (an aborted call's fetch fails on its own signal).
    this.pending ??= this.fetchSession().finally(() => {
      this.pending = undefined;
    });
    if (current && now < current.usableUntil) {
      // Renewing in the background: a failure shows on the first call that has to wait for it.
      this.pending.catch(() => undefined);
      return current.session;
    }
    return this.pending;
  }

  async authorization(): Promise<string> {
    return `Bearer ${(await this.session()).token}`;
  }

  async endpoint(): Promise<string | undefined> {
    return (await this.session()).endpoint;
  }

  invalidate(authorization?: string): boolean {
    const current = this.current;
    // Calls sent together with the same refused token share one renewal: a later 401 leaves
    // the session a first one already renewed (or is renewing) and retries with it.
    if (!current) return this.pending !== undefined || this.refused === authorization;
    if (authorization !== undefined && authorization !== `Bearer ${current.session.token}`) return true;
    this.current = undefined;
    this.refused = authorization;
    return true;
  }

  /** The authorization of the session last forgotten after a 401. */
  private refused: string | undefined;

  private async fetchSession(): Promise<SessionResponse> {
    const { fetchAuth, request = {}, renewAt = 0.2, now = Date.now } = this.options;
    let response: Response;
    try {
      response = await fetchAuth('session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
    } catch (cause) {
      throw new MediaApiError('The media library could not reach its token endpoint.', {
        status: 0,
        source: 'network',
        cause,
      });
    }
    if (!response.ok) throw await errorFromResponse(response, 'session');
    const session = (await response.json()) as SessionResponse;
    if (typeof session?.token !== 'string') {
      throw new MediaApiError('The token endpoint answered without a session token.', {
        status: response.status,
        source: 'session',
      });
    }
    const issued = now();
    const expires = Date.parse(session.expiresAt);
    const life = Number.isFinite(expires) ? Math.max(0, expires - issued) : 60_000;
    const margin = Math.max(life * renewAt, Math.min(30_000, life / 2));
    this.current = { session, renewAfter: issued + life - margin, usableUntil: issued + life - margin / 2 };
    return session;
  }
}
