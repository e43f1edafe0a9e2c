/**
 * The one session-token format, shared by the token endpoint (which mints it) and the media
 * server (which enforces it): a JWT signed with HS256, keyed by the private key's UTF-8 bytes,
 * with the public key as the header's `kid`. WebCrypto only, so it runs in Node and browsers.
 */

export type SessionAccess = 'read' | 'readwrite';

/** What a session may reach: a folder tree, read or read-write, and upload limits. */
export interface Scope {
  /** The folder the session is confined to, at any depth, like `/brand/`; `/` is everything. */
  folder: string;
  access: SessionAccess;
  /** Largest upload in bytes. */
  maxFileSize?: number;
  /** MIME types an upload may have, judged from its bytes: `image/png`, `image/*`, `*\/*`. */
  accept?: string[];
}

export interface SessionClaims {
  scope: Scope;
  /** Issued at, Unix seconds. */
  iat: number;
  /** Expires at, Unix seconds. */
  exp: number;
  /** Unique id of this session. */
  jti: string;
  /** The host's user id, kept for the audit trail. */
  sub?: string;
  /**
   * A DAM user of the media server (its id or email): the server then applies that user's
   * grants within the scope's folder and access. Absent, the token works exactly as before.
   */
  user?: string;
  /**
   * `upload`: the `token` of one client upload (ImageKit's signature binds it), whose claims hold
   * that upload to the scope. Never a session: the server refuses it as `Authorization: Bearer`.
   */
  use?: 'upload';
}

export interface SessionTokenHeader {
  alg: 'HS256';
  typ: 'JWT';
  /** The public key of the pair whose private key signed the token. */
  kid: string;
}

/** Longest session the server accepts; sessions are meant to be short and renewed. */
export const maxSessionSeconds = 24 * 60 * 60;
/** How far a token's `iat` may be ahead of this clock (the host's clock may run fast). */
export const clockSkewSeconds = 60;

export type SessionTokenProblem = 'MALFORMED' | 'INVALID_SIGNATURE' | 'EXPIRED' | 'INVALID_CLAIMS';

/** Why a token was refused; `message` is safe to show (it never contains a key). */
export class SessionTokenError extends Error {
  readonly problem: SessionTokenProblem;

  constructor(problem: SessionTokenProblem, message: string) {
    super(message);
    this.name = 'SessionTokenError';
    this.problem = problem;
  }
}

const scopeKeys = new Set(['folder', 'access', 'maxFileSize', 'accept']);
const mimePattern = /^(\*\/\*|[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*))$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const controlCharacters = /[\u0000-\u001f\u007f]/;

/**
 * Validates a scope and returns it with its folder in the `/a/b/` form. Throws a TypeError
 * saying what is wrong. Unknown fields are refused: a limit the reader does not understand
 * would be a limit silently not enforced.
 */
export function parseScope(value: unknown): Scope {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError('scope must be an object');
  const input = value as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !scopeKeys.has(key));
  if (unknown.length > 0) throw new TypeError(`scope has unknown field ${unknown.join(', ')}`);
  const scope: Scope = { folder: normalizeScopeFolder(input.folder), access: parseAccess(input.access) };
  if (input.maxFileSize !== undefined) {
    if (!Number.isSafeInteger(input.maxFileSize) || (input.maxFileSize as number) < 1) {
      throw new TypeError('scope.maxFileSize must be a whole number of bytes, at least 1');
    }
    scope.maxFileSize = input.maxFileSize as number;
  }
  if (input.accept !== undefined) {
    if (!Array.isArray(input.accept) || input.accept.length === 0 || input.accept.length > 100) {
      throw new TypeError('scope.accept must be a list of 1 to 100 MIME types');
    }
    for (const type of input.accept) {
      if (typeof type !== 'string' || !mimePattern.test(type)) {
        throw new TypeError(
          `scope.accept has ${JSON.stringify(type)}, which is not a MIME type like image/png or image/*`,
        );
      }
    }
    scope.accept = input.accept.map((type: string) => type.toLowerCase());
  }
  return scope;
}

function parseAccess(value: unknown): SessionAccess {
  if (value === 'read' || value === 'readwrite') return value;
  throw new TypeError('scope.access must be "read" or "readwrite"');
}

/** `brand//logos` → `/brand/logos/`; `.`/`..` segments and control characters are refused. */
export function normalizeScopeFolder(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.length > 1024 ||
    controlCharacters.test(value)
  ) {
    throw new TypeError('scope.folder must be a folder path starting with /, like /brand/');
  }
  const segments = value.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new TypeError('scope.folder must not contain . or .. segments');
  }
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

/** Whether `mime` (as sniffed from the bytes) matches one of `accept`'s entries (`image/*` wildcards allowed). */
export function mimeAccepted(accept: readonly string[] | undefined, mime: string): boolean {
  if (accept === undefined) return true;
  const [type] = mime.toLowerCase().split('/');
  return accept.some((entry) => entry === '*/*' || entry === mime.toLowerCase() || entry === `${type}/*`);
}

export interface SignSessionTokenOptions {
  privateKey: string;
  publicKey: string;
  scope: Scope;
  /** Lifetime in seconds, at most `maxSessionSeconds`. */
  ttlSeconds: number;
  sub?: string;
  /** A DAM user's id or email (see `SessionClaims.user`). */
  user?: string;
  /** `upload` for an upload token (see `SessionClaims.use`). */
  use?: 'upload';
  /** Milliseconds since the epoch; now by default. */
  now?: number;
}

/** Mints a session token for `scope`, valid for `ttlSeconds`. */
export async function signSessionToken(options: SignSessionTokenOptions): Promise<string> {
  const { privateKey, publicKey, ttlSeconds } = options;
  if (!privateKey || !publicKey)
    throw new TypeError('a session token needs the key pair (privateKey and publicKey)');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > maxSessionSeconds) {
    throw new TypeError(`ttlSeconds must be a whole number from 1 to ${maxSessionSeconds}`);
  }
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const claims: SessionClaims = {
    scope: parseScope(options.scope),
    iat,
    exp: iat + ttlSeconds,
    jti: randomId(),
  };
  if (options.sub !== undefined) claims.sub = options.sub;
  if (options.user !== undefined) {
    if (typeof options.user !== 'string' || options.user === '' || options.user.length > 320) {
      throw new TypeError('user must be a DAM user id or email of at most 320 characters');
    }
    claims.user = options.user;
  }
  if (options.use !== undefined) claims.use = options.use;
  const header: SessionTokenHeader = { alg: 'HS256', typ: 'JWT', kid: publicKey };
  const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
  const key = await hmacKey(privateKey);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(signingInput)));
  return `${signingInput}.${base64url(signature)}`;
}

export interface DecodedSessionToken {
  header: SessionTokenHeader;
  /** Not yet checked: read `kid` to find the key, then call `verifySessionToken`. */
  payload: unknown;
}

/** Reads a token's header and payload without checking them, to learn which key pair (`kid`) signed it. */
export function decodeSessionToken(token: string): DecodedSessionToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed();
  const header = decodeJson(parts[0]!) as Partial<SessionTokenHeader> | null;
  if (
    !header ||
    typeof header !== 'object' ||
    header.alg !== 'HS256' ||
    typeof header.kid !== 'string' ||
    !header.kid
  ) {
    throw new SessionTokenError(
      'MALFORMED',
      'The session token is not an HS256 JWT with a kid (the public key).',
    );
  }
  return { header: header as SessionTokenHeader, payload: decodeJson(parts[1]!) };
}

export interface VerifySessionTokenOptions {
  /** The private key, or every private key still active for the pair (a rolled key in its grace period). */
  privateKey: string | readonly string[];
  /** When given, the token's `kid` must be this public key. */
  publicKey?: string;
  /** Milliseconds since the epoch; now by default. */
  now?: number;
}

/**
 * Checks a session token's signature, lifetime and claims, and answers its claims with the
 * scope folder normalized. Throws a `SessionTokenError` saying why a token is refused.
 */
export async function verifySessionToken(
  token: string,
  options: VerifySessionTokenOptions,
): Promise<SessionClaims> {
  const { header, payload } = decodeSessionToken(token);
  const signatureInvalid = () =>
    new SessionTokenError(
      'INVALID_SIGNATURE',
      'The session token’s signature is not valid: it was altered, signed by another key, or its key has been rolled.',
    );
  if (options.publicKey !== undefined && header.kid !== options.publicKey) throw signatureInvalid();
  const [signingHeader, signingPayload, signatureText] = token.split('.') as [string, string, string];
  const signature = fromBase64url(signatureText);
  if (!signature) throw malformed();
  const data = utf8.encode(`${signingHeader}.${signingPayload}`);
  const keys = typeof options.privateKey === 'string' ? [options.privateKey] : options.privateKey;
  let valid = false;
  for (const privateKey of keys) {
    if (await crypto.subtle.verify('HMAC', await hmacKey(privateKey), signature, data)) valid = true;
  }
  if (!valid) throw signatureInvalid();
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const claims = parseClaims(payload, nowSeconds);
  if (claims.exp <= nowSeconds) {
    throw new SessionTokenError(
      'EXPIRED',
      `The session token expired at ${new Date(claims.exp * 1000).toISOString()}. Ask your token endpoint for a new session.`,
    );
  }
  return claims;
}

function parseClaims(payload: unknown, nowSeconds: number): SessionClaims {
  const invalid = (why: string) =>
    new SessionTokenError('INVALID_CLAIMS', `The session token’s claims are not valid: ${why}.`);
  if (!payload || typeof payload !== 'object' || Array.isArray(payload))
    throw invalid('the payload is not an object');
  const input = payload as Record<string, unknown>;
  for (const name of ['iat', 'exp'] as const) {
    if (!Number.isSafeInteger(input[name])) throw invalid(`${name} must be Unix seconds`);
  }
  const iat = input.iat as number;
  const exp = input.exp as number;
  if (iat > nowSeconds + clockSkewSeconds) throw invalid('iat is in the future');
  if (exp <= iat || exp - iat > maxSessionSeconds) {
    throw invalid(`a session lasts from 1 second to ${maxSessionSeconds} seconds after iat`);
  }
  if (typeof input.jti !== 'string' || input.jti === '' || input.jti.length > 128)
    throw invalid('jti must be a short string');
  if (input.sub !== undefined && (typeof input.sub !== 'string' || input.sub.length > 256)) {
    throw invalid('sub must be a string of at most 256 characters');
  }
  if (
    input.user !== undefined &&
    (typeof input.user !== 'string' || input.user === '' || input.user.length > 320)
  ) {
    throw invalid('user must be a DAM user id or email of at most 320 characters');
  }
  if (input.use !== undefined && input.use !== 'upload') throw invalid('use must be "upload" when present');
  let scope: Scope;
  try {
    scope = parseScope(input.scope);
  } catch (error) {
    throw invalid((error as Error).message);
  }
  const claims: SessionClaims = { scope, iat, exp, jti: input.jti };
  if (input.sub !== undefined) claims.sub = input.sub as string;
  if (input.user !== undefined) claims.user = input.user as string;
  if (input.use === 'upload') claims.use = 'upload';
  return claims;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

const malformed = () => new SessionTokenError('MALFORMED', 'The session token is not a well-formed JWT.');

function hmacKey(privateKey: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', utf8.encode(privateKey), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

function randomId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

function encodeJson(value: unknown): string {
  return base64url(utf8.encode(JSON.stringify(value)));
}

function decodeJson(text: string): unknown {
  const bytes = fromBase64url(text);
  if (!bytes) throw malformed();
  try {
    return JSON.parse(utf8Decoder.decode(bytes));
  } catch {
    throw malformed();
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
