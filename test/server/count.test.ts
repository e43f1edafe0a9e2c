import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { testBackend } from '../helpers/scale.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('GET /_ml/count', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await uploadPng(server, { folder: '/shop', fileName: 'red-shoe.png', tags: 'red' });
    await uploadPng(server, { folder: '/shop', fileName: 'red-hat.png', tags: 'red' });
    await uploadPng(server, { folder: '/shop', fileName: 'blue-hat.png' });
    await uploadPng(server, { folder: '/shop/sale', fileName: 'red-sock.png', tags: 'red' });
    await uploadPng(server, { folder: '/other', fileName: 'red-car.png', tags: 'red' });
  });
  after(() => server.close());

  const count = async (query: string, headers: Record<string, string> = {}) => {
    const response = await server.api(
      `/_ml/count${query}`,
      headers.authorization ? { key: null, headers } : {},
    );
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { count: number; exact: boolean };
  };

  it('counts what the list would show over all its pages: a folder, a type, a search', async () => {
    assert.deepEqual(await count('?path=/shop&type=all'), { count: 4, exact: true, folders: 1 });
    assert.deepEqual(await count('?path=/shop&type=file'), { count: 3, exact: true, folders: 0 });
    assert.deepEqual(await count('?path=/shop&type=folder'), { count: 1, exact: true, folders: 1 });
    const search = encodeURIComponent('path : "/shop/" AND name : "red"');
    assert.deepEqual(await count(`?searchQuery=${search}&type=file`), { count: 3, exact: true, folders: 0 });
  });

  it('is exact up to limit and says "more" beyond it', async () => {
    assert.deepEqual(await count('?path=/shop&type=file&limit=3'), { count: 3, exact: true, folders: 0 });
    assert.deepEqual(await count('?path=/shop&type=file&limit=2'), { count: 2, exact: false, folders: 0 });
    assert.deepEqual(await count('?path=/shop&type=all&limit=2'), { count: 2, exact: false, folders: 1 });
  });

  it("counts past the list's page limit, so a grid can size its scrollbar for a big folder", async () => {
    for (let i = 0; i < 3; i++) await uploadPng(server, { folder: '/big', fileName: `p${i}.png` });
    // The list's limit is at most 1000; a count's goes to a million.
    assert.deepEqual(await count('?path=/big&type=all&limit=1000000'), { count: 3, exact: true, folders: 0 });
  });

  it('counts only what a session may see', async () => {
    const token = await sessionToken({ folder: '/shop/', access: 'read' });
    const search = encodeURIComponent('tags IN ["red"]');
    assert.deepEqual(await count(`?searchQuery=${search}&type=file`, bearer(token)), {
      count: 3,
      exact: true,
      folders: 0,
    });
  });

  it('keeps an answer until the catalog changes (SQLite), for each caller apart', async (t) => {
    const counting = t.mock.method(server.server.context.store.files, 'count');
    const query = '?path=/kept&type=all';
    // Two asks in a row: the second is the kept answer, unless background work of the uploads
    // before (renditions, hashes) wrote in between, which is a change too; a few tries.
    let kept = false;
    for (let attempt = 0; attempt < 5 && !kept; attempt++) {
      const before = counting.mock.callCount();
      assert.deepEqual(await count(query), { count: 0, exact: true, folders: 0 });
      assert.deepEqual(await count(query), { count: 0, exact: true, folders: 0 });
      kept = counting.mock.callCount() - before <= 1;
    }
    if (testBackend !== 'scale') assert.ok(kept, 'a second ask is answered without counting');
    await uploadPng(server, { folder: '/kept', fileName: 'new.png' });
    const counted = counting.mock.callCount();
    assert.deepEqual(await count(query), { count: 1, exact: true, folders: 0 });
    assert.equal(counting.mock.callCount(), counted + 1, 'counted again once the catalog changed');
    // A session for another folder is no answer the key's count may give.
    const token = await sessionToken({ folder: '/shop/', access: 'read' });
    assert.deepEqual(await count('?path=/kept/&type=all', bearer(token)), {
      count: 0,
      exact: true,
      folders: 0,
    });
  });

  it("refuses a broken query and a bad limit with the list API's messages", async () => {
    const broken = await server.api(`/_ml/count?searchQuery=${encodeURIComponent('size >')}`);
    assert.equal(broken.status, 400);
    assert.ok(((await broken.json()) as { message: string }).message);
    const limit = await server.api('/_ml/count?limit=1000001');
    assert.equal(limit.status, 400);
    assert.match(((await limit.json()) as { message: string }).message, /limit/);
  });
});
