import { sql } from 'kysely';
import type { UserRole, UserStatus } from '../../../shared/wire.js';
import { containsPattern, Repository } from '../connection.js';
import { asIs, bigint, RowMapper } from '../row-mapper.js';
import type { UserSessionTable, UserTable } from '../schema.js';

export interface UserRecord {
  userId: string;
  /** Lower-cased. */
  email: string;
  name: string;
  role: UserRole;
  status: UserStatus;
  /** Null until a password is set (an invited user). */
  passwordHash: string | null;
  createdAt: number;
  updatedAt: number;
}

export type UserPatch = Partial<Pick<UserRecord, 'name' | 'role' | 'status' | 'passwordHash'>>;

export interface UserSessionRecord {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

const userRows = new RowMapper<UserRecord, UserTable>({
  userId: asIs('user_id'),
  email: asIs('email'),
  name: asIs('name'),
  role: asIs('role'),
  status: asIs('status'),
  passwordHash: asIs('password_hash'),
  createdAt: bigint('created_at'),
  updatedAt: bigint('updated_at'),
});

const sessionRows = new RowMapper<UserSessionRecord, UserSessionTable>({
  tokenHash: asIs('token_hash'),
  userId: asIs('user_id'),
  csrfToken: asIs('csrf_token'),
  createdAt: bigint('created_at'),
  expiresAt: bigint('expires_at'),
});

/** DAM users and their sign-in sessions. */
export class UserRepository extends Repository {
  list(): Promise<UserRecord[]> {
    return userRows.all(this.c.db.selectFrom('users').selectAll().orderBy('email'));
  }

  find(userId: string): Promise<UserRecord | undefined> {
    return userRows.first(this.c.db.selectFrom('users').selectAll().where('user_id', '=', userId));
  }

  findByEmail(email: string): Promise<UserRecord | undefined> {
    return userRows.first(
      this.c.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()),
    );
  }

  /**
   * Users whose email or name contains `text` (any case), by email, at most `limit`; or, with
   * `ids`, those users. The people picker of the share dialog.
   */
  search(query: { text?: string; ids?: string[] }, limit: number): Promise<UserRecord[]> {
    let select = this.c.db.selectFrom('users').selectAll().where('status', '=', 'active');
    if (query.ids) select = select.where('user_id', 'in', query.ids.length ? query.ids : ['']);
    if (query.text) {
      const pattern = containsPattern(query.text);
      select = select.where((eb) =>
        eb.or([
          sql<boolean>`lower(${eb.ref('email')}) like ${pattern} escape '!'`,
          sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '!'`,
        ]),
      );
    }
    return userRows.all(select.orderBy('email').limit(limit));
  }

  /** Active admins: the last one cannot be demoted, disabled or deleted. */
  async countActiveAdmins(): Promise<number> {
    const row = await this.c.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async count(): Promise<number> {
    const row = await this.c.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(user: UserRecord): Promise<void> {
    await this.c.db.insertInto('users').values(userRows.toRow(user)).execute();
  }

  async update(userId: string, patch: UserPatch, now: number): Promise<void> {
    await this.c.db
      .updateTable('users')
      .set({ ...userRows.toPatch(patch), updated_at: now })
      .where('user_id', '=', userId)
      .execute();
  }

  async delete(userId: string): Promise<void> {
    await this.c.atomically(async (db) => {
      await db.deleteFrom('user_sessions').where('user_id', '=', userId).execute();
      await db
        .deleteFrom('group_members')
        .where('member_type', '=', 'user')
        .where('member_id', '=', userId)
        .execute();
      await db
        .deleteFrom('grants')
        .where('principal_type', '=', 'user')
        .where('principal_id', '=', userId)
        .execute();
      await db.deleteFrom('users').where('user_id', '=', userId).execute();
    });
  }

  async insertSession(session: UserSessionRecord): Promise<void> {
    await this.c.db.insertInto('user_sessions').values(sessionRows.toRow(session)).execute();
  }

  findSession(tokenHash: string): Promise<UserSessionRecord | undefined> {
    return sessionRows.first(
      this.c.db.selectFrom('user_sessions').selectAll().where('token_hash', '=', tokenHash),
    );
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.c.db.deleteFrom('user_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a user (a disabled user, a new password). */
  async deleteSessionsOf(userId: string): Promise<void> {
    await this.c.db.deleteFrom('user_sessions').where('user_id', '=', userId).execute();
  }

  async forgetExpiredSessions(now: number): Promise<void> {
    await this.c.db.deleteFrom('user_sessions').where('expires_at', '<=', now).execute();
  }
}
