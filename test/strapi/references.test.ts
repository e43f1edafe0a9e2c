// Where used, from Strapi 5: the plugin's database lifecycle hooks report the media server files
// an entry's media-library fields hold on create, update and publish, and clear them on delete,
// to our real media server. The admin is not built: these calls go to Strapi's admin API.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { installApp, prepareApp, type StrapiApp, startApp } from './strapi-app.js';

const password = 'Correct-Horse-9-Battery';
const article = 'api::article.article';

interface Reference {
  source: string;
  key: string;
  title: string;
  url: string | null;
}

describe('the Strapi plugin reports where files are used', () => {
  let media: TestServer;
  let appDir: string | undefined;
  let strapi: StrapiApp;
  let admin: string;

  async function call(
    path: string,
    init: { json?: unknown; method?: string; token?: string } = {},
    // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  ): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (init.token ?? admin) headers.authorization = `Bearer ${init.token ?? admin}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(strapi.url + path, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function referencesOf(fileId: string): Promise<Reference[]> {
    const response = await media.api(`/_ml/files/${fileId}/references`);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { references: Reference[] }).references;
  }

  /** The plugin reports after Strapi's transaction commits, so right after the answer at the latest. */
  async function eventually(
    fileId: string,
    check: (references: Reference[]) => boolean,
  ): Promise<Reference[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const references = await referencesOf(fileId);
      if (check(references)) return references;
      if (Date.now() > deadline) {
        assert.fail(`references of ${fileId}: ${JSON.stringify(references)}\n${strapi.log().slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  before(async () => {
    assert.ok(existsSync(join(process.cwd(), 'dist/token-endpoint/index.js')), 'run npm run build first');
    media = await startTestServer();
    await installApp();
    appDir = await prepareApp();
    strapi = await startApp(appDir, {
      MEDIA_LIBRARY_ENDPOINT: media.url,
      MEDIA_LIBRARY_PUBLIC_KEY: testKeys.publicKey,
      MEDIA_LIBRARY_PRIVATE_KEY: testKeys.privateKey,
      // No cached URLs: the rename below shows at once.
      MEDIA_LIBRARY_URL_CACHE_SECONDS: '0',
    });
    const registered = await call('/admin/register-admin', {
      json: { email: 'admin@example.com', firstname: 'Ada', lastname: 'Admin', password },
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    admin = registered.body.data.token;
  });

  after(async () => {
    await strapi?.stop();
    if (appDir) await rm(appDir, { recursive: true, force: true });
    await media?.close();
  });

  it('records the two files an article uses on save and publish, and removes them when it is deleted', async () => {
    const cover = await uploadPng(media, { fileName: 'cover.png', folder: '/articles/' });
    const inGallery = await uploadPng(media, { fileName: 'gallery.png', folder: '/gallery/' });
    const asset = (file: typeof cover) => ({
      fileId: file.fileId,
      url: file.url,
      filePath: file.filePath,
      name: file.name,
      mime: 'image/png',
    });
    const created = await call(`/content-manager/collection-types/${article}`, {
      json: { title: 'Spring launch', cover: asset(cover), gallery: [asset(inGallery)] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const documentId = created.body.data.documentId as string;
    const expected = {
      source: `strapi:${strapi.url}`,
      key: `${article}/${documentId}`,
      title: 'Spring launch',
      url: `${strapi.url}/admin/content-manager/collection-types/${article}/${documentId}`,
    };
    for (const file of [cover, inGallery]) {
      const references = await eventually(file.fileId, (list) => list.length === 1);
      assert.deepEqual(
        references.map(({ source, key, title, url }) => ({ source, key, title, url })),
        [expected],
      );
    }
    // Publishing writes a second row of the same document: still one place per file.
    const published = await call(
      `/content-manager/collection-types/${article}/${documentId}/actions/publish`,
      {
        json: {},
      },
    );
    assert.equal(published.status, 200, JSON.stringify(published.body));
    // A draft without the gallery keeps the file the published version still shows.
    const edited = await call(`/content-manager/collection-types/${article}/${documentId}`, {
      method: 'PUT',
      json: { title: 'Spring launch, draft', cover: asset(cover), gallery: [] },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    await eventually(cover.fileId, (list) => list[0]?.title === 'Spring launch');
    assert.equal((await referencesOf(inGallery.fileId)).length, 1);

    // Renamed in the media library: Strapi answers with the file's current URL, by its fileId.
    const renamed = await media.api('/v1/files/rename', {
      method: 'PUT',
      json: { filePath: cover.filePath, newFileName: 'spring-cover.png' },
    });
    assert.equal(renamed.status, 200, await renamed.clone().text());
    const read = await call(`/content-manager/collection-types/${article}/${documentId}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.match(read.body.data.cover.url, /\/articles\/spring-cover\.png/);
    assert.equal(read.body.data.cover.filePath, '/articles/spring-cover.png');
    assert.equal(read.body.data.cover.fileId, cover.fileId);

    const deleted = await call(`/content-manager/collection-types/${article}/${documentId}`, {
      method: 'DELETE',
    });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    await eventually(cover.fileId, (list) => list.length === 0);
    await eventually(inGallery.fileId, (list) => list.length === 0);
  });
});
