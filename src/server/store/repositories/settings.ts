import { Repository } from '../connection.js';

/** Server settings changed at run time: one JSON value per key; a key without a row has its default. */
export class SettingRepository extends Repository {
  async all(): Promise<Record<string, unknown>> {
    const rows = await this.c.db.selectFrom('settings').select(['key', 'value']).execute();
    return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  }

  async put(key: string, value: unknown, at: number): Promise<void> {
    const json = JSON.stringify(value);
    await this.c.db
      .insertInto('settings')
      .values({ key, value: json, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at }))
      .execute();
  }
}
