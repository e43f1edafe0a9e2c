// damUserStatus, which CMS plugins ask before minting sessions that act for a DAM user, and the
// refusal message `authorize` may give, against the real media server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTokenEndpoint, damUserStatus } from '../../src/token-endpoint/index.js';
import { damMember } from '../helpers/dam-users.js';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

describe('damUserStatus', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    await uploadPng(server, { folder: '/team', fileName: 'a.png' });
  });
  after(() => server.close());

  it('tells an active DAM user, an unknown one and a disabled one apart, by id or email', async () => {
    const options = { ...testKeys, endpoint: `${server.url}/` };
    const id = await damMember(server, 'Known.Member@example.com', '/team');
    assert.equal(await damUserStatus(options, 'known.member@example.com'), 'active');
    assert.equal(await damUserStatus(options, id), 'active');
    assert.equal(await damUserStatus(options, 'nobody@example.com'), 'not-found');
    const disabled = await server.api(`/_ml/users/${id}`, { method: 'PATCH', json: { status: 'disabled' } });
    assert.equal(disabled.status, 200, await disabled.clone().text());
    assert.equal(await damUserStatus(options, id), 'disabled');
  });

  it('answers unknown when the server cannot tell: unreachable, or another key pair', async () => {
    assert.equal(
      await damUserStatus({ ...testKeys, endpoint: 'http://127.0.0.1:9' }, 'a@example.com'),
      'unknown',
    );
    assert.equal(
      await damUserStatus(
        { endpoint: server.url, privateKey: 'private_nope', publicKey: 'public_nope' },
        'a@example.com',
      ),
      'unknown',
    );
  });
});

describe('an authorize refusal with a message', () => {
  it('tells the user why in the 403, and keeps the generic message otherwise', async () => {
    const endpoint = createTokenEndpoint({
      ...testKeys,
      endpoint: 'https://media.example',
      authorize: (request) =>
        request.headers.get('x-why')
          ? { allow: false, message: 'No DAM account for jo@example.com.' }
          : { allow: false },
    });
    const session = (headers: Record<string, string>) =>
      endpoint(new Request('https://cms.example/media/session', { method: 'POST', headers, body: '{}' }));
    const told = await session({ 'x-why': '1' });
    assert.equal(told.status, 403);
    assert.deepEqual(await told.json(), { message: 'No DAM account for jo@example.com.' });
    const generic = await session({});
    assert.equal(generic.status, 403);
    assert.deepEqual(await generic.json(), { message: 'You are not allowed to use the media library.' });
  });
});
