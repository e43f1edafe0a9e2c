// Named transformations over the API (`/v1/named-transformations`, @imagekit/nodejs 7's
// `namedTransformations`) and `n-<name>` in delivery URLs, with "restrict unnamed transformations".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { png, upload } from '../helpers/fixtures.js';
import { fetchImage } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Named {
  id: string;
  name: string;
  transformation: string;
  enabled: boolean;
  createdAt: string;
}

async function create(server: TestServer, json: Record<string, unknown>): Promise<Named> {
  const response = await server.api('/v1/named-transformations', { method: 'POST', json });
  assert.equal(response.status, 201, await response.clone().text());
  return response.json() as Promise<Named>;
}

async function putImage(server: TestServer, folder: string): Promise<string> {
  const response = await upload(server, {
    file: { bytes: await png(400, 300), name: 'base.png', type: 'image/png' },
    fields: { fileName: 'base.png', folder, useUniqueFileName: 'false' },
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { filePath: string }).filePath;
}

async function refusal(response: Response, status: number): Promise<{ message: string; reason?: string }> {
  const body = (await response.json()) as { message: string; help: string; reason?: string };
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(typeof body.message, 'string');
  assert.equal(typeof body.help, 'string');
  return body;
}

describe('named transformations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('creates, lists, gets, updates and deletes one, as the SDK calls them', async () => {
    const made = await create(server, { name: 'small_thumb', transformation: 'w-150,h-150' });
    assert.match(made.id, /^\w+$/);
    assert.equal(made.enabled, true);
    assert.ok(Date.parse(made.createdAt) > 0);
    const listed = (await (await server.api('/v1/named-transformations')).json()) as Named[];
    assert.deepEqual(
      listed.find((n) => n.id === made.id),
      made,
    );
    assert.deepEqual(await (await server.api(`/v1/named-transformations/${made.id}`)).json(), made);
    const patched = await server.api(`/v1/named-transformations/${made.id}`, {
      method: 'PATCH',
      json: { transformation: 'w-200,h-200' },
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(await patched.json(), { ...made, transformation: 'w-200,h-200' });
    const gone = await server.api(`/v1/named-transformations/${made.id}`, { method: 'DELETE' });
    assert.equal(gone.status, 204);
    await refusal(await server.api(`/v1/named-transformations/${made.id}`), 404);
    await refusal(await server.api(`/v1/named-transformations/${made.id}`, { method: 'DELETE' }), 404);
  });

  it('renders n-<name> in path and query form, follows edits, and fails once disabled', async () => {
    const path = await putImage(server, '/named');
    const made = await create(server, { name: 'card', transformation: 'w-120,h-90' });
    const byPath = await fetchImage(`${server.url}/tr:n-card${path}`);
    assert.deepEqual([byPath.width, byPath.height], [120, 90]);
    const byQuery = await fetchImage(`${server.url}${path}?tr=n-card:rt-90`);
    assert.deepEqual([byQuery.width, byQuery.height], [90, 120]);

    await server.api(`/v1/named-transformations/${made.id}`, {
      method: 'PATCH',
      json: { transformation: 'w-60' },
    });
    const edited = await fetchImage(`${server.url}/tr:n-card${path}`);
    assert.deepEqual([edited.width, edited.height], [60, 45]);

    await server.api(`/v1/named-transformations/${made.id}`, { method: 'PATCH', json: { enabled: false } });
    const disabled = await refusal(await fetch(`${server.url}/tr:n-card${path}`), 400);
    assert.match(disabled.message, /n-card/);
  });

  it('refuses bad names and definitions with {message, help}, and a name taken', async () => {
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ transformation: 'w-10' }, 400, /name/],
      [{ name: 'has space', transformation: 'w-10' }, 400, /name/],
      [{ name: 'ok_name' }, 400, /transformation/],
      [{ name: 'ok_name', transformation: 'w-abc' }, 400, /w-abc|w/],
      [{ name: 'ok_name', transformation: 'zz-1' }, 400, /zz/],
      [{ name: 'ok_name', transformation: 'n-card' }, 400, /another/],
      [{ name: 'ik_ml_thumbnail', transformation: 'w-10' }, 409, /ik_ml_thumbnail/],
    ];
    for (const [json, status, message] of cases) {
      const body = await refusal(
        await server.api('/v1/named-transformations', { method: 'POST', json }),
        status,
      );
      assert.match(body.message, message);
    }
    await create(server, { name: 'taken', transformation: 'w-10' });
    const other = await create(server, { name: 'other', transformation: 'w-10' });
    await refusal(
      await server.api('/v1/named-transformations', {
        method: 'POST',
        json: { name: 'taken', transformation: 'w-20' },
      }),
      409,
    );
    await refusal(
      await server.api(`/v1/named-transformations/${other.id}`, { method: 'PATCH', json: { name: 'taken' } }),
      409,
    );
  });

  it('lets read keys list them, only standard keys change them, and no session either', async () => {
    const response = await server.api('/_ml/keys', {
      method: 'POST',
      json: { kind: 'restricted', permission: 'ReadWrite' },
    });
    const restricted = (await response.json()) as { privateKey: string };
    assert.equal((await server.api('/v1/named-transformations', { key: restricted.privateKey })).status, 200);
    await refusal(
      await server.api('/v1/named-transformations', {
        method: 'POST',
        key: restricted.privateKey,
        json: { name: 'nope', transformation: 'w-10' },
      }),
      403,
    );
    const token = await sessionToken({ folder: '/', access: 'readwrite' });
    const bySession = await fetch(`${server.url}/v1/named-transformations`, { headers: bearer(token) });
    assert.equal(bySession.status, 403);
  });
});

describe('restrict unnamed transformations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ restrictUnnamedTransformations: true });
  });
  after(() => server.close());

  it('renders names made over the API and refuses anything else', async () => {
    const path = await putImage(server, '/restricted');
    await create(server, { name: 'only_this', transformation: 'w-50' });
    const named = await fetchImage(`${server.url}/tr:n-only_this${path}`);
    assert.equal(named.width, 50);
    const unnamed = await refusal(await fetch(`${server.url}/tr:w-50${path}`), 400);
    assert.equal(unnamed.reason, 'UNNAMED_TRANSFORMATION_RESTRICTED');
    const mixed = await refusal(await fetch(`${server.url}/tr:n-only_this,w-20${path}`), 400);
    assert.equal(mixed.reason, 'UNNAMED_TRANSFORMATION_RESTRICTED');
  });
});
