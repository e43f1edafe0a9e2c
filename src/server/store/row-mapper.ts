import type { Insertable, Selectable, Updateable } from 'kysely';

/**
 * How one field of a record is kept in one column, the same on SQLite and PostgreSQL (schema.ts):
 * booleans as 0/1, times and sizes as numbers, JSON as text.
 */
export interface Column<V, C extends string = string> {
  name: C;
  write(value: V): unknown;
  read(stored: unknown): V;
}

/** Stored as it is: text, or an integer both drivers answer as a number. */
export const asIs = <V, C extends string>(name: C): Column<V, C> => ({
  name,
  write: (value) => value,
  read: (stored) => stored as V,
});

/** A bigint column (times, sizes): PostgreSQL may answer it as a string. */
export const bigint = <C extends string>(name: C): Column<number, C> => ({
  name,
  write: (value) => value,
  read: (stored) => Number(stored),
});

export const nullableBigint = <C extends string>(name: C): Column<number | null, C> => ({
  name,
  write: (value) => value,
  read: (stored) => (stored === null ? null : Number(stored)),
});

export const flag = <C extends string>(name: C): Column<boolean, C> => ({
  name,
  write: (value) => (value ? 1 : 0),
  read: (stored) => stored === 1,
});

export const json = <V, C extends string>(name: C): Column<V, C> => ({
  name,
  write: (value) => JSON.stringify(value),
  read: (stored) => JSON.parse(stored as string) as V,
});

export const nullableJson = <V, C extends string>(name: C): Column<V | null, C> => ({
  name,
  write: (value) => (value === null ? null : JSON.stringify(value)),
  read: (stored) => (stored === null ? null : (JSON.parse(stored as string) as V)),
});

/** A record's fields, each with its column in table `T`. */
export type Columns<R, T> = { [K in keyof R]-?: Column<R[K], keyof T & string> };

/**
 * Converts one aggregate's records to and from its table's rows, field by field, so a new column
 * is one line here (besides the table type and the migration).
 */
export class RowMapper<R extends object, T> {
  readonly #columns: Array<[string, Column<unknown>]>;

  constructor(columns: Columns<R, T>) {
    this.#columns = Object.entries(columns) as Array<[string, Column<unknown>]>;
  }

  /** The record of the first row `query` answers, if it answers any. */
  async first(query: { executeTakeFirst(): Promise<Selectable<T> | undefined> }): Promise<R | undefined> {
    const row = await query.executeTakeFirst();
    return row && this.fromRow(row);
  }

  /** The records of every row `query` answers, in its order. */
  async all(query: { execute(): Promise<Selectable<T>[]> }): Promise<R[]> {
    return (await query.execute()).map((row) => this.fromRow(row));
  }

  fromRow(row: Selectable<T>): R {
    const stored = row as Record<string, unknown>;
    const record: Record<string, unknown> = {};
    for (const [field, column] of this.#columns) record[field] = column.read(stored[column.name]);
    return record as R;
  }

  toRow(record: R): Insertable<T> {
    return this.toPatch(record) as Insertable<T>;
  }

  /** The columns of the fields `patch` sets; fields left undefined are not touched. */
  toPatch(patch: Partial<R>): Updateable<T> {
    const given = patch as Record<string, unknown>;
    const row: Record<string, unknown> = {};
    for (const [field, column] of this.#columns) {
      if (given[field] !== undefined) row[column.name] = column.write(given[field]);
    }
    return row as Updateable<T>;
  }
}
