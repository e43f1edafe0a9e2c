// Issue 18 (smaller): an unpublished file answers a bogus signature exactly as a missing file
// does, so a guessed path tells nothing about what exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signUrl } from './signing.js';

describe('an unpublished file to someone without a valid signature', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const response = await upload(server, {
      file: { bytes: await png(), name: 'draft.png' },
      fields: { fileName: 'draft.png', useUniqueFileName: 'false', isPublished: 'false' },
    });
    assert.equal(response.status, 200);
  });
  after(() => server.close());

  /** Status and body without the per-request id. */
  async function answer(url: string): Promise<[number, unknown]> {
    const response = await fetch(url);
    return [response.status, await response.json()];
  }

  it('is as missing as a file that does not exist, whatever signature comes with the URL', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    for (const suffix of [
      '',
      '?ik-s=0000000000000000000000000000000000000000',
      '?ik-t=9999999999&ik-s=bogus',
      '?ik-t=abc&ik-s=bogus',
      '?tr=w-10&ik-s=bogus',
      '?ik-v=00000000000000000000&ik-s=bogus',
    ]) {
      const unpublished = await answer(`${server.url}/draft.png${suffix}`);
      const missing = await answer(`${server.url}/nothing-here.png${suffix}`);
      assert.deepEqual(unpublished, missing, suffix);
      assert.equal(unpublished[0], 404, suffix);
    }
    const expired = await answer(signUrl(server.url, `${server.url}/draft.png`, past));
    assert.deepEqual(expired, await answer(signUrl(server.url, `${server.url}/nothing-here.png`, past)));
  });

  it('is served to a valid signature', async () => {
    const response = await fetch(signUrl(server.url, `${server.url}/draft.png`));
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  });
});
