/**
 * Whether the media server knows a DAM user, asked the way a session would ask: `GET /_ml/me`
 * with a one-minute read-only token naming the user. CMS plugins call it before minting sessions
 * that act for the CMS user's DAM account, so a user without one is told so (or falls back to the
 * role mapping) instead of meeting a failing listing.
 */
import { signSessionToken } from '../shared/session-token.js';

/**
 * `active`: sessions naming the user work. `not-found`, `disabled`: the server refuses them
 * (401 `USER_NOT_FOUND`, `USER_DISABLED`). `unknown`: the server could not tell (unreachable,
 * another error, or not a media server with users, such as ImageKit): the session names the user
 * anyway and the server decides on each call.
 */
export type DamUserStatus = 'active' | 'not-found' | 'disabled' | 'unknown';

export interface DamUserStatusOptions {
  /** The media server's base URL. */
  endpoint: string;
  privateKey: string;
  publicKey: string;
  /** Give up after this long (default 5 s), answering `unknown`. */
  timeoutMs?: number;
}

/** Asks the media server about the DAM user `user` (an id or email). Never throws. */
export async function damUserStatus(options: DamUserStatusOptions, user: string): Promise<DamUserStatus> {
  try {
    const token = await signSessionToken({
      privateKey: options.privateKey,
      publicKey: options.publicKey,
      scope: { folder: '/', access: 'read' },
      ttlSeconds: 60,
      user,
    });
    const response = await fetch(`${options.endpoint.replace(/\/+$/, '')}/_ml/me`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (response.ok) {
      await response.body?.cancel();
      return 'active';
    }
    const body = (await response.json().catch(() => undefined)) as { reason?: unknown } | undefined;
    if (response.status === 401 && body?.reason === 'USER_NOT_FOUND') return 'not-found';
    if (response.status === 401 && body?.reason === 'USER_DISABLED') return 'disabled';
    return 'unknown';
  } catch {
    return 'unknown';
  }
}
