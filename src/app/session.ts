import { CookieAuthorizer } from '../client/auth.js';
import { MediaClient } from '../client/media-client.js';
import type { DamUser, ErrorBody } from '../shared/wire.js';

/** The signed-in user and what the app's calls need: the CSRF token writes carry. */
export interface SignedIn {
  user: DamUser;
  csrfToken: string;
  /** The library's name (`/_ml/settings`), for the header and the page's title. */
  libraryName?: string;
}

/** Why a call to the server failed: its status (0 when unreachable) and body. */
export class AppRequestError extends Error {
  readonly status: number;
  readonly reason: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, body: Partial<ErrorBody> & { reason?: string }, retryAfter?: string | null) {
    super(body.message ?? `The server answered ${status}.`);
    this.status = status;
    this.reason = body.reason;
    const seconds = Number(retryAfter);
    this.retryAfterSeconds = retryAfter && Number.isFinite(seconds) ? seconds : undefined;
  }
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    throw new AppRequestError(0, { message: 'The media server could not be reached.' });
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
  throw new AppRequestError(response.status, body, response.headers.get('retry-after'));
}

/** The user the browser's session cookie signs in, or undefined when it has none (or it ended). */
export async function currentUser(): Promise<SignedIn | undefined> {
  try {
    const me = (await (await call('/_ml/me')).json()) as {
      user: DamUser;
      csrfToken?: string;
      libraryName?: string;
    };
    // A session token or key is no browser session: the app needs the cookie's CSRF token.
    if (!me.csrfToken) return undefined;
    return { user: me.user, csrfToken: me.csrfToken, libraryName: me.libraryName };
  } catch (error) {
    if (error instanceof AppRequestError && (error.status === 401 || error.status === 404)) return undefined;
    throw error;
  }
}

/** `POST /_ml/auth/sign-in`: the server sets the httpOnly cookie and answers the CSRF token. */
export async function signIn(email: string, password: string): Promise<SignedIn> {
  const response = await call('/_ml/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { user: DamUser; csrfToken: string };
  // `/_ml/me` adds what the sign-in answer does not carry (the library's name).
  return (await currentUser().catch(() => undefined)) ?? { user: body.user, csrfToken: body.csrfToken };
}

/** `POST /_ml/auth/sign-out`: ends the session on the server and clears the cookie. */
export async function signOut(session: SignedIn): Promise<void> {
  await call('/_ml/auth/sign-out', { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } });
}

/** The element's API client, acting as the signed-in user on this origin. */
export function clientFor(session: SignedIn): MediaClient {
  return new MediaClient({
    endpoint: location.origin,
    auth: new CookieAuthorizer({ csrfToken: session.csrfToken, endpoint: location.origin }),
  });
}
