import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError, badRequest, forbidden, messages } from '../errors.js';
import type { ApiKeyRecord, Store } from '../store/store.js';
import { isActive } from './api-keys.js';
import { type Access, allows, type Principal } from './principal.js';
import { authenticateSession, bearerToken } from './session.js';
import { authenticateUserSession, type UserSessionRequest } from './user-sessions.js';

// No WWW-Authenticate challenge: it would make browsers pop a login dialog over the element.
const unauthorized = () => new ApiError(401, messages.missingKey);

/**
 * The private key from `Authorization: Basic base64(privateKey:anything)`, or undefined when
 * absent. The colon is required (RFC 7617, and ImageKit refuses a bare `base64(privateKey)`).
 */
export function privateKeyFromBasic(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

export const principalOf = (key: ApiKeyRecord, via: Principal['via']): Principal => ({
  publicKey: key.publicKey,
  keyName: key.name,
  kind: key.kind,
  permission: key.permission,
  via,
});

export function assertAllowed(principal: Principal, access: Access): void {
  if (allows(principal, access)) return;
  if (principal.scope && access === 'write' && principal.scope.access === 'read') {
    throw forbidden(
      `This session is read-only: it may browse ${principal.scope.folder} but not change anything.`,
      { reason: 'PERMISSION_DENIED' },
    );
  }
  const needs =
    access === 'admin' ? 'a standard key' : access === 'write' ? 'ReadWrite permission' : 'Read permission';
  throw forbidden(
    `Your API key does not have permission for this request: it needs ${needs}, and this key is ${
      principal.kind === 'standard' ? 'a standard key' : `restricted to ${principal.permission}`
    }.`,
    { reason: 'PERMISSION_DENIED' },
  );
}

/**
 * The caller of a management route: HTTP Basic with a private key, or (where the route lets
 * sessions in, because it enforces their scope) a session token as `Authorization: Bearer`.
 */
export async function authenticateRequest(
  store: Store,
  header: string | undefined,
  access: Access,
  options: { sessions: boolean; cookie?: UserSessionRequest },
  now = Date.now(),
): Promise<Principal> {
  if (header === undefined && options.cookie)
    return authenticateCookie(store, options.cookie, access, options.sessions, now);
  const token = bearerToken(header);
  if (token === undefined) return authenticateBasic(store, header, access, now);
  if (!options.sessions) {
    throw forbidden(
      'Session tokens cannot call this API: it needs a private API key, which stays on your server.',
      { reason: 'PERMISSION_DENIED' },
    );
  }
  const principal = await authenticateSession(store, token, now);
  assertAllowed(principal, access);
  return principal;
}

/**
 * A signed-in DAM user. Members may call only the routes that enforce scopes (as session tokens
 * may); admins and managers, the whole library; the admin API (keys, users), admins only.
 */
async function authenticateCookie(
  store: Store,
  cookie: UserSessionRequest,
  access: Access,
  sessions: boolean,
  now: number,
): Promise<Principal> {
  const principal = await authenticateUserSession(store, cookie.token, cookie, now);
  const role = principal.user!.role;
  if ((access === 'admin' && role !== 'admin') || (!sessions && role === 'member')) {
    throw forbidden(
      access === 'admin'
        ? 'Only an administrator may do this.'
        : 'Members cannot call this API: it acts on the whole library. Ask an administrator or manager.',
      { reason: 'PERMISSION_DENIED' },
    );
  }
  if (access === 'admin') return principal;
  assertAllowed(principal, access);
  return principal;
}

/** HTTP Basic with a private key as the user name (ImageKit ignores the password). */
export async function authenticateBasic(
  store: Store,
  header: string | undefined,
  access: Access,
  now = Date.now(),
): Promise<Principal> {
  const privateKey = privateKeyFromBasic(header);
  if (!privateKey) throw unauthorized();
  const key = await store.apiKeys.find(privateKey);
  if (!key) throw forbidden(messages.unknownKey);
  if (!isActive(key, now)) throw forbidden(messages.expiredKey);
  const principal = principalOf(key, 'basic');
  assertAllowed(principal, access);
  return principal;
}

export interface SignatureFields {
  publicKey?: string;
  token?: string;
  expire?: string;
  signature?: string;
}

/** Signature fields are present at all (whether or not they are complete). */
export const hasSignatureFields = (f: SignatureFields) =>
  f.signature !== undefined || f.token !== undefined || f.expire !== undefined;

export const maxExpireAheadSeconds = 3600;

/** `signature = hex(HMAC-SHA1(privateKey, token + expire))`, ImageKit's client-upload signature. */
export function signUpload(privateKey: string, token: string, expire: number | string): string {
  return createHmac('sha1', privateKey).update(`${token}${expire}`).digest('hex');
}

/**
 * ImageKit's client-side upload auth: a fresh token, an expiry under an hour ahead and an
 * HMAC by the private key of `publicKey`'s pair. Each token works once, even if the upload fails.
 */
export async function authenticateSignature(
  store: Store,
  fields: SignatureFields,
  now = Date.now(),
): Promise<Principal> {
  for (const name of ['publicKey', 'signature', 'token', 'expire'] as const) {
    if (!fields[name]) {
      throw badRequest(
        `Your request is missing the ${name} parameter needed for client-side upload authentication.`,
        {
          reason: 'MISSING_PARAMETER',
        },
      );
    }
  }
  const { publicKey, signature, token, expire } = fields as Required<SignatureFields>;
  const expireSeconds = Number(expire);
  const nowSeconds = Math.floor(now / 1000);
  if (
    !/^\d+$/.test(expire) ||
    expireSeconds <= nowSeconds ||
    expireSeconds >= nowSeconds + maxExpireAheadSeconds
  ) {
    throw badRequest(messages.invalidExpire, { reason: 'INVALID_EXPIRE' });
  }
  const keys = (await store.apiKeys.findByPublicKey(publicKey)).filter((k) => isActive(k, now));
  if (keys.length === 0) throw forbidden(messages.unknownKey);
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  const key = keys.find((k) => {
    const expected = Buffer.from(signUpload(k.privateKey, token, expire), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!key) {
    throw forbidden(
      'Your request contains an invalid signature. It must be hex(HMAC-SHA1(privateKey, token + expire)).',
      {
        reason: 'INVALID_SIGNATURE',
      },
    );
  }
  const principal = principalOf(key, 'signature');
  assertAllowed(principal, 'write');
  if (!(await store.spentUploadTokens.spend(token, expireSeconds * 1000))) {
    throw badRequest(
      'This token has been used before. Generate a new token, expire and signature for every upload.',
      {
        reason: 'TOKEN_REUSED',
      },
    );
  }
  return principal;
}
