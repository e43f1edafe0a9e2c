import { type Kysely, sql } from 'kysely';
import { wordVector } from '../search/word-index.js';
import type { Database } from './schema.js';
import type { FileRecord } from './store.js';

/** What the search structures are made from: one version's row id and searchable fields. */
export type SearchFields = { id: number } & Pick<FileRecord, 'name' | 'tags' | 'aiTags' | 'customMetadata'>;

type MetadataValue = {
  field: string;
  kind: 'text' | 'number' | 'bool';
  text: string | null;
  number: number | null;
};

/** One value per custom metadata field, one per element of a list; as SQLite's triggers index them. */
function metadataValues(customMetadata: Record<string, unknown>): MetadataValue[] {
  const out: MetadataValue[] = [];
  const add = (field: string, value: unknown) => {
    if (typeof value === 'string') out.push({ field, kind: 'text', text: value, number: null });
    else if (typeof value === 'number') out.push({ field, kind: 'number', text: null, number: value });
    else if (typeof value === 'boolean') out.push({ field, kind: 'bool', text: null, number: value ? 1 : 0 });
  };
  for (const [field, value] of Object.entries(customMetadata)) {
    if (Array.isArray(value)) for (const element of value) add(field, element);
    else add(field, value);
  }
  return out;
}

/** The `tsvector` literal of a version's name, for `name :`: its words and their short prefixes. */
export const nameWords = (file: Pick<FileRecord, 'name'>) => wordVector([file.name], { prefixes: true });

/** Of its tags, user tags first and AI tags after them, as SQLite's index reads them. */
export const tagWords = (file: Pick<FileRecord, 'tags' | 'aiTags'>) =>
  wordVector([...(file.tags ?? []), ...(file.aiTags ?? []).map((t) => t.name)]);

/** The columns a new version is inserted with: its words. */
export const searchColumns = (file: FileRecord) => ({
  name_words: nameWords(file),
  tag_words: tagWords(file),
});

/**
 * PostgreSQL's side of what SQLite's triggers do (migrations.ts): the words of names and tags for
 * `:` searches, and the tag and custom metadata rows for exact lookups. Run in the transaction that
 * wrote the rows; `fresh` rows were inserted with their words (`searchColumns`) and nothing else.
 */
export async function indexForSearch(
  db: Kysely<Database>,
  rows: SearchFields[],
  fresh: boolean,
): Promise<void> {
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  if (!fresh) {
    await sql`update file_versions set name_words = v.name_words, tag_words = v.tag_words
      from unnest(${ids}::bigint[], ${rows.map(nameWords)}::tsvector[], ${rows.map(tagWords)}::tsvector[])
        as v(id, name_words, tag_words)
      where file_versions.id = v.id`.execute(db);
    await sql`delete from file_tags where row_id = any(${ids}::bigint[])`.execute(db);
    await sql`delete from file_metadata_values where row_id = any(${ids}::bigint[])`.execute(db);
  }
  const tags = rows.flatMap((r) => [
    ...(r.tags ?? []).map((tag) => ({ id: r.id, tag, source: 'user' })),
    ...(r.aiTags ?? []).map((t) => ({ id: r.id, tag: t.name, source: 'ai' })),
  ]);
  if (tags.length > 0) {
    await sql`insert into file_tags (row_id, tag, source)
      select * from unnest(${tags.map((t) => t.id)}::bigint[], ${tags.map((t) => t.tag)}::text[],
        ${tags.map((t) => t.source)}::text[])`.execute(db);
  }
  const values = rows.flatMap((r) => metadataValues(r.customMetadata).map((v) => ({ id: r.id, ...v })));
  if (values.length > 0) {
    await sql`insert into file_metadata_values (row_id, field, kind, text_value, number_value)
      select * from unnest(${values.map((v) => v.id)}::bigint[], ${values.map((v) => v.field)}::text[],
        ${values.map((v) => v.kind)}::text[], ${values.map((v) => v.text)}::text[],
        ${values.map((v) => v.number)}::float8[])`.execute(db);
  }
}

/**
 * Rewrites the name vectors a migration left in the old form (023_pg_name_prefixes), `batch` rows
 * per transaction, each taking its place in `search_backfills` under a row lock, so nodes starting
 * together share the work and none serves searches before it is done. Old vectors still answer
 * every query the same but a short last word (the prefix lookup finds only rewritten rows).
 */
export async function finishSearchBackfills(db: Kysely<Database>, batch = 5000): Promise<void> {
  for (;;) {
    const more = await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ next_id: number; last_id: number }>`select next_id, last_id
        from search_backfills where name = 'name_prefixes' for update`.execute(trx);
      const mark = rows[0];
      if (!mark) return false;
      const { rows: versions } = await sql<{ id: number; name: string }>`select id, name from file_versions
        where id >= ${mark.next_id} and id <= ${mark.last_id} order by id limit ${batch}`.execute(trx);
      if (versions.length > 0) {
        await sql`update file_versions set name_words = v.name_words
          from unnest(${versions.map((v) => v.id)}::bigint[], ${versions.map(nameWords)}::tsvector[])
            as v(id, name_words)
          where file_versions.id = v.id`.execute(trx);
      }
      if (versions.length < batch) {
        await sql`delete from search_backfills where name = 'name_prefixes'`.execute(trx);
        return false;
      }
      // Sum in SQL: a pool without the store's parsers answers bigints as strings.
      const last = versions[versions.length - 1]!.id;
      await sql`update search_backfills set next_id = ${last}::bigint + 1 where name = 'name_prefixes'`.execute(
        trx,
      );
      return true;
    });
    if (!more) return;
  }
}
