// "Act as the matching DAM user (by email)" for Contentful: the token endpoint reads the app's
// setting and the editor's email from Contentful's Management API (faked at its HTTP boundary),
// asks the real media server about the DAM user, and mints sessions that server holds to the
// user's grants.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signRequest } from '@contentful/node-apps-toolkit';
import { contentfulAuthorize } from '../../plugins/contentful/src/token-endpoint.js';
import { createTokenEndpoint } from '../../src/token-endpoint/index.js';
import { damMember, listedPaths } from '../helpers/dam-users.js';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { appDefinitionId, fakeContentful, listen, managementToken, signingSecret } from './test-server.js';

const url = 'https://cms-api.example/api/media/session';

/** A session request Contentful signed for `userId` in `environment` (see damUserEnvironments). */
function signed(userId: string, environment: string): Request {
  const headers = { 'content-type': 'application/json' };
  const additional = signRequest(
    signingSecret,
    { method: 'POST', path: '/api/media/session', headers },
    Date.now(),
    { spaceId: 'space-1', envId: environment, userId },
  );
  return new Request(url, { method: 'POST', headers: { ...headers, ...additional }, body: '{}' });
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { user?: string; sub: string };

describe('contentfulAuthorize with damUsers', () => {
  let media: TestServer;
  let contentful: Awaited<ReturnType<typeof listen>>;
  const refusals: string[] = [];

  const endpointWith = (managementApi: string, token = managementToken) =>
    createTokenEndpoint({
      ...testKeys,
      endpoint: media.url,
      authorize: contentfulAuthorize({
        signingSecret,
        onRefuse: (reason) => refusals.push(reason),
        damUsers: {
          managementToken: token,
          appDefinitionId,
          managementApi,
          media: { ...testKeys, endpoint: media.url },
        },
      }),
    });

  before(async () => {
    media = await startTestServer();
    contentful = await listen((req, res) => void fakeContentful(req, res));
    await uploadPng(media, { fileName: 'plan.png', folder: '/team', useUniqueFileName: 'false' });
    await uploadPng(media, { fileName: 'secret.png', folder: '/board', useUniqueFileName: 'false' });
    await damMember(media, 'dam-editor@example.com', '/team');
  });
  after(async () => {
    await contentful?.close();
    await media?.close();
  });

  it('with the app set to it, a session acts for the editor’s DAM user and sees only its grant', async () => {
    const response = await endpointWith(contentful.url)(signed('dam-editor', 'dam-users'));
    assert.equal(response.status, 200, await response.clone().text());
    const { token } = (await response.json()) as { token: string };
    assert.equal(claimsOf(token).user, 'dam-editor@example.com');
    assert.equal(claimsOf(token).sub, 'contentful:space-1:dam-editor');
    assert.deepEqual(await listedPaths(media, token), ['/team/plan.png']);
  });

  it('with the app’s setting off, sessions are as before', async () => {
    const response = await endpointWith(contentful.url)(signed('dam-editor', 'master'));
    assert.equal(response.status, 200);
    const { token } = (await response.json()) as { token: string };
    assert.equal(claimsOf(token).user, undefined);
    assert.deepEqual(await listedPaths(media, token), ['/board/secret.png', '/team/plan.png']);
  });

  it('refuses an editor without a DAM account with a message naming their email, or falls back when set to', async () => {
    const refused = await endpointWith(contentful.url)(signed('newcomer', 'dam-users'));
    assert.equal(refused.status, 403);
    assert.match(
      ((await refused.json()) as { message: string }).message,
      /no account for newcomer@example\.com/,
    );
    assert.ok(
      refusals.some((reason) => /newcomer.*no DAM account/.test(reason)),
      refusals.join('\n'),
    );

    const fallback = await endpointWith(contentful.url)(signed('newcomer', 'dam-fallback'));
    assert.equal(fallback.status, 200);
    const { token } = (await fallback.json()) as { token: string };
    assert.equal(claimsOf(token).user, undefined);
    assert.equal((await listedPaths(media, token)).length, 2);
  });

  it('refuses rather than guess when Contentful’s Management API cannot be read', async () => {
    for (const endpoint of [
      endpointWith(contentful.url, 'CFPAT-wrong'),
      endpointWith('http://127.0.0.1:9'),
    ]) {
      const refused = await endpoint(signed('dam-editor', 'dam-users'));
      assert.equal(refused.status, 403);
      assert.match(
        ((await refused.json()) as { message: string }).message,
        /could not read your Contentful account/,
      );
    }
    assert.ok(
      refusals.some((reason) => /HTTP 401/.test(reason)),
      refusals.join('\n'),
    );
  });
});
