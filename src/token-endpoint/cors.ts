/**
 * Cross-origin use of the token endpoint: off unless the host lists the origins it trusts. The
 * same list is the only exception to the cross-site refusal (`isCrossSiteRequest`).
 */
export interface CorsOptions {
  /** Origins whose pages may call the endpoint: `https://cms.example`, a list, or a predicate. Never `*`. */
  origin: string | readonly string[] | ((origin: string) => boolean);
  /** Let those pages send cookies (`Access-Control-Allow-Credentials`); default true, as hosts usually authorize by cookie. */
  credentials?: boolean;
  /** How long a browser may cache a preflight, in seconds; default 600. */
  maxAge?: number;
  /** Request headers those pages may send besides `authorization` and `content-type` (a CMS's signature headers). */
  allowHeaders?: readonly string[];
}

const allowedHeaders = ['authorization', 'content-type'];

export function validateCors(cors: CorsOptions): void {
  const origins = typeof cors.origin === 'function' ? [] : [cors.origin].flat();
  for (const origin of origins) {
    if (origin === '*')
      throw new TypeError('cors.origin must list origins; "*" would let any site mint tokens');
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new TypeError(`cors.origin ${JSON.stringify(origin)} should look like https://cms.example`);
    }
  }
  for (const header of cors.allowHeaders ?? []) {
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/i.test(header)) {
      throw new TypeError(`cors.allowHeaders: ${JSON.stringify(header)} is not a header name`);
    }
  }
}

function originAllowed(cors: CorsOptions, origin: string): boolean {
  if (typeof cors.origin === 'function') return cors.origin(origin);
  return [cors.origin].flat().includes(origin);
}

/**
 * A browser's request from a page on another origin than the endpoint's, which `cors` does not
 * list. Such a request carries the user's cookies without the user meaning it to (CSRF), so it is
 * refused whatever CORS headers a host's own middleware adds. Browsers say where a request comes
 * from in `Sec-Fetch-Site` (older ones only in `Origin`); a request with neither is no browser's
 * cross-origin call (a server, curl, a same-origin GET).
 */
export function isCrossSiteRequest(request: Request, cors: CorsOptions | undefined): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null && cors && originAllowed(cors, origin)) return false;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site !== 'same-origin' && site !== 'none';
  if (origin === null) return false;
  // Behind a TLS-terminating proxy the request URL may say http: compare hosts, not schemes.
  return hostOf(origin) !== new URL(request.url).host;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Headers for a response to `origin`; none when CORS is off or the origin is not trusted. */
export function corsHeaders(cors: CorsOptions | undefined, origin: string | null): Record<string, string> {
  if (!cors || !origin || !originAllowed(cors, origin)) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'x-request-id, x-ik-requestid',
    vary: 'Origin',
  };
  if (cors.credentials ?? true) headers['access-control-allow-credentials'] = 'true';
  return headers;
}

/** The answer to a preflight: 204 for a trusted origin, else 403 (and, with CORS off, the caller sees 405). */
export function preflight(cors: CorsOptions, origin: string | null, methods: readonly string[]): Response {
  const headers = corsHeaders(cors, origin);
  if (!headers['access-control-allow-origin']) {
    return new Response(JSON.stringify({ message: 'This origin may not call the token endpoint.' }), {
      status: 403,
      headers: { 'content-type': 'application/json; charset=utf-8', vary: 'Origin' },
    });
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...headers,
      'access-control-allow-methods': methods.join(', '),
      'access-control-allow-headers': [...allowedHeaders, ...(cors.allowHeaders ?? [])].join(', '),
      'access-control-max-age': String(cors.maxAge ?? 600),
    },
  });
}
