import { type Scope, signSessionToken } from '../../src/shared/session-token.js';
import { testKeys } from './server.js';

export interface SessionOptions {
  pair?: { publicKey: string; privateKey: string };
  ttlSeconds?: number;
  sub?: string;
  /** A DAM user (id or email) the token acts for. */
  user?: string;
  now?: number;
}

/** A session token for `scope`, minted with the test server's first key pair unless told otherwise. */
export function sessionToken(scope: Scope, options: SessionOptions = {}): Promise<string> {
  const { publicKey, privateKey } = options.pair ?? testKeys;
  return signSessionToken({
    publicKey,
    privateKey,
    scope,
    ttlSeconds: options.ttlSeconds ?? 600,
    ...(options.sub !== undefined && { sub: options.sub }),
    ...(options.user !== undefined && { user: options.user }),
    ...(options.now !== undefined && { now: options.now }),
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
