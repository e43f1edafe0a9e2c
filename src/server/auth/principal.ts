import type { KeyPermission } from '../../shared/wire.js';

/** What a route needs from the caller. `admin` is the keys API: standard keys only. */
export type Access = 'read' | 'write' | 'admin';

/** Who is calling, once authenticated. */
export interface Principal {
  publicKey: string;
  kind: 'standard' | 'restricted';
  permission: KeyPermission;
  via: 'basic' | 'signature';
}

/** ImageKit's restricted-key table: Read covers reads; ReadWrite adds every write. */
export function allows(principal: Principal, access: Access): boolean {
  if (access === 'admin') return principal.kind === 'standard';
  if (principal.permission === 'ReadWrite') return true;
  return principal.permission === 'Read' && access === 'read';
}
