import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

interface Collection {
  id: string;
  name: string;
  description: string;
  itemCount: number;
  createdBy: string | null;
}
interface Listed {
  fileId: string;
  name: string;
  type: string;
  url: string;
  filePath: string;
}

describe('collections', () => {
  let server: TestServer;
  const files: Record<string, string> = {};

  const create = async (name: string, description?: string): Promise<Collection> => {
    const response = await server.api('/_ml/collections', {
      method: 'POST',
      json: { name, ...(description !== undefined && { description }) },
    });
    assert.equal(response.status, 201, await response.clone().text());
    return response.json();
  };
  const add = (id: string, fileIds: string[]) =>
    server.api(`/_ml/collections/${id}/items`, { method: 'POST', json: { fileIds } });
  const items = async (id: string, query = ''): Promise<string[]> => {
    const response = await server.api(`/_ml/collections/${id}/items${query}`);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as Listed[]).map((f) => f.name);
  };

  before(async () => {
    server = await startTestServer();
    for (const [folder, name, tags] of [
      ['/campaigns/spring', 'hero.png', 'sky'],
      ['/campaigns/spring', 'banner.png', 'sea'],
      ['/finance', 'secret.png', 'sky'],
      ['/', 'logo.png', 'brand'],
    ] as const) {
      const file = await uploadPng(server, { folder, fileName: name, useUniqueFileName: 'false', tags });
      files[name] = file.fileId;
    }
  });
  after(() => server.close());

  it('creates, lists, gets, renames and deletes a collection, each in the audit log', async () => {
    const made = await create('Spring launch', 'Assets for the spring campaign');
    assert.equal(made.name, 'Spring launch');
    assert.equal(made.itemCount, 0);
    assert.equal(made.createdBy, null);
    const listed: Collection[] = await (await server.api('/_ml/collections')).json();
    assert.ok(listed.some((c) => c.id === made.id));
    assert.equal(
      (await (await server.api(`/_ml/collections/${made.id}`)).json()).description,
      made.description,
    );

    const renamed = await server.api(`/_ml/collections/${made.id}`, {
      method: 'PATCH',
      json: { name: 'Spring launch 2026' },
    });
    assert.equal(renamed.status, 200);
    assert.equal((await renamed.json()).name, 'Spring launch 2026');

    assert.equal((await server.api(`/_ml/collections/${made.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await server.api(`/_ml/collections/${made.id}`)).status, 404);

    const log = await (await server.api('/_ml/audit?limit=20')).json();
    const actions = log.entries
      .filter((e: { target: { id?: string } }) => e.target.id === made.id)
      .map((e: { action: string }) => e.action);
    assert.deepEqual(actions, ['collection.delete', 'collection.update', 'collection.create']);
  });

  it('refuses an empty name, a duplicate name in any case, a missing collection and unknown fields', async () => {
    const empty = await server.api('/_ml/collections', { method: 'POST', json: { name: '   ' } });
    assert.equal(empty.status, 400);
    assert.match((await empty.json()).message, /name/);
    const noName = await server.api('/_ml/collections', { method: 'POST', json: {} });
    assert.equal(noName.status, 400);
    await create('Press kit');
    const duplicate = await server.api('/_ml/collections', { method: 'POST', json: { name: 'PRESS KIT ' } });
    assert.equal(duplicate.status, 409);
    assert.equal((await duplicate.json()).reason, 'COLLECTION_NAME_TAKEN');
    const missing = await server.api('/_ml/collections/nope/items');
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).reason, 'COLLECTION_NOT_FOUND');
    assert.equal((await add('nope', [files['hero.png']!])).status, 404);
    const long = await server.api('/_ml/collections', { method: 'POST', json: { name: 'x'.repeat(101) } });
    assert.equal(long.status, 400);
  });

  it('adds files in order without duplicates, removes and reorders them', async () => {
    const c = await create('Ordered');
    const added = await add(c.id, [files['logo.png']!, files['hero.png']!, files['logo.png']!]);
    assert.equal(added.status, 200);
    assert.deepEqual((await added.json()).addedFileIds, [files['logo.png'], files['hero.png']]);
    const again = await add(c.id, [files['hero.png']!, files['banner.png']!]);
    assert.deepEqual((await again.json()).addedFileIds, [files['banner.png']]);
    assert.deepEqual(await items(c.id), ['logo.png', 'hero.png', 'banner.png']);
    assert.equal((await (await server.api(`/_ml/collections/${c.id}`)).json()).itemCount, 3);

    const reordered = await server.api(`/_ml/collections/${c.id}/items`, {
      method: 'PATCH',
      json: { order: [files['banner.png'], files['logo.png'], files['hero.png']] },
    });
    assert.equal(reordered.status, 204);
    assert.deepEqual(await items(c.id), ['banner.png', 'logo.png', 'hero.png']);
    // Naming some items reorders them among the places they hold.
    await server.api(`/_ml/collections/${c.id}/items`, {
      method: 'PATCH',
      json: { order: [files['hero.png'], files['banner.png']] },
    });
    assert.deepEqual(await items(c.id), ['hero.png', 'logo.png', 'banner.png']);
    // A sort asks for another order; limit and skip page through it.
    assert.deepEqual(await items(c.id, '?sort=ASC_NAME'), ['banner.png', 'hero.png', 'logo.png']);
    assert.deepEqual(await items(c.id, '?limit=1&skip=1'), ['logo.png']);

    const removed = await server.api(`/_ml/collections/${c.id}/items`, {
      method: 'DELETE',
      json: { fileIds: [files['logo.png']] },
    });
    assert.deepEqual((await removed.json()).removedFileIds, [files['logo.png']]);
    assert.deepEqual(await items(c.id), ['hero.png', 'banner.png']);
    // Still in the library.
    assert.equal((await server.api(`/v1/files/${files['logo.png']}/details`)).status, 200);
  });

  it('answers ImageKit File objects, like /v1/files', async () => {
    const c = await create('Shapes');
    await add(c.id, [files['hero.png']!]);
    const [inCollection] = await (await server.api(`/_ml/collections/${c.id}/items`)).json();
    const [listed] = await (
      await server.api(`/v1/files?searchQuery=${encodeURIComponent(`name = "hero.png"`)}`)
    ).json();
    assert.deepEqual(inCollection, listed);
    assert.equal(inCollection.type, 'file');
  });

  it('refuses missing files, too many ids, a bad order and a bad searchQuery with a 4xx', async () => {
    const c = await create('Bad input');
    const missing = await add(c.id, [files['hero.png']!, 'no-such-file']);
    assert.equal(missing.status, 404);
    const body = await missing.json();
    assert.deepEqual(body.missingFileIds, ['no-such-file']);
    assert.deepEqual(await items(c.id), [], 'nothing is added when one id is wrong');
    const many = await add(
      c.id,
      Array.from({ length: 1001 }, (_, i) => `id${i}`),
    );
    assert.equal(many.status, 400);
    assert.match((await many.json()).message, /1000/);
    assert.equal((await add(c.id, [])).status, 400);
    await add(c.id, [files['hero.png']!]);
    const outside = await server.api(`/_ml/collections/${c.id}/items`, {
      method: 'PATCH',
      json: { order: [files['banner.png']] },
    });
    assert.equal(outside.status, 400);
    assert.equal((await outside.json()).reason, 'NOT_IN_COLLECTION');
    const twice = await server.api(`/_ml/collections/${c.id}/items`, {
      method: 'PATCH',
      json: { order: [files['hero.png'], files['hero.png']] },
    });
    assert.equal(twice.status, 400);
    const query = await server.api(
      `/_ml/collections/${c.id}/items?searchQuery=${encodeURIComponent('size >')}`,
    );
    assert.equal(query.status, 400);
    assert.equal((await query.json()).reason, 'INVALID_SEARCH_QUERY');
  });

  it('searches inside a collection, and finds files by collection = "<id or name>"', async () => {
    const c = await create('Sky things');
    await add(c.id, [files['hero.png']!, files['secret.png']!, files['banner.png']!]);
    assert.deepEqual(await items(c.id, `?searchQuery=${encodeURIComponent('tags IN ["sky"]')}`), [
      'hero.png',
      'secret.png',
    ]);
    const search = async (query: string) =>
      (
        (await (
          await server.api(`/v1/files?sort=ASC_NAME&searchQuery=${encodeURIComponent(query)}`)
        ).json()) as Listed[]
      ).map((f) => f.name);
    assert.deepEqual(await search('collection = "sky things"'), ['banner.png', 'hero.png', 'secret.png']);
    assert.deepEqual(await search(`collection = "${c.id}" AND tags = "sea"`), ['banner.png']);
    assert.deepEqual(await search('collection = "No such collection"'), []);
    const outside = await search('collection NOT = "Sky things"');
    assert.ok(outside.includes('logo.png'));
    assert.ok(!outside.includes('hero.png'));
  });

  it('keeps a moved file in its collections and drops a deleted one, also with its folder', async () => {
    const mover = await uploadPng(server, {
      folder: '/moving',
      fileName: 'mover.png',
      useUniqueFileName: 'false',
    });
    const doomed = await uploadPng(server, {
      folder: '/moving',
      fileName: 'doomed.png',
      useUniqueFileName: 'false',
    });
    const inFolder = await uploadPng(server, {
      folder: '/gone',
      fileName: 'inside.png',
      useUniqueFileName: 'false',
    });
    const c = await create('Effects');
    await add(c.id, [mover.fileId, doomed.fileId, inFolder.fileId]);
    const moved = await server.api('/v1/files/move', {
      method: 'POST',
      json: { sourceFilePath: '/moving/mover.png', destinationPath: '/moved' },
    });
    assert.equal(moved.status, 204, await moved.clone().text());
    assert.equal((await server.api(`/v1/files/${doomed.fileId}`, { method: 'DELETE' })).status, 204);
    const folder = await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/gone' } });
    assert.equal(folder.status, 204);
    const left: Listed[] = await (await server.api(`/_ml/collections/${c.id}/items`)).json();
    assert.deepEqual(
      left.map((f) => f.filePath),
      ['/moved/mover.png'],
    );
    const rows = await server
      .catalog()
      .selectFrom('collection_items')
      .select('file_id')
      .where('collection_id', '=', c.id)
      .execute();
    assert.deepEqual(
      rows.map((r) => r.file_id),
      [mover.fileId],
      'deleted files leave no items behind',
    );
  });

  it('shows a member only the items its grants reach, read-only with view', async () => {
    const c = await create('Mixed');
    await add(c.id, [files['hero.png']!, files['secret.png']!]);
    const hidden = await create('Finance only');
    await add(hidden.id, [files['secret.png']!]);

    const viewerId = await addUser(server, { email: 'viewer@example.com', role: 'member' });
    await grant(server, { type: 'user', id: viewerId }, '/campaigns', 'view');
    const viewer = await signIn(server, 'viewer@example.com');
    const listed: Collection[] = await (await viewer.call('/_ml/collections')).json();
    const mixed = listed.find((x) => x.id === c.id);
    assert.equal(mixed?.itemCount, 1);
    assert.equal(
      listed.some((x) => x.id === hidden.id),
      false,
      'a collection with nothing the member sees is not listed',
    );
    assert.equal((await viewer.call(`/_ml/collections/${hidden.id}`)).status, 404);
    const seen: Listed[] = await (await viewer.call(`/_ml/collections/${c.id}/items`)).json();
    assert.deepEqual(
      seen.map((f) => f.name),
      ['hero.png'],
    );
    const searched: Listed[] = await (
      await viewer.call(`/v1/files?searchQuery=${encodeURIComponent('collection = "Mixed"')}`)
    ).json();
    assert.deepEqual(
      searched.map((f) => f.name),
      ['hero.png'],
    );
    const refused = await viewer.call('/_ml/collections', { method: 'POST', json: { name: 'Mine' } });
    assert.equal(refused.status, 403);
    const addRefused = await viewer.call(`/_ml/collections/${c.id}/items`, {
      method: 'POST',
      json: { fileIds: [files['banner.png']] },
    });
    assert.equal(addRefused.status, 403);

    const contributorId = await addUser(server, { email: 'maker@example.com', role: 'member' });
    await grant(server, { type: 'user', id: contributorId }, '/campaigns', 'contribute');
    const maker = await signIn(server, 'maker@example.com');
    const mine = await maker.call('/_ml/collections', { method: 'POST', json: { name: 'Maker picks' } });
    assert.equal(mine.status, 201);
    const made: Collection = await mine.json();
    assert.equal(made.createdBy, contributorId);
    const added = await maker.call(`/_ml/collections/${made.id}/items`, {
      method: 'POST',
      json: { fileIds: [files['banner.png']] },
    });
    assert.equal(added.status, 200);
    const invisible = await maker.call(`/_ml/collections/${made.id}/items`, {
      method: 'POST',
      json: { fileIds: [files['logo.png']] },
    });
    assert.equal(invisible.status, 404, 'a file outside its grants does not exist for it');
    // Others' collections it may add to, but not rename.
    const rename = await maker.call(`/_ml/collections/${c.id}`, {
      method: 'PATCH',
      json: { name: 'Taken over' },
    });
    assert.equal(rename.status, 403);
    // Reordering what it sees keeps the hidden item in its place.
    await add(c.id, [files['banner.png']!]);
    const order = await maker.call(`/_ml/collections/${c.id}/items`, {
      method: 'PATCH',
      json: { order: [files['banner.png'], files['hero.png']] },
    });
    assert.equal(order.status, 204, await order.clone().text());
    assert.deepEqual(await items(c.id), ['banner.png', 'secret.png', 'hero.png']);
  });

  it('grants a member a collection: it sees the collection and its files, read-only with view', async () => {
    const shared = await create('Shared with a PR agency');
    await add(shared.id, [files['secret.png']!]);
    const agencyId = await addUser(server, { email: 'agency@example.com', role: 'member' });
    const agency = await signIn(server, 'agency@example.com');
    assert.equal(
      (await agency.call(`/_ml/collections/${shared.id}`)).status,
      404,
      'nothing before the grant',
    );
    const granted = await server.api('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: agencyId },
        target: { type: 'collection', id: shared.id },
        level: 'view',
      },
    });
    assert.equal(granted.status, 200, await granted.clone().text());
    assert.deepEqual((await granted.json()).target, { type: 'collection', id: shared.id });
    const listed = ((await (await agency.call('/_ml/collections')).json()) as Collection[]).map(
      (c) => c.name,
    );
    assert.ok(listed.includes('Shared with a PR agency'));
    // Others' collections show only where they hold a file the member reaches.
    assert.ok(!listed.includes('Press kit') && !listed.includes('Ordered'));
    const seen: Listed[] = await (await agency.call(`/_ml/collections/${shared.id}/items`)).json();
    assert.deepEqual(
      seen.map((f) => f.name),
      ['secret.png'],
    );
    // The file itself is reachable (details), but nothing else in its folder.
    assert.equal((await agency.call(`/v1/files/${files['secret.png']}/details`)).status, 200);
    const folder: Listed[] = await (await agency.call('/v1/files?path=/finance')).json();
    assert.deepEqual(
      folder.map((f) => f.name),
      ['secret.png'],
    );
    // A file added later is reached on the next request; view changes nothing.
    await add(shared.id, [files['logo.png']!]);
    assert.equal((await agency.call(`/_ml/collections/${shared.id}`).then((r) => r.json())).itemCount, 2);
    const remove = await agency.call(`/_ml/collections/${shared.id}/items`, {
      method: 'DELETE',
      json: { fileIds: [files['logo.png']] },
    });
    assert.equal(remove.status, 403);
    const missing = await server.api('/_ml/grants', {
      method: 'PUT',
      json: {
        principal: { type: 'user', id: agencyId },
        target: { type: 'collection', id: 'nope' },
        level: 'view',
      },
    });
    assert.equal(missing.status, 404);
    // Deleting the collection ends the grant.
    assert.equal((await server.api(`/_ml/collections/${shared.id}`, { method: 'DELETE' })).status, 204);
    const grants = await (await server.api(`/_ml/grants?principal=user:${agencyId}`)).json();
    assert.deepEqual(grants, []);
    assert.equal((await agency.call(`/v1/files/${files['secret.png']}/details`)).status, 404);
  });

  it('lets a session list and read collections within its folder, and a read session not change them', async () => {
    const c = await create('Session view');
    await add(c.id, [files['hero.png']!, files['secret.png']!]);
    const token = await sessionToken({ folder: '/campaigns/', access: 'read' });
    const seen: Listed[] = await (
      await server.api(`/_ml/collections/${c.id}/items`, { key: null, headers: bearer(token) })
    ).json();
    assert.deepEqual(
      seen.map((f) => f.name),
      ['hero.png'],
    );
    const write = await server.api('/_ml/collections', {
      method: 'POST',
      key: null,
      headers: bearer(token),
      json: { name: 'From a read session' },
    });
    assert.equal(write.status, 403);
  });
});
