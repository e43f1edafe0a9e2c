import type { AuditActor, AuditChange } from '../../shared/audit.js';
import type { DamGroup } from '../../shared/wire.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { GroupMember, GroupRecord, Store } from '../store/store.js';
import { appendAudit, systemActor } from './audit.js';
import { newId } from './ids.js';

/** Members as the audit log keeps them: `user:ID` and `group:ID`, sorted. */
const memberList = (members: GroupMember[]) => members.map((m) => `${m.type}:${m.id}`).sort();

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
  actor: AuditActor = systemActor,
  now = Date.now(),
): Promise<GroupRecord> {
  return store.transaction(async (tx) => {
    const name = input.name.trim();
    await assertNameFree(tx, name);
    const group: GroupRecord = { groupId: newId(now), name, createdAt: now, updatedAt: now };
    await tx.groups.insert(group);
    const members = await checkMembers(tx, group.groupId, input.members ?? []);
    await tx.groups.setMembers(group.groupId, members);
    await appendAudit(
      tx,
      actor,
      {
        action: 'group.create',
        target: { id: group.groupId, name },
        changes: { name: { after: name }, members: { after: memberList(members) } },
      },
      now,
    );
    return group;
  });
}

export async function updateGroup(
  store: Store,
  groupId: string,
  input: { name?: string; members?: GroupMember[] },
  actor: AuditActor = systemActor,
  now = Date.now(),
): Promise<GroupRecord> {
  return store.transaction(async (tx) => {
    const before = await tx.groups.find(groupId);
    if (!before) throw groupNotFound();
    const changes: Record<string, AuditChange> = {};
    if (input.name !== undefined) {
      const name = input.name.trim();
      await assertNameFree(tx, name, groupId);
      await tx.groups.rename(groupId, name, now);
      if (name !== before.name) changes.name = { before: before.name, after: name };
    }
    if (input.members !== undefined) {
      const old = memberList(await tx.groups.members(groupId));
      const members = await checkMembers(tx, groupId, input.members);
      await tx.groups.setMembers(groupId, members);
      const current = memberList(members);
      if (JSON.stringify(old) !== JSON.stringify(current)) changes.members = { before: old, after: current };
    }
    const group = (await tx.groups.find(groupId))!;
    await appendAudit(
      tx,
      actor,
      { action: 'group.update', target: { id: groupId, name: group.name }, changes },
      now,
    );
    return group;
  });
}

export async function deleteGroup(
  store: Store,
  groupId: string,
  actor: AuditActor = systemActor,
  now = Date.now(),
): Promise<void> {
  await store.transaction(async (tx) => {
    const group = await tx.groups.find(groupId);
    if (!group) throw groupNotFound();
    const members = memberList(await tx.groups.members(groupId));
    await tx.groups.delete(groupId);
    await appendAudit(
      tx,
      actor,
      {
        action: 'group.delete',
        target: { id: groupId, name: group.name },
        changes: { name: { before: group.name }, members: { before: members } },
      },
      now,
    );
  });
}
