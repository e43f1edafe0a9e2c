// Issue 18 (smaller): HTTP Basic needs `privateKey:` with its colon, as ImageKit does; a bare
// base64 of the key is no credential.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

describe('Basic auth', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const withAuthorization = (value: string) =>
    fetch(`${server.url}/v1/files`, { headers: { authorization: value } });
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('refuses the private key without the colon, as a request with no key', async () => {
    const response = await withAuthorization(basic(testKeys.privateKey));
    assert.equal(response.status, 401);
    assert.match((await response.json()).message, /does not contain private API key/);
  });

  it('takes the key with the colon, whatever the ignored password', async () => {
    for (const text of [
      `${testKeys.privateKey}:`,
      `${testKeys.privateKey}:do_not_set`,
      `${testKeys.privateKey}:a:b`,
    ]) {
      assert.equal((await withAuthorization(basic(text))).status, 200, text);
    }
    assert.equal((await withAuthorization(basic(':password'))).status, 401, 'no user name');
  });
});
