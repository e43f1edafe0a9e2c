import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/server/errors.js';
import { listCatalog, listQueryFor } from '../../src/server/library/listing.js';
import { defaultQueryLimits } from '../../src/server/search/query-language.js';
import type { Store } from '../../src/server/store/store.js';
import type { CustomMetadataFieldSchema } from '../../src/shared/wire.js';
import { fuzzQueries, generate, random } from '../helpers/search-queries.js';
import { type OpenedStore, storeDialects } from '../helpers/stores.js';

/**
 * Queries at and past the size limits: long phrases and lists, parentheses nested deep, and
 * conditions chained wide, each a little under or over what the server accepts.
 */
function largeQueries(seed: number): string[] {
  const next = random(seed);
  const { maxDepth, maxConditions, maxValues } = defaultQueryLimits;
  const around = (limit: number) => [limit - 1, limit, limit + 1, limit * 10];
  const queries: string[] = [];
  for (const n of around(maxValues)) {
    queries.push(`name : "${Array.from({ length: n }, (_, i) => `w${i}`).join(' ')}"`);
    queries.push(`tags : "${'a '.repeat(n)}"`);
    queries.push(`tags IN [${Array.from({ length: n }, (_, i) => `"t${i}"`).join(',')}]`);
    queries.push(`createdAt IN [${Array.from({ length: n }, () => '"2024-01-01"').join(',')}]`);
    queries.push(`"customMetadata.brand" IN [${Array.from({ length: n }, (_, i) => i).join(',')}]`);
  }
  for (const n of around(maxDepth)) queries.push(`${'('.repeat(n)}size > 1${')'.repeat(n)}`);
  for (const n of around(maxConditions)) {
    queries.push(Array.from({ length: n }, (_, i) => `size > ${i}`).join(' AND '));
    queries.push(Array.from({ length: n }, (_, i) => `"customMetadata.price" = ${i}`).join(' OR '));
    queries.push(Array.from({ length: n }, (_, i) => `name NOT : "ab cd${i}"`).join(' OR '));
    // Wide and deep at once: random subqueries, grouped.
    queries.push(Array.from({ length: Math.ceil(n / 4) }, () => `(${generate(next)})`).join(' AND '));
  }
  queries.push('name = "x'.padEnd(defaultQueryLimits.maxLength + 10, 'y'));
  queries.push(
    '"embeddedMetadata.\u0000" = 1',
    '"customMetadata.\u0007" = 1',
    'name = "a\u0000b"',
    'name = a\u0000',
  );
  return queries;
}

for (const [dialect, open] of storeDialects) {
  describe(`searchQuery fuzzing against a real catalog: ${dialect}`, () => {
    let opened: OpenedStore;
    let store: Store;

    before(async () => {
      opened = await open();
      store = opened.store;
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
      await opened.close();
    });

    /** Runs each query; answers how many the store accepted and the slowest time. */
    async function run(queries: string[]) {
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
            assert.fail(`query ${JSON.stringify(searchQuery.slice(0, 200))} threw ${(error as Error).stack}`);
          }
          assert.match(error.body.message, /^Invalid search query: .+ at position \d+$/, searchQuery);
        }
        slowest = Math.max(slowest, performance.now() - started);
      }
      return { accepted, slowest };
    }

    it('never throws anything but a 400, and never takes long, over thousands of queries', async (t) => {
      const queries = fuzzQueries(20261126, 1500);
      const { accepted, slowest } = await run(queries);
      t.diagnostic(`${queries.length} queries, ${accepted} accepted, slowest ${slowest.toFixed(1)} ms`);
      assert.ok(accepted > 300, 'the generator produces plenty of valid queries too');
      assert.ok(slowest < 1000, `no query took a second (slowest ${slowest.toFixed(0)} ms)`);
    });

    it('answers long, deep and wide queries with results or a 400 naming the limit, never a 500', async (t) => {
      const queries = largeQueries(7);
      const { accepted, slowest } = await run(queries);
      t.diagnostic(`${queries.length} large queries, ${accepted} accepted, slowest ${slowest.toFixed(1)} ms`);
      assert.ok(accepted >= 10, 'queries at the limits are accepted');
      assert.ok(accepted < queries.length, 'queries past the limits are refused');
      assert.ok(slowest < 2000, `no large query took two seconds (slowest ${slowest.toFixed(0)} ms)`);
    });
  });
}
