import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ImageKit, {
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  toFile,
} from '@imagekit/nodejs';
import { jpeg, png } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** ImageKit's official v7 SDK, unchanged, with only `baseURL` pointed at our server. */
describe('@imagekit/nodejs v7 against our server', () => {
  let server: TestServer;
  let client: ImageKit;

  before(async () => {
    server = await startTestServer();
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
  });
  after(() => server.close());

  it('upload → get → update → list → custom metadata → delete', async () => {
    const field = await client.customMetadataFields.create({
      name: 'brand',
      label: 'Brand',
      schema: { type: 'Text', maxLength: 20 },
    });
    assert.equal(field.name, 'brand');
    assert.match(field.id, /^[0-9a-f]{24}$/);

    const uploaded = await client.files.upload({
      file: await toFile(await jpeg(80, 60), 'shoe.jpg'),
      fileName: 'shoe.jpg',
      folder: '/sdk/products',
      tags: ['shoe', 'red'],
      useUniqueFileName: false,
      customMetadata: { brand: 'Nike' },
      description: 'A red shoe',
      responseFields: ['tags', 'customMetadata', 'isPrivateFile'],
      checks: '"file.size" < "1mb"',
    });
    assert.equal(uploaded.name, 'shoe.jpg');
    assert.equal(uploaded.filePath, '/sdk/products/shoe.jpg');
    assert.equal(uploaded.width, 80);
    assert.equal(uploaded.height, 60);
    assert.deepEqual(uploaded.tags, ['shoe', 'red']);
    assert.deepEqual(uploaded.customMetadata, { brand: 'Nike' });
    assert.equal(uploaded.isPrivateFile, false);
    assert.equal(uploaded.versionInfo?.name, 'Version 1');

    const fileId = uploaded.fileId!;
    const details = await client.files.get(fileId);
    assert.equal(details.fileId, fileId);
    assert.equal(details.type, 'file');
    assert.equal(details.mime, 'image/jpeg');
    assert.equal(details.description, 'A red shoe');

    const updated = await client.files.update(fileId, {
      tags: ['shoe', 'sale'],
      customCoordinates: '10,10,20,20',
      customMetadata: { brand: 'Adidas' },
      description: 'A red running shoe',
    });
    assert.deepEqual(updated.tags, ['shoe', 'sale']);
    assert.equal(updated.customCoordinates, '10,10,20,20');
    assert.deepEqual(updated.customMetadata, { brand: 'Adidas' });

    const published = await client.files.update(fileId, {
      publish: { isPublished: false, includeFileVersions: true },
    });
    assert.equal(published.isPublished, false);

    const listed = await client.assets.list({
      path: '/sdk/products/',
      type: 'all',
      sort: 'ASC_NAME',
      limit: 10,
    });
    assert.deepEqual(
      listed.map((a) => a.name),
      ['shoe.jpg'],
    );
    const folders = await client.assets.list({ path: '/sdk/', type: 'folder' });
    assert.deepEqual(
      folders.map((f) => (f.type === 'folder' ? f.folderPath : undefined)),
      ['/sdk/products'],
    );

    const fields = await client.customMetadataFields.list();
    assert.deepEqual(
      fields.map((f) => f.name),
      ['brand'],
    );
    const relabelled = await client.customMetadataFields.update(field.id, { label: 'Brand name' });
    assert.equal(relabelled.label, 'Brand name');

    const metadata = await client.files.metadata.get(fileId);
    assert.equal(metadata.width, 80);
    const byUrl = await client.files.metadata.getFromURL({ url: `${server.url}/sdk/products/shoe.jpg` });
    assert.equal(byUrl.height, 60);
    const usage = await client.accounts.usage.get({ startDate: '2026-01-01', endDate: '2026-02-01' });
    assert.ok((usage.mediaLibraryStorageBytes ?? 0) > 0);

    await client.files.delete(fileId);
    await assert.rejects(client.files.get(fileId), NotFoundError);
    await client.customMetadataFields.delete(field.id);
    assert.deepEqual(await client.customMetadataFields.list(), []);
  });

  it('creates and deletes folders', async () => {
    await client.folders.create({ folderName: 'summer', parentFolderPath: '/sdk-folders/' });
    const created = await client.assets.list({ path: '/sdk-folders/', type: 'folder' });
    assert.equal(created.length, 1);
    await client.folders.delete({ folderPath: '/sdk-folders/summer' });
    assert.deepEqual(await client.assets.list({ path: '/sdk-folders/', type: 'folder' }), []);
    await assert.rejects(client.folders.delete({ folderPath: '/sdk-folders/summer' }), NotFoundError);
  });

  it('uploads base64 and URL files as the SDK sends them (text parts)', async () => {
    const bytes = await png(16, 16);
    const fromBase64 = await client.files.upload({
      file: bytes.toString('base64') as never,
      fileName: 'b.png',
    });
    assert.equal(fromBase64.width, 16);
  });

  it('surfaces errors as the SDK’s typed exceptions with our messages', async () => {
    const missing = await client.files.get('000000000000000000000000').catch((e: unknown) => e);
    assert.ok(missing instanceof NotFoundError);
    assert.equal(missing.status, 404);
    assert.match(missing.message, /The requested file does not exist\./);

    const wrongKey = new ImageKit({ privateKey: 'private_wrong', baseURL: server.url, maxRetries: 0 });
    await assert.rejects(wrongKey.assets.list(), PermissionDeniedError);

    const noKey = new ImageKit({
      privateKey: testKeys.privateKey,
      baseURL: server.url,
      maxRetries: 0,
      defaultHeaders: { Authorization: null },
    });
    await assert.rejects(noKey.assets.list(), AuthenticationError);

    const bad = await client.assets.list({ limit: 5000 }).catch((e: unknown) => e);
    assert.ok(bad instanceof BadRequestError);
    assert.match(bad.message, /Maximum value of limit parameter is 1000/);

    await client.files.upload({
      file: await toFile(await png(), 'x.png'),
      fileName: 'x.png',
      useUniqueFileName: false,
    });
    await assert.rejects(
      client.files.upload({
        file: await toFile(await png(), 'x.png'),
        fileName: 'x.png',
        useUniqueFileName: false,
        overwriteFile: false,
      }),
      (error: unknown) => error instanceof BadRequestError && /same name already exists/.test(error.message),
    );
  });

  it('gets a RateLimitError once the key’s budget is spent', async () => {
    const limited = await startTestServer({ rateLimit: { limit: 1, intervalMs: 60_000 } });
    try {
      const sdk = new ImageKit({ privateKey: testKeys.privateKey, baseURL: limited.url, maxRetries: 0 });
      await sdk.assets.list();
      await assert.rejects(sdk.assets.list(), RateLimitError);
    } finally {
      await limited.close();
    }
  });
});
