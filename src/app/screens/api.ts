/**
 * The admin screens' calls to the DAM API (`/_ml/…`, `/v1/…`) on the app's own origin, as the
 * signed-in user: the session cookie goes along, and every write carries the CSRF token that
 * `GET /_ml/me` answers (asked once, and again when the server says it is no longer valid).
 */

/** A refused or failed call: the server's `{message, help, reason}` and the HTTP status. */
export class AppApiError extends Error {
  readonly status: number;
  readonly help: string | undefined;
  readonly reason: string | undefined;

  constructor(status: number, message: string, help?: string, reason?: string) {
    super(message);
    this.name = 'AppApiError';
    this.status = status;
    this.help = help;
    this.reason = reason;
  }
}

let csrfToken: Promise<string | undefined> | undefined;

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

async function fetchCsrfToken(): Promise<string | undefined> {
  const response = await fetch('/_ml/me', {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw await toError(response);
  return ((await response.json()) as { csrfToken?: string }).csrfToken;
}

async function toError(response: Response): Promise<AppApiError> {
  let body: { message?: unknown; help?: unknown; reason?: unknown } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON (a proxy's error page): the status says what there is to say.
  }
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return new AppApiError(
    response.status,
    text(body.message) ?? `The server answered ${response.status} ${response.statusText}`.trim(),
    text(body.help),
    text(body.reason),
  );
}

/** Forgets the CSRF token (after signing out or in as someone else). */
export function forgetCsrfToken(): void {
  csrfToken = undefined;
}

/**
 * `fetch` for the app: `path` on this origin, with the cookie; `json` becomes the body. Answers the
 * parsed JSON (undefined for 204); throws {@link AppApiError} for any status but 2xx, or a
 * network failure as it is. A 401 (the session ended) also fires `ml-session-ended` on `window`.
 */
export async function appFetch<T = unknown>(
  path: string,
  init: Omit<RequestInit, 'body'> & { json?: unknown; body?: BodyInit } = {},
): Promise<T> {
  const { json, ...rest } = init;
  const method = (rest.method ?? 'GET').toUpperCase();
  const send = async (retry: boolean): Promise<T> => {
    const headers = new Headers(rest.headers);
    headers.set('accept', 'application/json');
    if (json !== undefined) headers.set('content-type', 'application/json');
    if (!safeMethods.has(method)) {
      csrfToken ??= fetchCsrfToken().catch((error: unknown) => {
        csrfToken = undefined;
        throw error;
      });
      const token = await csrfToken;
      if (token !== undefined) headers.set('x-csrf-token', token);
    }
    const response = await fetch(path, {
      ...rest,
      method,
      headers,
      credentials: 'same-origin',
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
    if (response.ok) {
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    }
    const error = await toError(response);
    // The app shell listens and shows its sign-in page; the screen shows the message meanwhile.
    if (response.status === 401)
      window.dispatchEvent(new CustomEvent('ml-session-ended', { detail: { error } }));
    // The session was signed in anew in another tab: one fresh token, one more try.
    if (retry && error.reason === 'CSRF_TOKEN_INVALID') {
      csrfToken = undefined;
      return send(false);
    }
    throw error;
  };
  return send(true);
}

/** A path with query parameters; empty values are left out. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}
