import { sql } from 'kysely';
import { Repository } from '../connection.js';

/** One count: on `day`, deliveries whose `dimension` (status, format, browser…) was `name`. */
export interface UsageCount {
  day: string;
  dimension: string;
  name: string;
  requests: number;
  bytes: number;
}

/** Delivery counts per day; nodes add to the same rows, so a day's counts are the cluster's. */
export class DeliveryUsageRepository extends Repository {
  async add(counts: readonly UsageCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.c.db
      .insertInto('delivery_usage')
      .values(counts.map((c) => ({ ...c })))
      .onConflict((oc) =>
        oc.columns(['day', 'dimension', 'name']).doUpdateSet({
          requests: sql`delivery_usage.requests + excluded.requests`,
          bytes: sql`delivery_usage.bytes + excluded.bytes`,
        }),
      )
      .execute();
  }

  /** Totals per dimension and name over the days from `firstDay` to `lastDay`, both included. */
  async totals(firstDay: string, lastDay: string): Promise<Array<Omit<UsageCount, 'day'>>> {
    const rows = await this.c.db
      .selectFrom('delivery_usage')
      .select(['dimension', 'name'])
      .select((eb) => [
        eb.fn.sum<number | string>('requests').as('requests'),
        eb.fn.sum<number | string>('bytes').as('bytes'),
      ])
      .where('day', '>=', firstDay)
      .where('day', '<=', lastDay)
      .groupBy(['dimension', 'name'])
      .execute();
    return rows.map((r) => ({
      dimension: r.dimension,
      name: r.name,
      requests: Number(r.requests),
      bytes: Number(r.bytes),
    }));
  }
}
