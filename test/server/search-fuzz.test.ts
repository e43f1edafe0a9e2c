import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/server/errors.js';
import { listCatalog, listQueryFor } from '../../src/server/library/listing.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import type { Store } from '../../src/server/store/store.js';
import type { CustomMetadataFieldSchema } from '../../src/shared/wire.js';
import { fuzzQueries } from '../helpers/search-queries.js';

describe('searchQuery fuzzing against a real SQLite catalog', () => {
  let dir: string;
  let store: Store;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-library-fuzz-'));
    store = await openSqliteStore(join(dir, 'library.db'));
    const now = Date.now();
    const schemas: Array<[string, CustomMetadataFieldSchema]> = [
      ['brand', { type: 'Text' }],
      ['price', { type: 'Number' }],
      ['flags', { type: 'MultiSelect', selectOptions: ['a', 'b', 1, true] }],
    ];
    for (const [name, schema] of schemas) {
      await store.customMetadataFields.insert({
        id: name,
        name,
        label: name,
        schema,
        description: null,
        isDeleted: false,
        createdAt: now,
        updatedAt: now,
      });
    }
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('never throws anything but a 400, and never takes long, over thousands of queries', async (t) => {
    const queries = fuzzQueries(20261126, 1500);
    let accepted = 0;
    let slowest = 0;
    for (const searchQuery of queries) {
      const started = performance.now();
      try {
        const query = await listQueryFor(store, { searchQuery, limit: '10' });
        await listCatalog(store, query);
        accepted++;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 400) {
          assert.fail(`query ${JSON.stringify(searchQuery)} threw ${(error as Error).stack}`);
        }
        assert.match(error.body.message, /^Invalid search query: .+ at position \d+$/, searchQuery);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    t.diagnostic(`${queries.length} queries, ${accepted} accepted, slowest ${slowest.toFixed(1)} ms`);
    assert.ok(accepted > 300, 'the generator produces plenty of valid queries too');
    assert.ok(slowest < 1000, `no query took a second (slowest ${slowest.toFixed(0)} ms)`);
  });
});
