import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { AxiosStatic } from 'axios';
import ImageKit from 'imagekit';
import { blobOf, png } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

// The SDK is CommonJS and requires axios's CommonJS build; an ESM import would be another instance.
const axios = createRequire(import.meta.url)('axios') as AxiosStatic;

/**
 * ImageKit's legacy `imagekit` v6 SDK hard-codes api.imagekit.io and upload.imagekit.io; its
 * (shared) axios is redirected to our server, as imagekit-api.md §9c shows. Nothing else changes.
 */
describe('legacy imagekit v6 against our server', () => {
  let server: TestServer;
  let ik: ImageKit;
  let interceptor: number;
  const seenUrls: string[] = [];

  before(async () => {
    server = await startTestServer();
    interceptor = axios.interceptors.request.use((config) => {
      config.url = config.url?.replace(/^https:\/\/(api|upload)\.imagekit\.io/, server.url);
      seenUrls.push(config.url ?? '');
      return config;
    });
    ik = new ImageKit({ ...testKeys, urlEndpoint: server.url });
  });
  after(async () => {
    axios.interceptors.request.eject(interceptor);
    await server.close();
  });

  it('upload → get → update → list → custom metadata → delete', async () => {
    const field = await ik.createCustomMetadataField({
      name: 'colour',
      label: 'Colour',
      schema: { type: 'Text' },
    });
    assert.equal(field.name, 'colour');

    const uploaded = await ik.upload({
      file: await png(30, 20),
      fileName: 'legacy.png',
      folder: '/legacy',
      tags: ['old', 'sdk'],
      useUniqueFileName: false,
      customMetadata: { colour: 'red' },
      responseFields: ['tags', 'customMetadata'],
    });
    assert.equal(uploaded.filePath, '/legacy/legacy.png');
    assert.equal(uploaded.width, 30);
    assert.deepEqual(uploaded.tags, ['old', 'sdk']);
    assert.deepEqual(uploaded.customMetadata, { colour: 'red' });
    assert.equal(uploaded.$ResponseMetadata.statusCode, 200);

    const details = await ik.getFileDetails(uploaded.fileId);
    assert.equal(details.name, 'legacy.png');

    const updated = await ik.updateFileDetails(uploaded.fileId, {
      tags: ['new'],
      customMetadata: { colour: 'blue' },
    });
    assert.deepEqual(updated.tags, ['new']);
    assert.deepEqual(updated.customMetadata, { colour: 'blue' });

    const listed = await ik.listFiles({ path: '/legacy/', limit: 5 });
    assert.deepEqual(
      listed.map((f) => f.name),
      ['legacy.png'],
    );
    assert.ok(
      seenUrls.some((u) => u.replace(/\?.*/, '') === `${server.url}/v1/files/`),
      'the legacy SDK lists with a trailing slash',
    );

    const fields = await ik.getCustomMetadataFields({ includeDeleted: false });
    assert.deepEqual(
      fields.map((f) => f.name),
      ['colour'],
    );
    const metadata = await ik.getFileMetadata(uploaded.fileId);
    assert.equal(metadata.height, 20);

    await ik.createFolder({ folderName: 'more', parentFolderPath: '/legacy' });
    await ik.deleteFolder('/legacy/more');

    await ik.deleteFile(uploaded.fileId);
    await ik.deleteCustomMetadataField(field.id);
    const missing = await ik
      .getFileDetails(uploaded.fileId)
      .then(() => ({}) as Record<string, unknown>)
      .catch((e: unknown) => e as Record<string, unknown>);
    assert.equal(missing.message, 'The requested file does not exist.');
    assert.equal((missing.$ResponseMetadata as { statusCode: number }).statusCode, 404);
  });

  it('restores a version and renames with purgeCache, as the SDK sends them', async () => {
    const first = await ik.upload({
      file: await png(11, 10),
      fileName: 'v.png',
      folder: '/legacy-v',
      useUniqueFileName: false,
    });
    await ik.upload({
      file: await png(22, 10),
      fileName: 'v.png',
      folder: '/legacy-v',
      useUniqueFileName: false,
    });
    const restored = await ik.restoreFileVersion({
      fileId: first.fileId,
      versionId: (first as unknown as { versionInfo: { id: string } }).versionInfo.id,
    });
    assert.equal(restored.width, 11);
    const renamed = await ik.renameFile({
      filePath: '/legacy-v/v.png',
      newFileName: 'w.png',
      purgeCache: true,
    });
    assert.match(renamed.purgeRequestId!, /^[0-9a-f]{24}$/);
    assert.equal((await ik.getPurgeCacheStatus(renamed.purgeRequestId!)).status, 'Completed');
  });

  it('uploads with a client-side signature made by the SDK', async () => {
    const { token, expire, signature } = ik.getAuthenticationParameters();
    const form = new FormData();
    form.append('file', blobOf(await png()), 'signed.png');
    for (const [name, value] of Object.entries({
      fileName: 'signed.png',
      publicKey: testKeys.publicKey,
      token,
      expire: String(expire),
      signature,
    })) {
      form.append(name, value);
    }
    const response = await fetch(`${server.url}/api/v1/files/upload`, { method: 'POST', body: form });
    assert.equal(response.status, 200, await response.clone().text());
  });
});
