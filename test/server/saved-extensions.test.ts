// Saved extensions (`/v1/saved-extensions`, @imagekit/nodejs 7's `savedExtensions`): stored,
// validated extension configurations; account settings that only standard keys change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ImageKit, { BadRequestError, NotFoundError, PermissionDeniedError } from '@imagekit/nodejs';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

describe('saved extensions', () => {
  let server: TestServer;
  let client: ImageKit;
  before(async () => {
    server = await startTestServer();
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
  });
  after(() => server.close());

  it('creates, lists, gets, updates and deletes through the SDK, one row in the catalog', async () => {
    const made = await client.savedExtensions.create({
      name: 'Tagging',
      description: 'Google tags for products',
      config: { name: 'google-auto-tagging', maxTags: 5, minConfidence: 95 },
    });
    assert.match(made.id!, /^\w+$/);
    assert.deepEqual(made.config, { name: 'google-auto-tagging', maxTags: 5, minConfidence: 95 });
    const listed = await client.savedExtensions.list();
    assert.deepEqual(
      listed.map((e) => e.id),
      [made.id],
    );
    const updated = await client.savedExtensions.update(made.id!, {
      config: { name: 'remove-bg', options: { add_shadow: true, bg_color: 'white' } },
    });
    assert.equal(updated.name, 'Tagging');
    assert.deepEqual(updated.config, { name: 'remove-bg', options: { add_shadow: true, bg_color: 'white' } });
    const rows = await server.catalog().selectFrom('saved_extensions').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(await client.savedExtensions.get(made.id!), updated);
    await client.savedExtensions.delete(made.id!);
    await assert.rejects(client.savedExtensions.get(made.id!), NotFoundError);
    await assert.rejects(client.savedExtensions.delete(made.id!), NotFoundError);
  });

  it('refuses configurations ImageKit would not take, with {message, help}', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ name: 'x', description: 'd', config: { name: 'teleport' } }, /config.name must be one of/],
      [
        { name: 'x', description: 'd', config: { name: 'google-auto-tagging', maxTags: 5 } },
        /needs minConfidence/,
      ],
      [
        { name: 'x', description: 'd', config: { name: 'aws-auto-tagging', maxTags: 0, minConfidence: 5 } },
        /maxTags/,
      ],
      [{ name: 'x', description: 'd', config: { name: 'remove-bg', options: { colour: 'red' } } }, /options/],
      [{ name: 'x', description: 'd', config: { name: 'ai-tasks', tasks: [] } }, /tasks/],
      [
        { name: 'x', description: 'd', config: { name: 'ai-auto-description', extra: 1 } },
        /no extra setting/,
      ],
      [{ name: '', description: 'd', config: { name: 'ai-auto-description' } }, /name/],
      [{ description: 'd', config: { name: 'ai-auto-description' } }, /name/],
    ];
    for (const [json, message] of cases) {
      const response = await server.api('/v1/saved-extensions', { method: 'POST', json });
      const body = (await response.json()) as { message: string; help: string };
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match(body.message, message);
      assert.equal(typeof body.help, 'string');
    }
    await assert.rejects(
      client.savedExtensions.create({
        name: 'ok',
        description: 'd',
        config: { name: 'ai-tasks', tasks: [{ type: 'select_metadata', instruction: 'pick' }] } as never,
      }),
      BadRequestError,
    );
  });

  it('lets read keys list them and only standard keys change them', async () => {
    const response = await server.api('/_ml/keys', {
      method: 'POST',
      json: { kind: 'restricted', permission: 'ReadWrite' },
    });
    const restricted = new ImageKit({
      privateKey: ((await response.json()) as { privateKey: string }).privateKey,
      baseURL: server.url,
      maxRetries: 0,
    });
    assert.ok(Array.isArray(await restricted.savedExtensions.list()));
    await assert.rejects(
      restricted.savedExtensions.create({
        name: 'n',
        description: 'd',
        config: { name: 'ai-auto-description' },
      }),
      PermissionDeniedError,
    );
  });
});
