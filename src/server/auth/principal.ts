import type { Scope } from '../../shared/session-token.js';
import type { KeyPermission } from '../../shared/wire.js';
import type { UserAccess } from './user-access.js';

/** What a route needs from the caller. `admin` is the keys API: standard keys only. */
export type Access = 'read' | 'write' | 'admin';

/** Who is calling, once authenticated. */
export interface Principal {
  publicKey: string;
  /** The key pair's name, for the audit log. */
  keyName?: string;
  kind: 'standard' | 'restricted';
  permission: KeyPermission;
  /** `user`: a signed-in DAM user's cookie (src/server/auth/user-sessions.ts). */
  via: 'basic' | 'signature' | 'session' | 'user';
  /** A session token's scope (folder in the `/a/b/` form); absent for keys, which see everything. */
  scope?: Scope;
  /** A session's `sub`: the host's user id, for the audit trail. */
  subject?: string;
  /**
   * The DAM user the request acts for: signed in, or a session token's `user` claim. Its grants
   * narrow what the key and the token's scope allow (src/server/auth/scope.ts); absent, nothing changes.
   */
  user?: UserAccess;
}

/**
 * ImageKit's restricted-key table: Read covers reads; ReadWrite adds every write. A session
 * can do no more than its key pair, nor more than its scope's `access`, and never manage keys.
 */
export function allows(principal: Principal, access: Access): boolean {
  if (access === 'admin') return principal.kind === 'standard' && !principal.scope;
  if (access === 'write' && principal.scope?.access === 'read') return false;
  if (principal.permission === 'ReadWrite') return true;
  return principal.permission === 'Read' && access === 'read';
}
