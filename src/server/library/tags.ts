import type { Principal } from '../auth/principal.js';
import { grantedSetOf } from '../auth/scope.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';

const defaultLimit = 20;
const maxLimit = 100;

/**
 * Tags in use on current files, starting with `prefix`, sorted; a session sees only the tags of
 * files inside its folder, and a member only those of files its grants reach, as in a listing.
 */
export async function listTags(
  ctx: ServerContext,
  principal: Principal | null,
  query: { prefix?: string | undefined; limit?: string | undefined },
): Promise<string[]> {
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw badRequest(`limit must be a whole number from 1 to ${maxLimit}.`, { reason: 'INVALID_PARAMETER' });
  }
  const folder = principal?.scope?.folder;
  const granted = grantedSetOf(principal);
  return ctx.store.files.listTags({
    prefix: query.prefix ?? '',
    limit,
    ...(folder !== undefined && folder !== '/' && { within: folder }),
    ...(granted && { granted }),
  });
}
