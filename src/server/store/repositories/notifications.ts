import type { EmailDigest, NotificationKind } from '../../../shared/comments.js';
import { Repository } from '../connection.js';
import { asIs, bigint, json, nullableBigint, RowMapper } from '../row-mapper.js';
import type { NotificationSettingsTable, NotificationTable, WatchTable } from '../schema.js';

export interface NotificationRecord {
  seq: number;
  notificationId: string;
  userId: string;
  kind: NotificationKind;
  fileId: string | null;
  commentId: string | null;
  folder: string | null;
  actorId: string | null;
  actorName: string;
  excerpt: string;
  createdAt: number;
  readAt: number | null;
  emailedAt: number | null;
}

export type NewNotificationRecord = Omit<NotificationRecord, 'seq'>;

export interface NotificationSettingsRecord {
  userId: string;
  mutedKinds: NotificationKind[];
  email: EmailDigest;
  updatedAt: number;
}

export interface WatchRecord {
  userId: string;
  targetType: 'file' | 'folder';
  /** A file id, or a folder path (`/a/b/`). */
  target: string;
  createdAt: number;
}

const notificationRows = new RowMapper<NotificationRecord, NotificationTable>({
  seq: bigint('seq'),
  notificationId: asIs('notification_id'),
  userId: asIs('user_id'),
  kind: asIs('kind'),
  fileId: asIs('file_id'),
  commentId: asIs('comment_id'),
  folder: asIs('folder'),
  actorId: asIs('actor_id'),
  actorName: asIs('actor_name'),
  excerpt: asIs('excerpt'),
  createdAt: bigint('created_at'),
  readAt: nullableBigint('read_at'),
  emailedAt: nullableBigint('emailed_at'),
});

const settingsRows = new RowMapper<NotificationSettingsRecord, NotificationSettingsTable>({
  userId: asIs('user_id'),
  mutedKinds: json('muted_kinds'),
  email: asIs('email'),
  updatedAt: bigint('updated_at'),
});

const watchRows = new RowMapper<WatchRecord, WatchTable>({
  userId: asIs('user_id'),
  targetType: asIs('target_type'),
  target: asIs('target'),
  createdAt: bigint('created_at'),
});

/** A user's notifications, what it watches, and how it wants to hear about them. */
export class NotificationRepository extends Repository {
  async insert(records: NewNotificationRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map((r) => {
      const { seq: _seq, ...row } = notificationRows.toRow({ ...r, seq: 0 }) as Record<string, unknown>;
      return row;
    });
    await this.c.db
      .insertInto('notifications')
      .values(rows as never)
      .execute();
  }

  /** Newest first, older than `beforeSeq` when given. */
  page(userId: string, options: { unread?: boolean; beforeSeq?: number; limit: number }) {
    let q = this.c.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
    if (options.unread) q = q.where('read_at', 'is', null);
    if (options.beforeSeq !== undefined) q = q.where('seq', '<', options.beforeSeq);
    return notificationRows.all(q.orderBy('seq', 'desc').limit(options.limit));
  }

  /** A user's notifications after `afterSeq`, oldest first (what a stream has not sent yet). */
  after(userId: string, afterSeq: number, limit: number): Promise<NotificationRecord[]> {
    return notificationRows.all(
      this.c.db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', userId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit),
    );
  }

  /** Who got notifications after `afterSeq` (any user), and the newest seq: for nodes that poll. */
  async recipientsAfter(afterSeq: number): Promise<{ users: Set<string>; last: number }> {
    const rows = await this.c.db
      .selectFrom('notifications')
      .select(['user_id', 'seq'])
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(10_000)
      .execute();
    return {
      users: new Set(rows.map((r) => r.user_id)),
      last: rows.length ? Number(rows[rows.length - 1]!.seq) : afterSeq,
    };
  }

  async lastSeq(): Promise<number> {
    const row = await this.c.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.max('seq').as('last'))
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.c.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Marks the user's own notifications read (the given ones, or all); answers how many changed. */
  async markRead(userId: string, ids: string[] | 'all', now: number): Promise<number> {
    let q = this.c.db
      .updateTable('notifications')
      .set({ read_at: now })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null);
    if (ids !== 'all') {
      if (ids.length === 0) return 0;
      q = q.where('notification_id', 'in', ids);
    }
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Unread notifications not yet emailed, of the users whose digest is `digest`. */
  async toEmail(digest: 'immediate' | 'daily', limit: number): Promise<NotificationRecord[]> {
    return notificationRows.all(
      this.c.db
        .selectFrom('notifications')
        .selectAll()
        .where('emailed_at', 'is', null)
        .where('read_at', 'is', null)
        .where(
          'user_id',
          'in',
          this.c.db.selectFrom('notification_settings').select('user_id').where('email', '=', digest),
        )
        .orderBy('seq')
        .limit(limit),
    );
  }

  /**
   * Claims notifications for emailing: marks those no one has claimed yet and answers their seqs,
   * so two nodes sending at once never send one twice.
   */
  async claimForEmail(seqs: number[], now: number): Promise<Set<number>> {
    const claimed = new Set<number>();
    for (const seq of seqs) {
      const result = await this.c.db
        .updateTable('notifications')
        .set({ emailed_at: now })
        .where('seq', '=', seq)
        .where('emailed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) > 0) claimed.add(seq);
    }
    return claimed;
  }

  settings(userId: string): Promise<NotificationSettingsRecord | undefined> {
    return settingsRows.first(
      this.c.db.selectFrom('notification_settings').selectAll().where('user_id', '=', userId),
    );
  }

  /** The settings of these users that differ from the defaults. */
  settingsOf(userIds: string[]): Promise<NotificationSettingsRecord[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return settingsRows.all(
      this.c.db.selectFrom('notification_settings').selectAll().where('user_id', 'in', userIds),
    );
  }

  async putSettings(settings: NotificationSettingsRecord): Promise<void> {
    await this.c.atomically(async (db) => {
      await db.deleteFrom('notification_settings').where('user_id', '=', settings.userId).execute();
      await db.insertInto('notification_settings').values(settingsRows.toRow(settings)).execute();
    });
  }

  async watch(watch: WatchRecord): Promise<void> {
    const existing = await this.c.db
      .selectFrom('watches')
      .select('user_id')
      .where('user_id', '=', watch.userId)
      .where('target_type', '=', watch.targetType)
      .where('target', '=', watch.target)
      .executeTakeFirst();
    if (!existing) await this.c.db.insertInto('watches').values(watchRows.toRow(watch)).execute();
  }

  async unwatch(key: Omit<WatchRecord, 'createdAt'>): Promise<void> {
    await this.c.db
      .deleteFrom('watches')
      .where('user_id', '=', key.userId)
      .where('target_type', '=', key.targetType)
      .where('target', '=', key.target)
      .execute();
  }

  async isWatching(key: Omit<WatchRecord, 'createdAt'>): Promise<boolean> {
    const row = await this.c.db
      .selectFrom('watches')
      .select('user_id')
      .where('user_id', '=', key.userId)
      .where('target_type', '=', key.targetType)
      .where('target', '=', key.target)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Who watches this file, or one of these folders. */
  async watchers(target: { fileId?: string; folders?: string[] }): Promise<string[]> {
    const rows = await this.c.db
      .selectFrom('watches')
      .select('user_id')
      .where((eb) =>
        eb.or([
          ...(target.fileId
            ? [eb.and([eb('target_type', '=', 'file'), eb('target', '=', target.fileId)])]
            : []),
          ...(target.folders?.length
            ? [eb.and([eb('target_type', '=', 'folder'), eb('target', 'in', target.folders)])]
            : []),
        ]),
      )
      .execute();
    return [...new Set(rows.map((r) => r.user_id))];
  }

  /** What a user watches. */
  watchesOf(userId: string): Promise<WatchRecord[]> {
    return watchRows.all(
      this.c.db.selectFrom('watches').selectAll().where('user_id', '=', userId).orderBy('created_at'),
    );
  }
}
