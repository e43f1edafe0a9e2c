import { Repository } from '../connection.js';

/** Client-upload tokens already used, kept until their `expire` so a replay is refused. */
export class SpentUploadTokenRepository extends Repository {
  /** Records a client-upload token as used. Answers false when it was used before (a replay). */
  async spend(token: string, expiresAt: number): Promise<boolean> {
    const result = await this.c.db
      .insertInto('spent_upload_tokens')
      .values({ token, expires_at: expiresAt })
      .onConflict((oc) => oc.column('token').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async forgetExpired(now: number): Promise<void> {
    await this.c.db.deleteFrom('spent_upload_tokens').where('expires_at', '<', now).execute();
  }

  /** Spent tokens still within their `expire` (what a replay could still use). */
  async list(now: number): Promise<Array<{ token: string; expiresAt: number }>> {
    const rows = await this.c.db
      .selectFrom('spent_upload_tokens')
      .selectAll()
      .where('expires_at', '>=', now)
      .execute();
    return rows.map((r) => ({ token: r.token, expiresAt: Number(r.expires_at) }));
  }
}
