import type { CommentAnchor, Mention } from '../../../shared/comments.js';
import { Repository } from '../connection.js';
import { asIs, bigint, json, nullableBigint, nullableJson, RowMapper } from '../row-mapper.js';
import type { CommentTable } from '../schema.js';

export interface CommentRecord {
  commentId: string;
  fileId: string;
  versionId: string | null;
  parentId: string | null;
  authorId: string;
  body: string;
  mentions: Mention[];
  anchor: CommentAnchor | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
}

export type CommentPatch = Partial<
  Pick<CommentRecord, 'body' | 'mentions' | 'anchor' | 'resolvedAt' | 'resolvedBy' | 'editedAt' | 'deletedAt'>
>;

const commentRows = new RowMapper<CommentRecord, CommentTable>({
  commentId: asIs('comment_id'),
  fileId: asIs('file_id'),
  versionId: asIs('version_id'),
  parentId: asIs('parent_id'),
  authorId: asIs('author_id'),
  body: asIs('body'),
  mentions: json('mentions'),
  anchor: nullableJson('anchor'),
  resolvedAt: nullableBigint('resolved_at'),
  resolvedBy: asIs('resolved_by'),
  createdAt: bigint('created_at'),
  editedAt: nullableBigint('edited_at'),
  deletedAt: nullableBigint('deleted_at'),
});

/** Comments on files: threads and their replies. */
export class CommentRepository extends Repository {
  get(commentId: string): Promise<CommentRecord | undefined> {
    return commentRows.first(
      this.c.db.selectFrom('comments').selectAll().where('comment_id', '=', commentId),
    );
  }

  /** Every comment on a file, oldest first (deleted ones too: they may still hold replies). */
  ofFile(fileId: string): Promise<CommentRecord[]> {
    return commentRows.all(
      this.c.db
        .selectFrom('comments')
        .selectAll()
        .where('file_id', '=', fileId)
        .orderBy('created_at')
        .orderBy('comment_id'),
    );
  }

  async insert(comment: CommentRecord): Promise<void> {
    await this.c.db.insertInto('comments').values(commentRows.toRow(comment)).execute();
  }

  async update(commentId: string, patch: CommentPatch): Promise<void> {
    const row = commentRows.toPatch(patch);
    // toPatch skips undefined, and null is a value these fields are set back to (reopen).
    if (patch.resolvedAt === null) Object.assign(row, { resolved_at: null, resolved_by: null });
    await this.c.db.updateTable('comments').set(row).where('comment_id', '=', commentId).execute();
  }

  async delete(commentId: string): Promise<void> {
    await this.c.db.deleteFrom('comments').where('comment_id', '=', commentId).execute();
  }

  /** Replies of a thread that are not deleted. */
  async liveReplies(threadId: string): Promise<number> {
    const row = await this.c.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('parent_id', '=', threadId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Per file: comments not deleted, and threads not resolved (for the grid's badge). */
  async countsOf(fileIds: string[]): Promise<Map<string, { count: number; open: number }>> {
    const counts = new Map<string, { count: number; open: number }>();
    if (fileIds.length === 0) return counts;
    const rows = await this.c.db
      .selectFrom('comments')
      .select((eb) => [
        'file_id',
        eb.fn.countAll().as('count'),
        eb.fn
          .sum(
            eb
              .case()
              .when(eb.and([eb('parent_id', 'is', null), eb('resolved_at', 'is', null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('open'),
      ])
      .where('file_id', 'in', fileIds)
      .where('deleted_at', 'is', null)
      .groupBy('file_id')
      .execute();
    for (const row of rows)
      counts.set(row.file_id, { count: Number(row.count), open: Number(row.open ?? 0) });
    return counts;
  }
}
