import type { Scope } from '../../shared/session-token.js';
import type { KeyPermission } from '../../shared/wire.js';

/** What a route needs from the caller. `admin` is the keys API: standard keys only. */
export type Access = 'read' | 'write' | 'admin';

/** Who is calling, once authenticated. */
export interface Principal {
  publicKey: string;
  /** The key pair's name, for the audit log. */
  keyName?: string;
  kind: 'standard' | 'restricted';
  permission: KeyPermission;
  via: 'basic' | 'signature' | 'session';
  /** A session token's scope (folder in the `/a/b/` form); absent for keys, which see everything. */
  scope?: Scope;
  /** A session's `sub`: the host's user id, for the audit trail. */
  subject?: string;
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
