import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultQueryLimits } from '../../src/server/search/query-language.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Issue 18, item 12: searchQuery size and depth are bounded, and field paths hold no control characters. */
describe('searchQuery limits', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ search: { ...defaultQueryLimits, maxConditions: 20 } });
  });
  after(() => server.close());

  async function search(searchQuery: string) {
    const response = await server.api(`/v1/files?searchQuery=${encodeURIComponent(searchQuery)}`);
    return { status: response.status, body: (await response.json()) as { message: string; reason?: string } };
  }

  it('refuses a phrase of a thousand words with a 400 that names the limit', async () => {
    const { status, body } = await search(`name : "${'a '.repeat(1000)}"`);
    assert.equal(status, 400, body.message);
    assert.equal(body.reason, 'INVALID_SEARCH_QUERY');
    assert.match(body.message, /a : phrase may hold at most 100 words/);
  });

  it('refuses a control character in a field path with a 400', async () => {
    for (const field of ['embeddedMetadata.\u0000', 'customMetadata.\u0007', 'name\u001f']) {
      const { status, body } = await search(`"${field}" = 1`);
      assert.equal(status, 400, `${JSON.stringify(field)}: ${body.message}`);
      assert.match(body.message, /field name may not contain control characters/);
    }
    const { status, body } = await search('name = "a\u0000b"');
    assert.equal(status, 400, body.message);
    assert.match(body.message, /may not contain NUL/);
  });

  it('refuses more conditions than configured, and says how many it takes', async () => {
    const wide = Array.from({ length: 21 }, (_, i) => `size > ${i}`).join(' AND ');
    const { status, body } = await search(wide);
    assert.equal(status, 400, body.message);
    assert.match(body.message, /more than 20 conditions/);
    const atLimit = await search(Array.from({ length: 20 }, (_, i) => `size > ${i}`).join(' AND '));
    assert.equal(atLimit.status, 200);
  });

  it('refuses lists, nesting and length past their limits, each by name', async () => {
    const list = await search(`tags IN [${Array.from({ length: 101 }, (_, i) => `"t${i}"`).join(',')}]`);
    assert.equal(list.status, 400);
    assert.match(list.body.message, /a list may hold at most 100 values/);
    const deep = await search(`${'('.repeat(33)}size > 1${')'.repeat(33)}`);
    assert.equal(deep.status, 400);
    assert.match(deep.body.message, /nested more than 32 deep/);
    const long = await search(`name = "${'x'.repeat(4100)}"`);
    assert.equal(long.status, 400);
    assert.match(long.body.message, /longer than 4096 characters/);
  });
});
