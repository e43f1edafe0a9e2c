import {
  type DecodedSessionToken,
  decodeSessionToken,
  SessionTokenError,
  verifySessionToken,
} from '../../shared/session-token.js';
import type { ErrorReason } from '../../shared/wire.js';
import { ApiError, forbidden } from '../errors.js';
import { normalizeFolder } from '../library/naming.js';
import type { Store } from '../store/store.js';
import { isActive } from './api-keys.js';
import type { Principal } from './principal.js';
import { loadUserAccess, type UserAccess } from './user-access.js';

const askAgain = 'Ask your token endpoint for a new session.';

const refused = (message: string, reason: ErrorReason) => new ApiError(401, message, { reason });

/** The token from `Authorization: Bearer <token>`, or undefined when the header is another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : undefined;
}

/**
 * A session token minted by a token endpoint: the pair is found by the token's `kid` and the
 * signature checked against each of its active private keys, so a rolled key in its grace
 * period still verifies while rolling immediately or deleting the pair ends every session.
 */
export async function authenticateSession(store: Store, token: string, now = Date.now()): Promise<Principal> {
  let kid: string;
  try {
    kid = decodeSessionToken(token).header.kid;
  } catch (error) {
    throw refused(`${(error as Error).message} ${askAgain}`, 'INVALID_SESSION_TOKEN');
  }
  return verifiedSession(store, token, kid, now, 'session');
}

/**
 * An upload signed with ImageKit's client signature whose `token` is itself a session token
 * (our token endpoint mints them so) is held to that session's scope; the signature binds
 * the token, so the scope cannot be stripped. Any other token leaves the principal as it is.
 */
export async function withUploadTokenScope(
  store: Store,
  principal: Principal,
  token: string,
  now = Date.now(),
): Promise<Principal> {
  let decoded: DecodedSessionToken;
  try {
    decoded = decodeSessionToken(token);
  } catch {
    return principal;
  }
  if (decoded.header.kid !== principal.publicKey) {
    throw forbidden('The upload token was minted for another key pair than the signature’s publicKey.', {
      reason: 'INVALID_SIGNATURE',
    });
  }
  return verifiedSession(store, token, principal.publicKey, now, 'upload');
}

/**
 * The DAM user a token's `user` claim names (an id, or an email), with its grants now: a user
 * that does not exist or is disabled ends the session at once.
 */
async function tokenUser(store: Store, idOrEmail: string): Promise<UserAccess> {
  const user = (await store.users.find(idOrEmail)) ?? (await store.users.findByEmail(idOrEmail));
  if (!user) {
    throw refused(
      `The session token names a user (${idOrEmail}) this server does not know. ${askAgain}`,
      'USER_NOT_FOUND',
    );
  }
  return loadUserAccess(store, user);
}

/** Verifies a token for a use: a session (`Bearer`) or one upload's `token`; an upload token is no session. */
async function verifiedSession(
  store: Store,
  token: string,
  kid: string,
  now: number,
  use: 'session' | 'upload',
): Promise<Principal> {
  const keys = (await store.apiKeys.findByPublicKey(kid)).filter((key) => isActive(key, now));
  if (keys.length === 0) {
    throw refused(
      `The key pair that signed this session token does not exist (it may have been deleted). ${askAgain}`,
      'INVALID_SESSION_TOKEN',
    );
  }
  try {
    const claims = await verifySessionToken(token, {
      privateKey: keys.map((key) => key.privateKey),
      publicKey: kid,
      now,
    });
    if (use === 'session' && claims.use === 'upload') {
      throw refused(
        `This token authorizes one upload and is not a session: it cannot be sent as Authorization: Bearer. ${askAgain}`,
        'INVALID_SESSION_TOKEN',
      );
    }
    const pair = keys[0]!;
    const principal: Principal = {
      publicKey: kid,
      keyName: pair.name,
      kind: pair.kind,
      permission: pair.permission,
      via: 'session',
      // The server's own folder normalization, so scope and stored paths compare alike.
      scope: { ...claims.scope, folder: normalizeFolder(claims.scope.folder) },
    };
    if (claims.sub !== undefined) principal.subject = claims.sub;
    if (claims.user !== undefined) principal.user = await tokenUser(store, claims.user);
    return principal;
  } catch (error) {
    if (!(error instanceof SessionTokenError)) throw error;
    const message = error.problem === 'EXPIRED' ? error.message : `${error.message} ${askAgain}`;
    throw refused(message, error.problem === 'EXPIRED' ? 'SESSION_EXPIRED' : 'INVALID_SESSION_TOKEN');
  }
}
