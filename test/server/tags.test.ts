import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('GET /_ml/tags', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await uploadPng(server, { folder: '/brand', fileName: 'a.png', tags: 'summer,sale,red' });
    await uploadPng(server, { folder: '/brand/sub', fileName: 'b.png', tags: 'summit,sale' });
    await uploadPng(server, { folder: '/secret', fileName: 'c.png', tags: 'sunset,secret-plan' });
  });
  after(() => server.close());

  const tags = async (query: string, headers: Record<string, string> = {}) => {
    const response = await server.api(
      `/_ml/tags${query}`,
      headers.authorization ? { key: null, headers } : {},
    );
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as string[];
  };

  it('answers distinct tags with the prefix, sorted', async () => {
    assert.deepEqual(await tags('?prefix=su'), ['summer', 'summit', 'sunset']);
    assert.deepEqual(await tags('?prefix=sa'), ['sale']);
    assert.deepEqual(await tags('?prefix=zzz'), []);
  });

  it('honours limit and lists everything without a prefix', async () => {
    assert.deepEqual(await tags('?limit=2'), ['red', 'sale']);
    assert.equal((await tags('')).length, 6);
  });

  it('forgets tags no current file carries any more', async () => {
    const file = await uploadPng(server, { folder: '/brand', fileName: 'gone.png', tags: 'ephemeral' });
    assert.deepEqual(await tags('?prefix=eph'), ['ephemeral']);
    const patched = await server.api(`/v1/files/${file.fileId}/details`, {
      method: 'PATCH',
      json: { tags: [] },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(await tags('?prefix=eph'), []);
  });

  it('shows a session only the tags inside its folder', async () => {
    const token = await sessionToken({ folder: '/brand/', access: 'read' });
    assert.deepEqual(await tags('?prefix=s', bearer(token)), ['sale', 'summer', 'summit']);
  });

  it('refuses a bad limit with a message', async () => {
    const response = await server.api('/_ml/tags?limit=0');
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /limit/);
  });
});
