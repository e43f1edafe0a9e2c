// `/api/v2/files/upload`: ImageKit's V2 upload. Server side with a private key (the SDK's
// `beta.v2.files.upload`), client side with a JWT whose payload must be the form exactly.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import ImageKit, { toFile } from '@imagekit/nodejs';
import { png, uploadForm } from '../helpers/fixtures.js';
import { basicAuth, startTestServer, type TestServer, testKeys } from '../helpers/server.js';

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The token ImageKit's docs tell a backend to sign: HS256, kid = public key, the upload's parameters. */
function uploadJwt(
  payload: Record<string, unknown>,
  { key = testKeys.privateKey, kid = testKeys.publicKey, expiresIn = 600 } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url({ ...payload, iat: now, exp: now + expiresIn, jti: randomUUID() })}`;
  return `${head}.${createHmac('sha256', key).update(head).digest('base64url')}`;
}

describe('V2 upload (/api/v2/files/upload)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const post = async (fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/api/v2/files/upload`, {
      method: 'POST',
      headers,
      body: uploadForm({ file: { bytes: await png(30, 20), name: 'x.png', type: 'image/png' }, fields }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('uploads with a private key through @imagekit/nodejs’s beta.v2.files.upload', async () => {
    const client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
    const file = await client.beta.v2.files.upload({
      file: await toFile(await png(30, 20), 'v2.png'),
      fileName: 'v2.png',
      folder: '/v2/server',
      tags: ['a', 'b'],
      useUniqueFileName: false,
      responseFields: ['tags'],
    });
    assert.equal(file.filePath, '/v2/server/v2.png');
    assert.deepEqual(file.tags, ['a', 'b']);
  });

  it('uploads with a client JWT covering every parameter, once', async () => {
    const fields = {
      fileName: 'jwt.png',
      folder: '/v2/client',
      tags: 'x,y',
      useUniqueFileName: 'false',
      responseFields: 'tags',
    };
    const token = uploadJwt({ ...fields, tags: ['x', 'y'], useUniqueFileName: false });
    const first = await post({ ...fields, token });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.filePath, '/v2/client/jwt.png');
    assert.deepEqual(first.body.tags, ['x', 'y']);
    const replay = await post({ ...fields, token });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.reason, 'TOKEN_REUSED');
  });

  it('refuses a form that differs from the token, and bad or misused tokens, with {message, help}', async () => {
    const cases: Array<[Record<string, string>, Record<string, string>, number, RegExp]> = [
      [{ fileName: 'b.png', token: uploadJwt({ fileName: 'a.png' }) }, {}, 400, /fileName parameter differs/],
      [
        { fileName: 'a.png', folder: '/x', token: uploadJwt({ fileName: 'a.png' }) },
        {},
        400,
        /folder parameter is not in/,
      ],
      [
        { fileName: 'a.png', token: uploadJwt({ fileName: 'a.png', folder: '/x' }) },
        {},
        400,
        /folder parameter is missing/,
      ],
      [
        { fileName: 'a.png', token: uploadJwt({ fileName: 'a.png' }, { key: 'wrong' }) },
        {},
        403,
        /signature/,
      ],
      [
        { fileName: 'a.png', token: uploadJwt({ fileName: 'a.png' }, { kid: 'public_nobody' }) },
        {},
        403,
        /cannot be authenticated/,
      ],
      [{ fileName: 'a.png', token: uploadJwt({ fileName: 'a.png' }, { expiresIn: 7200 }) }, {}, 400, /exp/],
      [{ fileName: 'a.png', token: uploadJwt({ fileName: 'a.png' }, { expiresIn: -10 }) }, {}, 400, /exp/],
      [{ fileName: 'a.png', token: 'not-a-jwt' }, {}, 403, /JSON Web Token/],
      [
        { fileName: 'a.png', token: uploadJwt({ fileName: 'a.png' }) },
        { authorization: basicAuth(testKeys.privateKey) },
        400,
        /both/,
      ],
      [{ fileName: 'a.png' }, {}, 401, /private API key/],
    ];
    for (const [fields, headers, status, message] of cases) {
      const { status: got, body } = await post(fields, headers);
      assert.equal(got, status, `${JSON.stringify(fields)}: ${JSON.stringify(body)}`);
      assert.match(String(body.message), message);
      assert.equal(typeof body.help, 'string');
    }
  });
});
