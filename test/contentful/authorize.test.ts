// contentfulAuthorize: the token endpoint trusts what Contentful signed for an editor, and only that.
// Requests are signed with Contentful's own toolkit, as Contentful's API signs them for the app.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signRequest } from '@contentful/node-apps-toolkit';
import {
  contentfulAuthorize,
  contentfulCors,
  isContentfulHostedApp,
} from '../../plugins/contentful/src/token-endpoint.js';
import { verifySessionToken } from '../../src/shared/session-token.js';
import { createTokenEndpoint } from '../../src/token-endpoint/index.js';
import { testKeys } from '../helpers/server.js';

const secret = 'a'.repeat(64);
const otherSecret = 'b'.repeat(64);
const url = 'https://cms-api.example/api/media/session';
const editor = { spaceId: 'space-1', envId: 'master', userId: 'user-7' };

/** A session request as the app sends it: Contentful's headers over method, path and content type. */
function signed(
  options: { secret?: string; timestamp?: number; context?: typeof editor | Partial<typeof editor> } = {},
): Request {
  const headers = { 'content-type': 'application/json' };
  const additional = signRequest(
    options.secret ?? secret,
    { method: 'POST', path: '/api/media/session', headers },
    options.timestamp ?? Date.now(),
    (options.context ?? editor) as typeof editor,
  );
  return new Request(url, { method: 'POST', headers: { ...headers, ...additional }, body: '{}' });
}

describe('contentfulAuthorize', () => {
  it('lets in an editor Contentful signed for, with who they are as the session subject', async () => {
    const authorize = contentfulAuthorize({ signingSecret: secret });
    assert.deepEqual(await authorize(signed()), { allow: true, sub: 'contentful:space-1:user-7', scope: {} });
  });

  it('hands the editor to scope(), which narrows or refuses', async () => {
    const seen: unknown[] = [];
    const authorize = contentfulAuthorize({
      signingSecret: secret,
      scope: (who) => {
        seen.push(who);
        return who.userId === 'user-7' ? { folder: `/spaces/${who.spaceId}/`, access: 'read' } : false;
      },
    });
    const result = await authorize(signed());
    assert.deepEqual(result.scope, { folder: '/spaces/space-1/', access: 'read' });
    assert.deepEqual(seen, [{ userId: 'user-7', spaceId: 'space-1', environmentId: 'master' }]);
    assert.deepEqual(await authorize(signed({ context: { ...editor, userId: 'user-8' } })), { allow: false });
  });

  it('refuses what Contentful did not sign, or signed for something else', async () => {
    const reasons: string[] = [];
    const authorize = contentfulAuthorize({
      signingSecret: secret,
      spaces: ['space-1'],
      onRefuse: (reason) => reasons.push(reason),
    });
    const refused = async (request: Request) => assert.deepEqual(await authorize(request), { allow: false });

    await refused(new Request(url, { method: 'POST' }));
    await refused(signed({ secret: otherSecret }));
    await refused(signed({ timestamp: Date.now() - 60_000 }));
    await refused(signed({ context: { ...editor, spaceId: 'space-2' } }));
    // Signed for /api/media/session, sent to another path.
    const moved = signed();
    await refused(
      new Request('https://cms-api.example/other/session', { method: 'POST', headers: moved.headers }),
    );
    // An editor id the signature does not cover is anyone's to invent.
    const { userId: _userId, ...noUser } = editor;
    const anonymous = signed({ context: noUser });
    const headers = new Headers(anonymous.headers);
    headers.set('x-contentful-user-id', 'admin');
    await refused(new Request(url, { method: 'POST', headers }));
    // A forged user id on a request that signed another one breaks the signature.
    const forged = new Headers(signed().headers);
    forged.set('x-contentful-user-id', 'admin');
    await refused(new Request(url, { method: 'POST', headers: forged }));

    assert.equal(reasons.length, 7);
    assert.match(reasons[0]!, /not signed by Contentful/);
    assert.match(reasons[1]!, /does not match/);
    assert.match(reasons[2]!, /within 30s/);
    assert.match(reasons[3]!, /space space-2 is not allowed/);
    assert.match(reasons[5]!, /does not cover the user/);
  });

  it('accepts the old secret during a rotation', async () => {
    const authorize = contentfulAuthorize({ signingSecret: [otherSecret, secret] });
    assert.equal((await authorize(signed())).allow, true);
    assert.equal((await authorize(signed({ secret: otherSecret }))).allow, true);
    assert.throws(() => contentfulAuthorize({ signingSecret: 'short' }), /64-character/);
  });

  it('gives a signed editor a session token through the token endpoint, across origins', async () => {
    const origin = 'https://4ce44185-52a1-455d-a1d8-fe60f1be67bb.ctfcloud.net';
    const endpoint = createTokenEndpoint({
      ...testKeys,
      endpoint: 'https://media.example',
      cors: contentfulCors(),
      authorize: contentfulAuthorize({ signingSecret: secret }),
    });
    const preflight = await endpoint(
      new Request(url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-contentful-signature,x-contentful-user-id',
        },
      }),
    );
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), origin);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const allowed = preflight.headers.get('access-control-allow-headers')!.split(', ');
    for (const header of [
      'content-type',
      'x-contentful-signature',
      'x-contentful-signed-headers',
      'x-contentful-user-id',
    ])
      assert.ok(allowed.includes(header), header);

    const request = signed();
    const headers = new Headers(request.headers);
    headers.set('origin', origin);
    const response = await endpoint(new Request(url, { method: 'POST', headers, body: '{}' }));
    assert.equal(response.status, 200);
    const { token } = await response.json();
    const claims = await verifySessionToken(token, testKeys);
    assert.equal(claims.sub, 'contentful:space-1:user-7');

    const unsigned = await endpoint(new Request(url, { method: 'POST', headers: { origin }, body: '{}' }));
    assert.equal(unsigned.status, 403);
  });

  it('knows the origins Contentful hosts app bundles on', () => {
    assert.equal(isContentfulHostedApp('https://4ce44185-52a1-455d-a1d8-fe60f1be67bb.ctfcloud.net'), true);
    assert.equal(isContentfulHostedApp('https://ctfcloud.net.evil.example'), false);
    assert.equal(isContentfulHostedApp('http://abc.ctfcloud.net'), false);
  });
});
