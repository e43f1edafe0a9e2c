import type { DamGroup } from '../../shared/wire.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { GroupMember, GroupRecord, Store } from '../store/store.js';
import { newId } from './ids.js';

export const groupNotFound = () => notFound('No group with this id exists.', { reason: 'GROUP_NOT_FOUND' });

export async function toDamGroup(store: Store, group: GroupRecord): Promise<DamGroup> {
  return {
    id: group.groupId,
    name: group.name,
    members: await store.groups.members(group.groupId),
    createdAt: new Date(group.createdAt).toISOString(),
    updatedAt: new Date(group.updatedAt).toISOString(),
  };
}

/**
 * Checks members before they are set: each exists, and no group ends up inside itself (directly
 * or through other groups), which would make "who is in this group" a question without end.
 */
async function checkMembers(store: Store, groupId: string, members: GroupMember[]): Promise<GroupMember[]> {
  const unique = new Map(members.map((m) => [`${m.type}:${m.id}`, m]));
  const childrenOf = new Map<string, string[]>();
  for (const { parent, child } of await store.groups.groupEdges()) {
    if (parent !== groupId) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
  }
  for (const member of unique.values()) {
    const exists =
      member.type === 'user' ? await store.users.find(member.id) : await store.groups.find(member.id);
    if (!exists) {
      throw badRequest(`The member ${member.type} ${member.id} does not exist.`, {
        reason: member.type === 'user' ? 'USER_NOT_FOUND' : 'GROUP_NOT_FOUND',
      });
    }
    if (member.type !== 'group') continue;
    // Walk down from the new member group: reaching this group again is a loop.
    const seen = new Set<string>();
    const queue = [member.id];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (next === groupId) {
        throw conflict(
          `Adding group ${member.id} would put this group inside itself. Groups may contain groups, but not in a loop.`,
          { reason: 'GROUP_LOOP' },
        );
      }
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(childrenOf.get(next) ?? []));
    }
  }
  return [...unique.values()];
}

async function assertNameFree(store: Store, name: string, groupId?: string): Promise<void> {
  const taken = await store.groups.findByName(name);
  if (taken && taken.groupId !== groupId) {
    throw conflict(`A group named ${name} exists already.`, { reason: 'DUPLICATE_NAME' });
  }
}

export async function createGroup(
  store: Store,
  input: { name: string; members?: GroupMember[] },
  now = Date.now(),
): Promise<GroupRecord> {
  return store.transaction(async (tx) => {
    const name = input.name.trim();
    await assertNameFree(tx, name);
    const group: GroupRecord = { groupId: newId(now), name, createdAt: now, updatedAt: now };
    await tx.groups.insert(group);
    await tx.groups.setMembers(group.groupId, await checkMembers(tx, group.groupId, input.members ?? []));
    return group;
  });
}

export async function updateGroup(
  store: Store,
  groupId: string,
  input: { name?: string; members?: GroupMember[] },
  now = Date.now(),
): Promise<GroupRecord> {
  return store.transaction(async (tx) => {
    if (!(await tx.groups.find(groupId))) throw groupNotFound();
    if (input.name !== undefined) {
      await assertNameFree(tx, input.name.trim(), groupId);
      await tx.groups.rename(groupId, input.name.trim(), now);
    }
    if (input.members !== undefined) {
      await tx.groups.setMembers(groupId, await checkMembers(tx, groupId, input.members));
    }
    return (await tx.groups.find(groupId))!;
  });
}

export async function deleteGroup(store: Store, groupId: string): Promise<void> {
  await store.transaction(async (tx) => {
    if (!(await tx.groups.find(groupId))) throw groupNotFound();
    await tx.groups.delete(groupId);
  });
}
