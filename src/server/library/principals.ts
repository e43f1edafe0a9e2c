import type { PrincipalType } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import { forbidden } from '../errors.js';
import type { Store } from '../store/store.js';
import { parsePrincipalParameter } from './grants.js';

/** A user or group as the share dialog's picker shows it. */
export interface PrincipalEntry {
  type: PrincipalType;
  id: string;
  name: string;
  /** Users only. */
  email?: string;
}

/** The most entries one answer holds, of each type. */
export const principalsLimit = 20;

/**
 * Who may look people up: whoever may share something. Keys, admins and managers; a member that
 * manages at least one folder or file; never a session token without a user (it cannot share).
 */
function assertMayLookUp(principal: Principal): void {
  const reach = principal.user?.reach;
  const manages =
    !reach || [...reach.folders.values(), ...reach.files.values()].some((level) => level === 'manage');
  if ((principal.via === 'session' && !principal.user) || !manages) {
    throw forbidden('Looking people up is for those who may share: it needs manage access somewhere.', {
      reason: 'PERMISSION_DENIED',
    });
  }
}

/**
 * `GET /_ml/principals`: active users and groups whose name (or a user's email) contains `q`, or
 * those named by `ids` (`user:ID,group:ID`, to put names to the grants of a folder). Users first.
 */
export async function findPrincipals(
  store: Store,
  principal: Principal,
  query: { q?: string | undefined; ids?: string | undefined },
): Promise<PrincipalEntry[]> {
  assertMayLookUp(principal);
  const named = query.ids?.split(',').filter(Boolean).map(parsePrincipalParameter);
  const text = query.q?.trim() || undefined;
  const of = (type: PrincipalType) => named?.filter((p) => p.type === type).map((p) => p.id);
  const limit = named ? Math.max(named.length, 1) : principalsLimit;
  const [users, groups] = await Promise.all([
    store.users.search({ ...(text && { text }), ...(named && { ids: of('user')! }) }, limit),
    store.groups.search({ ...(text && { text }), ...(named && { ids: of('group')! }) }, limit),
  ]);
  return [
    ...users.map((u) => ({ type: 'user' as const, id: u.userId, name: u.name, email: u.email })),
    ...groups.map((g) => ({ type: 'group' as const, id: g.groupId, name: g.name })),
  ];
}
