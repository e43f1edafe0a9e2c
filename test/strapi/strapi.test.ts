// plugins/strapi in a real Strapi 5 (SQLite) against our real media server: the custom field,
// the token routes and their permissions, an editor picking an asset in the admin with
// Chromium, and Strapi's own uploads stored on our server through the upload provider.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { damMember, listedPaths } from '../helpers/dam-users.js';
import { png, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { buildApp, installApp, prepareApp, type StrapiApp, startApp } from './strapi-app.js';

const password = 'Correct-Horse-9-Battery';

interface Json {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  body: any;
}

describe('the Strapi plugin in a real Strapi 5', () => {
  let media: TestServer;
  let appDir: string | undefined;
  let strapi: StrapiApp;
  let superAdmin: string;
  let browser: Browser | undefined;

  /** Calls Strapi with an admin (or API) token and a JSON body. */
  async function call(
    path: string,
    init: { token?: string; json?: unknown; method?: string } = {},
  ): Promise<Json> {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(strapi.url + path, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.json !== undefined && { body: JSON.stringify(init.json) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** A new admin user with one role, logged in: answers their access token. */
  async function adminWithRole(email: string, roleId: number): Promise<string> {
    const created = await call('/admin/users', {
      token: superAdmin,
      json: { firstname: 'Test', lastname: 'Editor', email, roles: [roleId] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const registered = await call('/admin/register', {
      json: {
        registrationToken: created.body.data.registrationToken,
        userInfo: { firstname: 'Test', lastname: 'Editor', password },
      },
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    return registered.body.data.token;
  }

  /** A role holding exactly `actions`. */
  async function roleWith(name: string, actions: string[]): Promise<number> {
    const role = await call('/admin/roles', { token: superAdmin, json: { name, description: name } });
    assert.equal(role.status, 201, JSON.stringify(role.body));
    const permissions = actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] }));
    const set = await call(`/admin/roles/${role.body.data.id}/permissions`, {
      token: superAdmin,
      method: 'PUT',
      json: { permissions },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    return role.body.data.id;
  }

  before(async () => {
    media = await startTestServer();
    await installApp();
    appDir = await prepareApp();
    await buildApp(appDir);
    strapi = await startApp(appDir, {
      MEDIA_LIBRARY_ENDPOINT: media.url,
      MEDIA_LIBRARY_PUBLIC_KEY: testKeys.publicKey,
      MEDIA_LIBRARY_PRIVATE_KEY: testKeys.privateKey,
    });
    const registered = await call('/admin/register-admin', {
      json: { email: 'admin@example.com', firstname: 'Ada', lastname: 'Admin', password },
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    superAdmin = registered.body.data.token;
  });

  after(async () => {
    await browser?.close();
    await strapi?.stop();
    if (appDir) await rm(appDir, { recursive: true, force: true });
    await media?.close();
  });

  it('registers the custom field, which the test app’s article uses', async () => {
    const types = await call('/content-manager/content-types', { token: superAdmin });
    assert.equal(types.status, 200);
    const article = types.body.data.find((type: { uid: string }) => type.uid === 'api::article.article');
    assert.ok(article, 'the article content type is loaded');
    assert.equal(article.attributes.cover.customField, 'plugin::media-library.asset');
    assert.equal(article.attributes.cover.type, 'json');
    assert.deepEqual(article.attributes.gallery.options, { multiple: true, rootFolder: '/gallery/' });
  });

  it('refuses the token routes to callers who are not logged in to the admin', async () => {
    for (const path of ['/media-library/session', '/media-library/upload-auth']) {
      const answer = await call(path, { json: {} });
      assert.equal(answer.status, 401, `${path}: ${JSON.stringify(answer.body)}`);
      assert.ok(!JSON.stringify(answer.body ?? '').includes(testKeys.privateKey));
    }
  });

  it('refuses an admin whose role lacks the media server permissions', async () => {
    const roleId = await roleWith('No media server', []);
    const token = await adminWithRole('no-media@example.com', roleId);
    const session = await call('/media-library/session', { token, json: {} });
    assert.equal(session.status, 403);
    assert.match(session.body.message, /not allowed to use the media library/);
    const uploadAuth = await call('/media-library/upload-auth', { token });
    assert.equal(uploadAuth.status, 403);
  });

  it('mints read-only sessions for the read permission, which our server holds to reading', async () => {
    const file = await uploadPng(media, {
      fileName: 'readable.png',
      folder: '/read-test',
      useUniqueFileName: 'false',
    });
    const token = await adminWithRole(
      'reader@example.com',
      await roleWith('Media reader', ['plugin::media-library.read']),
    );
    const session = await call('/media-library/session', { token, json: {} });
    assert.equal(session.status, 200, JSON.stringify(session.body));
    assert.equal(session.body.scope.access, 'read');
    assert.equal(session.body.endpoint, media.url);
    assert.ok(!JSON.stringify(session.body).includes(testKeys.privateKey), 'no private key in the answer');
    const bearer = { authorization: `Bearer ${session.body.token}` };
    const details = await fetch(`${media.url}/v1/files/${file.fileId}/details`, { headers: bearer });
    assert.equal(details.status, 200);
    assert.equal((await details.json()).name, 'readable.png');
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await png())], { type: 'image/png' }), 'nope.png');
    form.append('fileName', 'nope.png');
    const refused = await fetch(`${media.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: bearer,
      body: form,
    });
    assert.equal(refused.status, 403, 'a read session cannot upload');
    const uploadAuth = await call('/media-library/upload-auth', { token });
    assert.equal(uploadAuth.status, 403);
    assert.match(uploadAuth.body.message, /read-only/);
  });

  it('mints read-write sessions and upload signatures our server accepts, narrowed to a folder on request', async () => {
    const token = await adminWithRole(
      'writer@example.com',
      await roleWith('Media writer', ['plugin::media-library.readwrite']),
    );
    const session = await call('/media-library/session', { token, json: { folder: '/gallery/' } });
    assert.equal(session.status, 200, JSON.stringify(session.body));
    assert.deepEqual(
      { folder: session.body.scope.folder, access: session.body.scope.access },
      { folder: '/gallery/', access: 'readwrite' },
    );
    const bearer = { authorization: `Bearer ${session.body.token}` };
    const outside = await uploadPng(media, {
      fileName: 'outside.png',
      folder: '/elsewhere',
      useUniqueFileName: 'false',
    });
    const hidden = await fetch(`${media.url}/v1/files/${outside.fileId}/details`, { headers: bearer });
    assert.equal(hidden.status, 404, 'files outside the session folder are not visible');

    const signed = await call('/media-library/upload-auth', { token });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.deepEqual(Object.keys(signed.body).sort(), ['expire', 'publicKey', 'signature', 'token']);
    const bytes = await png(12, 9);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'signed.png');
    for (const [name, value] of Object.entries({
      ...signed.body,
      fileName: 'signed.png',
      folder: '/gallery',
      useUniqueFileName: 'false',
    })) {
      form.append(name, String(value));
    }
    const uploaded = await fetch(`${media.url}/api/v1/files/upload`, { method: 'POST', body: form });
    assert.equal(uploaded.status, 200, await uploaded.clone().text());
    const file = await uploaded.json();
    assert.equal(file.filePath, '/gallery/signed.png');
    assert.deepEqual(Buffer.from(await (await fetch(file.url)).arrayBuffer()), bytes);
  });

  /** The claims of a session token. */
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { user?: string; sub: string };

  /** Sets the plugin's settings as a Super Admin would; answers what was stored. */
  async function setSettings(settings: Record<string, unknown>): Promise<unknown> {
    const answer = await call('/media-library/settings', {
      token: superAdmin,
      method: 'PUT',
      json: settings,
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.data;
  }

  it('keeps the settings for admins whose role may manage them, and refuses bad ones', async () => {
    const read = await call('/media-library/settings', { token: superAdmin });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.deepEqual(read.body.data, { damUser: false, damUserMissing: 'refuse' });
    for (const bad of [{ damUser: 'yes' }, { damUserMissing: 'maybe' }, { other: true }]) {
      const refused = await call('/media-library/settings', { token: superAdmin, method: 'PUT', json: bad });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.ok(refused.body.error.message, JSON.stringify(refused.body));
    }
    const token = await adminWithRole(
      'settings-reader@example.com',
      await roleWith('Media reader, no settings', ['plugin::media-library.read']),
    );
    assert.equal((await call('/media-library/settings', { token })).status, 403);
    assert.equal(
      (await call('/media-library/settings', { token, method: 'PUT', json: { damUser: true } })).status,
      403,
    );
    assert.equal((await call('/media-library/settings', { token: superAdmin })).body.data.damUser, false);
  });

  it('acts as the matching DAM user when set to: the admin sees and uploads only where their grant reaches', async () => {
    await uploadPng(media, { fileName: 'brief.png', folder: '/dam-team', useUniqueFileName: 'false' });
    await uploadPng(media, { fileName: 'not-theirs.png', folder: '/dam-other', useUniqueFileName: 'false' });
    await damMember(media, 'dam.writer@example.com', '/dam-team', 'contribute');
    const token = await adminWithRole(
      'dam.writer@example.com',
      await roleWith('Media writer, DAM user', ['plugin::media-library.readwrite']),
    );
    await setSettings({ damUser: true });
    try {
      const session = await call('/media-library/session', { token, json: {} });
      assert.equal(session.status, 200, JSON.stringify(session.body));
      assert.equal(session.body.scope.access, 'readwrite');
      assert.equal(claimsOf(session.body.token).user, 'dam.writer@example.com');
      const paths = await listedPaths(media, session.body.token);
      assert.ok(paths.includes('/dam-team/brief.png'), paths.join());
      assert.ok(
        paths.every((path) => path.startsWith('/dam-team/')),
        `only the granted folder: ${paths.join()}`,
      );
      const send = async (folder: string) => {
        const signed = await call('/media-library/upload-auth', { token });
        assert.equal(signed.status, 200, JSON.stringify(signed.body));
        assert.equal(claimsOf(signed.body.token).user, 'dam.writer@example.com');
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(await png(6, 6))], { type: 'image/png' }), 'dam.png');
        for (const [name, value] of Object.entries({ ...signed.body, fileName: 'dam.png', folder })) {
          form.append(name, String(value));
        }
        return fetch(`${media.url}/api/v1/files/upload`, { method: 'POST', body: form });
      };
      const granted = await send('/dam-team');
      assert.equal(granted.status, 200, await granted.clone().text());
      assert.equal(
        (await send('/dam-other')).status,
        403,
        'the role may write anywhere, the DAM user may not',
      );
    } finally {
      await setSettings({ damUser: false });
    }
    // Off, the same admin's session is the role's, as before.
    const plain = await call('/media-library/session', { token, json: {} });
    assert.equal(claimsOf(plain.body.token).user, undefined);
    assert.ok((await listedPaths(media, plain.body.token)).includes('/dam-other/not-theirs.png'));
  });

  it('refuses an admin without a DAM account with a message naming their email, or falls back to the role when set to', async () => {
    const token = await adminWithRole(
      'no-dam-account@example.com',
      await roleWith('Media writer, no DAM account', ['plugin::media-library.readwrite']),
    );
    await setSettings({ damUser: true, damUserMissing: 'refuse' });
    try {
      const refused = await call('/media-library/session', { token, json: {} });
      assert.equal(refused.status, 403);
      assert.match(refused.body.message, /no account for no-dam-account@example\.com/);
      assert.equal((await call('/media-library/upload-auth', { token })).status, 403);

      await setSettings({ damUserMissing: 'roles' });
      const fallback = await call('/media-library/session', { token, json: {} });
      assert.equal(fallback.status, 200, JSON.stringify(fallback.body));
      assert.equal(claimsOf(fallback.body.token).user, undefined);
      assert.equal(fallback.body.scope.access, 'readwrite');
    } finally {
      await setSettings({ damUser: false, damUserMissing: 'refuse' });
    }
  });

  it('an editor picks an asset in the field through <media-library>, saves and publishes it', async () => {
    const inFolder = (fileName: string, folder: string) =>
      uploadPng(media, { fileName, folder, useUniqueFileName: 'false' });
    const hero = await inFolder('hero.png', '/blog');
    const first = await inFolder('first.png', '/gallery');
    const second = await inFolder('second.png', '/gallery');
    await inFolder('third.png', '/gallery');
    browser ??= await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${strapi.url}/admin/auth/login`);
    await page.locator('input[name="email"]').fill('admin@example.com');
    await page.locator('input[name="password"]').fill(password);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(/\/admin\/?$/);

    await page.goto(`${strapi.url}/admin/content-manager/collection-types/api::article.article/create`);
    await page.locator('input[name="title"]').fill('Launch day');
    await page.getByRole('button', { name: 'Browse media server' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Media library' });
    await dialog.waitFor();
    await dialog.getByRole('treeitem', { name: 'blog' }).click();
    await dialog.getByRole('option', { name: /^hero\.png/ }).click();
    await dialog.getByRole('button', { name: /^Insert/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('textbox', { name: 'Alt text for hero.png' }).fill('A rocket at dawn');
    // The gallery field: several assets, confined to its root folder, reordered after picking.
    await page.getByRole('button', { name: 'Browse media server' }).click();
    await dialog.waitFor();
    await dialog.getByRole('option', { name: /^first\.png/ }).click();
    await page.keyboard.down('Control');
    await dialog.getByRole('option', { name: /^second\.png/ }).click();
    await dialog.getByRole('option', { name: /^third\.png/ }).click();
    await page.keyboard.up('Control');
    assert.equal(
      await dialog.getByRole('treeitem', { name: 'blog' }).count(),
      0,
      'only /gallery/ is browsed',
    );
    await dialog.getByRole('button', { name: 'Insert 3 files' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Move second.png up' }).click();
    await page.getByRole('button', { name: 'Remove third.png' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved document').first().waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published document').first().waitFor();
    assert.deepEqual(errors, [], 'no script errors in the admin');

    const apiToken = await call('/admin/api-tokens', {
      token: superAdmin,
      json: { name: 'read', description: '', type: 'read-only', lifespan: null },
    });
    assert.equal(apiToken.status, 201, JSON.stringify(apiToken.body));
    const articles = await call('/api/articles', { token: apiToken.body.data.accessKey });
    assert.equal(articles.status, 200, JSON.stringify(articles.body));
    assert.equal(articles.body.data.length, 1);
    const { cover, gallery, title } = articles.body.data[0];
    assert.equal(title, 'Launch day');
    // Delivery URLs from a listing carry the file's version (`?updatedAt=`), as ImageKit's do.
    assert.ok(cover.url.startsWith(`${hero.url}?`), cover.url);
    assert.deepEqual(Buffer.from(await (await fetch(cover.url)).arrayBuffer()), await png());
    assert.deepEqual(cover, {
      fileId: hero.fileId,
      url: cover.url,
      filePath: '/blog/hero.png',
      name: 'hero.png',
      mime: 'image/png',
      width: 40,
      height: 30,
      alt: 'A rocket at dawn',
      focusArea: null,
    });
    assert.deepEqual(
      gallery.map((asset: { fileId: string; alt: string }) => [asset.fileId, asset.alt]),
      [
        [second.fileId, ''],
        [first.fileId, ''],
      ],
    );
  });

  it('sets "Act as the matching DAM user" under Settings, and shows an admin without an account why in the picker', async () => {
    browser ??= await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${strapi.url}/admin/auth/login`);
      await page.locator('input[name="email"]').fill('admin@example.com');
      await page.locator('input[name="password"]').fill(password);
      await page.getByRole('button', { name: 'Login' }).click();
      await page.waitForURL(/\/admin\/?$/);
      await page.goto(`${strapi.url}/admin/settings/media-server`);
      const checkbox = page.getByRole('checkbox', { name: 'Act as the matching DAM user (by email)' });
      await checkbox.click();
      await page.getByRole('radio', { name: 'Refuse, and tell them to ask for an account' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Media server settings saved').first().waitFor();
      const stored = await call('/media-library/settings', { token: superAdmin });
      assert.deepEqual(stored.body.data, { damUser: true, damUserMissing: 'refuse' });

      // The Super Admin has no DAM account: the picker says so, with their email.
      await page.goto(`${strapi.url}/admin/content-manager/collection-types/api::article.article/create`);
      await page.getByRole('button', { name: 'Browse media server' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Media library' });
      try {
        await dialog.getByRole('alert').filter({ hasText: 'no account for admin@example.com' }).waitFor();
      } catch (error) {
        await page.screenshot({ path: '.scratch/strapi-dam-user.png' });
        throw error;
      }
      assert.deepEqual(errors, [], 'no script errors in the admin');
    } finally {
      await setSettings({ damUser: false, damUserMissing: 'refuse' });
      await page.close();
    }
  });

  it('stores uploads to Strapi’s own Media Library on our server, and deletes them there', async () => {
    // Strapi re-encodes images unless told not to; off, the bytes on our server are the ones sent.
    const settings = await call('/upload/settings', {
      token: superAdmin,
      method: 'PUT',
      json: { sizeOptimization: false, responsiveDimensions: false, autoOrientation: false },
    });
    assert.equal(settings.status, 200, JSON.stringify(settings.body));
    const bytes = await png(24, 16);
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'through-strapi.png');
    const response = await fetch(`${strapi.url}/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${superAdmin}` },
      body: form,
    });
    const text = await response.text();
    assert.equal(response.status, 201, text);
    const [file] = JSON.parse(text).data ?? JSON.parse(text);
    assert.equal(file.provider, '@media-library/strapi/upload-provider');
    assert.ok(file.url.startsWith(`${media.url}/strapi-uploads/`), file.url);
    assert.deepEqual(Buffer.from(await (await fetch(file.url)).arrayBuffer()), bytes);

    const { fileId } = file.provider_metadata;
    const details = await media.api(`/v1/files/${fileId}/details`);
    assert.equal(details.status, 200);
    assert.equal((await details.json()).filePath, `/strapi-uploads/${file.hash}${file.ext}`);

    const removed = await fetch(`${strapi.url}/upload/files/${file.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${superAdmin}` },
    });
    assert.equal(removed.status, 200, await removed.text());
    assert.equal((await media.api(`/v1/files/${fileId}/details`)).status, 404);
  });
});
