import { decodeSessionToken, SessionTokenError, verifySessionToken } from '../../shared/session-token.js';
import { ApiError } from '../errors.js';
import { normalizeFolder } from '../library/naming.js';
import type { Store } from '../store/store.js';
import { isActive } from './api-keys.js';
import type { Principal } from './principal.js';

const askAgain = 'Ask your token endpoint for a new session.';

const refused = (message: string, reason: string) => new ApiError(401, message, { reason });

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
  const keys = (await store.findApiKeysByPublicKey(kid)).filter((key) => isActive(key, now));
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
    const pair = keys[0]!;
    const principal: Principal = {
      publicKey: kid,
      kind: pair.kind,
      permission: pair.permission,
      via: 'session',
      // The server's own folder normalization, so scope and stored paths compare alike.
      scope: { ...claims.scope, folder: normalizeFolder(claims.scope.folder) },
    };
    if (claims.sub !== undefined) principal.subject = claims.sub;
    return principal;
  } catch (error) {
    if (!(error instanceof SessionTokenError)) throw error;
    const message = error.problem === 'EXPIRED' ? error.message : `${error.message} ${askAgain}`;
    throw refused(message, error.problem === 'EXPIRED' ? 'SESSION_EXPIRED' : 'INVALID_SESSION_TOKEN');
  }
}
