// Issue 18, item 3: privacy and publish state hold for every version of a file and every
// rendition of one, not only for the version that is current.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signUrl } from './signing.js';

interface Uploaded {
  fileId: string;
  url: string;
  versionInfo: { id: string };
}

describe('old versions of a file', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function put(name: string, fields: Record<string, string> = {}): Promise<Uploaded> {
    const response = await upload(server, {
      file: { bytes: await png(20, 20), name },
      fields: { fileName: name, folder: '/p', useUniqueFileName: 'false', ...fields },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    return body;
  }
  const urlOf = (name: string) => `${server.url}/p/${name}`;
  const status = async (url: string) => {
    const response = await fetch(url);
    await response.arrayBuffer();
    return response.status;
  };

  it('are private once the file is: an overwrite with isPrivateFile hides the public bytes before it', async () => {
    const old = await put('photo.png');
    await put('photo.png', { isPrivateFile: 'true' });
    const pinned = `${urlOf('photo.png')}?ik-v=${old.versionInfo.id}`;
    assert.equal(await status(urlOf('photo.png')), 401);
    assert.equal(await status(pinned), 401, 'the old version by ik-v');
    assert.equal(await status(`${urlOf('photo.png')}?ik-obj-version=${old.versionInfo.id}`), 401);
    assert.equal(await status(`${pinned}&tr=w-10`), 401, 'a rendition of the old version');
    assert.equal(await status(`${server.url}/tr:w-8/p/photo.png?ik-v=${old.versionInfo.id}`), 401);
    assert.equal(await status(signUrl(server.url, pinned)), 200, 'a signed URL still serves it');
  });

  it('are unpublished once the file is, even when only the current version was unpublished', async () => {
    const old = await put('draft.png');
    const { fileId } = await put('draft.png');
    const unpublished = await server.api(`/v1/files/${fileId}/details`, {
      method: 'PATCH',
      json: { publish: { isPublished: false, includeFileVersions: false } },
    });
    assert.equal(unpublished.status, 200);
    const pinned = `${urlOf('draft.png')}?ik-v=${old.versionInfo.id}`;
    assert.equal(await status(pinned), 404);
    assert.equal(await status(`${pinned}&tr=w-10`), 404);
    assert.equal(await status(signUrl(server.url, pinned)), 200);
  });

  it('keep their own privacy when the file turns public again', async () => {
    const secret = await put('turned.png', { isPrivateFile: 'true' });
    await put('turned.png');
    assert.equal(await status(urlOf('turned.png')), 200, 'the current version is public');
    assert.equal(await status(`${urlOf('turned.png')}?ik-v=${secret.versionInfo.id}`), 401);
  });
});
