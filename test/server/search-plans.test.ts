import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { listCatalog, listQueryFor } from '../../src/server/library/listing.js';
import { wordVector } from '../../src/server/search/word-index.js';
import { openPostgresStore } from '../../src/server/store/postgres.js';
import { finishSearchBackfills, nameWords } from '../../src/server/store/postgres-search-index.js';
import type { Database } from '../../src/server/store/schema.js';
import type { FileRecord, Store } from '../../src/server/store/store.js';
import { catalogRow } from '../helpers/catalog-row.js';
import { createScaleBackends, type ScaleBackends, testBackend } from '../helpers/scale.js';

/**
 * PostgreSQL answers the searches bench/scale.mjs times from their indexes, not by reading the
 * table: the statements a listing sends, explained over a catalog big enough that a scan would
 * cost more. A plan that loses its index is what turned PostgreSQL's search into a multiple of
 * SQLite's at a million files (issue 27).
 */

const files = 30_000;
const nouns = 'dress harbor sunset forest meadow skyline portrait canyon river garden'.split(' ');
const adjectives = 'crimson azure golden silver misty rustic vivid quiet bold gentle'.split(' ');

/** A catalog whose words and tags are spread as the bench's are: any one matches a few percent. */
function catalog(): FileRecord[] {
  const base = Date.parse('2024-01-01T00:00:00Z');
  return Array.from({ length: files }, (_, i) => {
    const id = `v${String(i).padStart(23, '0')}`;
    const folder = `/${nouns[(i * 7) % nouns.length]}/${adjectives[(i * 3) % adjectives.length]}/`;
    const name = `${adjectives[(i * 13) % adjectives.length]}-${nouns[(i * 17) % nouns.length]}-${i}.jpg`;
    return catalogRow(id, folder, name, {
      size: 10_000 + ((i * 7919) % 20_000_000),
      width: 200 + ((i * 31) % 4000),
      height: 200 + ((i * 37) % 3000),
      tags: [`tag-${i % 200}`, `tag-${(i * 7) % 200}`, nouns[i % nouns.length]!],
      createdAt: base + i * 60_000,
      updatedAt: base + i * 60_000,
    });
  });
}

describe('PostgreSQL plans searches on their indexes', { skip: testBackend !== 'scale' }, () => {
  let backends: ScaleBackends;
  let store: Store;
  let client: pg.Client;
  const sent: Array<{ text: string; values: unknown[] }> = [];
  let recording = false;
  const query = pg.Client.prototype.query;

  before(async () => {
    backends = await createScaleBackends();
    store = await openPostgresStore(backends.database);
    const rows = catalog();
    for (let start = 0; start < rows.length; start += 5000) {
      await store.files.insertVersions(rows.slice(start, start + 5000));
    }
    client = new pg.Client({ connectionString: backends.database });
    await client.connect();
    // As autovacuum would soon after a bulk load: statistics, and the visibility map.
    await client.query('vacuum analyze');
    // The statements the store sends, as sent (text and parameters), while `recording`.
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const [config, values] = args as [{ text?: string; values?: unknown[] } | string, unknown[]];
      if (recording && typeof config === 'object' && config.text !== undefined) {
        sent.push({ text: config.text, values: config.values ?? [] });
      } else if (recording && typeof config === 'string') {
        sent.push({ text: config, values: values ?? [] });
      }
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  after(async () => {
    pg.Client.prototype.query = query;
    await client?.end();
    await store?.close();
    await backends?.drop();
  });

  /** The plan of the page query a search runs: the statement that reads file_versions. */
  async function planOf(searchQuery: string): Promise<string> {
    sent.length = 0;
    recording = true;
    try {
      await listCatalog(store, await listQueryFor(store, { searchQuery, limit: '100' }));
    } finally {
      recording = false;
    }
    const page = sent.filter((s) => /from "file_versions"/.test(s.text)).at(-1);
    assert.ok(page, `the search ${searchQuery} read file_versions`);
    await client.query('set jit = off');
    const { rows } = await client.query(`explain ${page.text}`, page.values);
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  }

  it('finds a name phrase through the GIN index of name words, a short last word as a kept prefix', async () => {
    const plan = await planOf('name : "crimson-har"');
    assert.match(plan, /Bitmap Index Scan on file_versions_by_name_words/, plan);
    // One exact lookup of the marked prefix, not a prefix match gathering every `har…` row.
    assert.match(plan, /''crimson'' <-> ''har~''/, plan);
    assert.doesNotMatch(plan, /:\*/, plan);
    assert.doesNotMatch(plan, /Seq Scan on file_versions/, plan);
  });

  it('finds tags through the tag index, walking the date order without reading the table', async () => {
    const plan = await planOf('tags IN ["sunset", "tag-40"]');
    // Index-only or bitmap, as the visibility map allows: either way along the tag index.
    assert.match(plan, /(Index Only Scan using|Bitmap Index Scan on) file_tags_by_tag/, plan);
    assert.match(plan, /Index Only Scan using file_versions_by_created on file_versions/, plan);
    assert.doesNotMatch(plan, /Seq Scan on file_(versions|tags)/, plan);
  });

  it('reads a three-clause search from the indexes it names', async () => {
    const plan = await planOf('(tags IN ["sunset"] OR name : "golden") AND width > 3000');
    assert.match(plan, /file_tags_by_tag/, plan);
    assert.doesNotMatch(plan, /Seq Scan on file_tags/, plan);
  });

  it('rewrites name vectors left in the old form, in batches, and then finds them by prefix', async () => {
    const search = async () =>
      (
        await listCatalog(
          store,
          // golden names go with river ones in this catalog (i * 3 and i * 7 modulo 10).
          await listQueryFor(store, { searchQuery: 'name : "golden-riv"', limit: '1000' }),
        )
      ).map((r) => ('versionId' in r ? r.versionId : r.path));
    const found = await search();
    assert.ok(found.length > 0);
    // As 022 left them: words without their prefixes, and the ids 023_pg_name_prefixes records.
    const { rows } = await client.query<{ id: number; name: string }>('select id, name from file_versions');
    const oldVectors = rows.map((r) => wordVector([r.name]));
    await client.query(
      `update file_versions set name_words = v.words from unnest($1::bigint[], $2::tsvector[]) as v(id, words)
        where file_versions.id = v.id`,
      [rows.map((r) => r.id), oldVectors],
    );
    await client.query(`insert into search_backfills (name, next_id, last_id)
      select 'name_prefixes', min(id), max(id) from file_versions`);
    assert.deepEqual(await search(), [], 'old vectors hold no kept prefixes');

    const pool = new pg.Pool({ connectionString: backends.database });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await finishSearchBackfills(db, 7000);
    } finally {
      await db.destroy();
    }
    const left = await client.query('select count(*)::int as n from search_backfills');
    assert.equal(left.rows[0].n, 0, 'the backfill is done and says so');
    const stale = await client.query(
      `select count(*)::int as n from file_versions f join unnest($1::bigint[], $2::tsvector[]) as v(id, words)
        on f.id = v.id where f.name_words <> v.words`,
      [rows.map((r) => r.id), rows.map(nameWords)],
    );
    assert.equal(stale.rows[0].n, 0, 'every row holds what the store writes now');
    assert.deepEqual(await search(), found);
    await client.query('vacuum analyze');
  });
});
