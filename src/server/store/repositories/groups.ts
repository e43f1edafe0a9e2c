import { sql } from 'kysely';
import type { PrincipalType } from '../../../shared/wire.js';
import { containsPattern, Repository } from '../connection.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { UserGroupTable } from '../schema.js';

export interface GroupMember {
  type: PrincipalType;
  id: string;
}

export interface GroupRecord {
  groupId: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

const groupRows = new RowMapper<GroupRecord, UserGroupTable>({
  groupId: asIs('group_id'),
  name: asIs('name'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

/** Named sets of users (and of other groups). */
export class GroupRepository extends Repository {
  list(): Promise<GroupRecord[]> {
    return groupRows.all(this.c.db.selectFrom('user_groups').selectAll().orderBy('name'));
  }

  find(groupId: string): Promise<GroupRecord | undefined> {
    return groupRows.first(this.c.db.selectFrom('user_groups').selectAll().where('group_id', '=', groupId));
  }

  findByName(name: string): Promise<GroupRecord | undefined> {
    return groupRows.first(this.c.db.selectFrom('user_groups').selectAll().where('name', '=', name));
  }

  /** Groups whose name contains `text` (any case), by name, at most `limit`; or, with `ids`, those groups. */
  search(query: { text?: string; ids?: string[] }, limit: number): Promise<GroupRecord[]> {
    let select = this.c.db.selectFrom('user_groups').selectAll();
    if (query.ids) select = select.where('group_id', 'in', query.ids.length ? query.ids : ['']);
    if (query.text) {
      const pattern = containsPattern(query.text);
      select = select.where((eb) => sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '!'`);
    }
    return groupRows.all(select.orderBy('name').limit(limit));
  }

  async members(groupId: string): Promise<GroupMember[]> {
    const rows = await this.c.db
      .selectFrom('group_members')
      .select(['member_type', 'member_id'])
      .where('group_id', '=', groupId)
      .orderBy('member_type')
      .orderBy('member_id')
      .execute();
    return rows.map((r) => ({ type: r.member_type as PrincipalType, id: r.member_id }));
  }

  /** Every group-in-group edge: a child group id to the groups it is a member of. */
  async groupEdges(): Promise<Array<{ parent: string; child: string }>> {
    const rows = await this.c.db
      .selectFrom('group_members')
      .select(['group_id', 'member_id'])
      .where('member_type', '=', 'group')
      .execute();
    return rows.map((r) => ({ parent: r.group_id, child: r.member_id }));
  }

  /** The groups a user belongs to directly. */
  async groupsOfUser(userId: string): Promise<string[]> {
    const rows = await this.c.db
      .selectFrom('group_members')
      .select('group_id')
      .where('member_type', '=', 'user')
      .where('member_id', '=', userId)
      .execute();
    return rows.map((r) => r.group_id);
  }

  async insert(group: GroupRecord): Promise<void> {
    await this.c.db.insertInto('user_groups').values(groupRows.toRow(group)).execute();
  }

  async rename(groupId: string, name: string, now: number): Promise<void> {
    await this.c.db
      .updateTable('user_groups')
      .set({ name, updated_at: now })
      .where('group_id', '=', groupId)
      .execute();
  }

  /** Replaces the group's members with `members`. */
  async setMembers(groupId: string, members: GroupMember[]): Promise<void> {
    await this.c.atomically(async (db) => {
      await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
      if (members.length === 0) return;
      await db
        .insertInto('group_members')
        .values(members.map((m) => ({ group_id: groupId, member_type: m.type, member_id: m.id })))
        .execute();
    });
  }

  async delete(groupId: string): Promise<void> {
    await this.c.atomically(async (db) => {
      await db
        .deleteFrom('group_members')
        .where('member_type', '=', 'group')
        .where('member_id', '=', groupId)
        .execute();
      await db
        .deleteFrom('grants')
        .where('principal_type', '=', 'group')
        .where('principal_id', '=', groupId)
        .execute();
      await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
      await db.deleteFrom('user_groups').where('group_id', '=', groupId).execute();
    });
  }
}
