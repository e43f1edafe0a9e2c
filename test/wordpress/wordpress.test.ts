// The WordPress plugin on a real WordPress (Debian's package, plus any newer build in
// WORDPRESS_SOURCES), against our real media server: the REST token endpoint as each role sees
// it, the keys kept out of every page, the classic editor's markup, and the block editor driven
// in Chromium.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium } from '../helpers/chromium.js';
import { damMember, listedPaths } from '../helpers/dam-users.js';
import { uploadForm, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { pluginDir, repoRoot, startWordPress, type UserName, users, type WordPressSite } from './site.js';

const rootFolder = '/wp/';

interface Login {
  cookie: string;
  nonce: string;
}

/** Logs in through wp-login.php and fetches a REST nonce, as the editor's page would have it. */
async function login(site: WordPressSite, name: UserName): Promise<Login> {
  const user = users[name];
  const response = await fetch(`${site.url}/wp-login.php`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    body: new URLSearchParams({
      log: user.login,
      pwd: user.password,
      'wp-submit': 'Log In',
      testcookie: '1',
      redirect_to: `${site.url}/wp-admin/`,
    }),
  });
  assert.equal(response.status, 302, `${name} logs in`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .filter((pair) => !/=deleted$|=\s*$/.test(pair))
    .join('; ');
  const nonce = await (
    await fetch(`${site.url}/wp-admin/admin-ajax.php?action=rest-nonce`, { headers: { cookie } })
  ).text();
  assert.match(nonce, /^[0-9a-f]{10}$/, `a REST nonce for ${name}`);
  return { cookie, nonce };
}

function rest(
  site: WordPressSite,
  route: string,
  who: Login | null,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (who) {
    headers.set('cookie', who.cookie);
    if (who.nonce) headers.set('x-wp-nonce', who.nonce);
  }
  return fetch(`${site.url}/?rest_route=/media-library/v1/${route}`, { method: 'POST', ...init, headers });
}

function configure(
  site: WordPressSite,
  media: TestServer,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const settings = {
    endpoint: media.url,
    public_key: testKeys.publicKey,
    private_key: testKeys.privateKey,
    root_folder: rootFolder,
    read_roles: ['administrator', 'editor', 'contributor'],
    write_roles: ['administrator', 'editor'],
    per_user_folder: false,
    ...extra,
  };
  return site.php(
    "update_option( 'media_library_settings', json_decode( $argv[1], true ) ); echo 'ok';",
    JSON.stringify(settings),
  );
}

interface EditorPage {
  page: Page;
  /** Script errors on the page so far. */
  errors: string[];
}

/** A browser page logged in (as the editor unless told) through wp-login.php. */
async function editorPage(
  browser: Browser,
  site: WordPressSite,
  name: UserName = 'editor',
): Promise<EditorPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${site.url}/wp-login.php`);
  await page.locator('#user_login').fill(users[name].login);
  await page.locator('#user_pass').fill(users[name].password);
  await page.locator('#wp-submit').click();
  await page.waitForURL(/wp-admin/);
  return { page, errors };
}

/** The editor (or another user) on a new post in the block editor. */
async function openBlockEditor(
  browser: Browser,
  site: WordPressSite,
  name: UserName = 'editor',
): Promise<EditorPage> {
  const { page, errors } = await editorPage(browser, site, name);
  await page.goto(`${site.url}/wp-admin/post-new.php`);
  // The page's own globals (wp.data, wp.blocks), as strings: this file has no types for them.
  await page.waitForFunction("Boolean(window.wp?.data?.select('core/editor')?.getCurrentPostId())");
  await page.evaluate(`(() => {
    const { data } = window.wp;
    if (data.select('core/edit-post').isFeatureActive('welcomeGuide')) data.dispatch('core/edit-post').toggleFeature('welcomeGuide');
    data.dispatch('core/editor').editPost({ title: 'Picked from the media library' });
  })()`);
  return { page, errors };
}

/** Picks the files named in the open picker and inserts them. */
async function pick(page: Page, names: RegExp[]): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Media library' });
  await dialog.waitFor();
  try {
    for (const [index, name] of names.entries()) {
      if (index > 0) await page.keyboard.down('Control');
      await dialog.getByRole('option', { name }).click();
      if (index > 0) await page.keyboard.up('Control');
    }
    const insert = names.length === 1 ? 'Insert' : `Insert ${names.length} files`;
    await dialog.getByRole('button', { name: insert, exact: true }).click({ timeout: 10_000 });
  } catch (error) {
    await page.screenshot({ path: join(repoRoot, '.scratch/wordpress-editor.png') });
    throw error;
  }
  await dialog.waitFor({ state: 'hidden' });
}

/** Saves the draft with the editor's button; answers the post content as stored. */
async function saveDraft(page: Page, site: WordPressSite): Promise<string> {
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.waitForFunction(`(() => {
    const editor = window.wp.data.select('core/editor');
    return !editor.isSavingPost() && !editor.isEditedPostDirty() && !editor.isEditedPostNew();
  })()`);
  const postId = await page.evaluate<number>("window.wp.data.select('core/editor').getCurrentPostId()");
  return site.php('echo get_post( (int) $argv[1] )->post_content;', String(postId));
}

describe(`the WordPress plugin`, () => {
  let site: WordPressSite;
  let media: TestServer;
  let browser: Browser | undefined;
  let photo: { url: string; name: string; fileId: string };

  before(async () => {
    assert.ok(
      existsSync(join(pluginDir, 'assets/element/media-library.js')),
      'build the plugin first: npm run build:browser && npm run build:wordpress',
    );
    [site, media] = await Promise.all([startWordPress(), startTestServer()]);
    assert.equal((await configure(site, media)).trim(), 'ok');
    const bytes = await sharp({
      create: { width: 1600, height: 900, channels: 3, background: { r: 20, g: 90, b: 160 } },
    })
      .jpeg()
      .toBuffer();
    const response = await media.api('/api/v1/files/upload', {
      method: 'POST',
      body: uploadForm({
        file: { bytes, name: 'harbour.jpg', type: 'image/jpeg' },
        fields: {
          fileName: 'harbour.jpg',
          folder: rootFolder,
          useUniqueFileName: 'false',
          description: 'A harbour at dawn',
        },
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    photo = (await response.json()) as { url: string; name: string; fileId: string };
    const lighthouse = await media.api('/api/v1/files/upload', {
      method: 'POST',
      body: uploadForm({
        file: {
          bytes: await sharp({ create: { width: 800, height: 1200, channels: 3, background: '#c33' } })
            .jpeg()
            .toBuffer(),
          name: 'lighthouse.jpg',
        },
        fields: {
          fileName: 'lighthouse.jpg',
          folder: rootFolder,
          useUniqueFileName: 'false',
          description: 'A lighthouse',
        },
      }),
    });
    assert.equal(lighthouse.status, 200);
    await uploadPng(media, { fileName: 'elsewhere.png', folder: '/other/' });
  });

  after(async () => {
    await browser?.close();
    await Promise.all([site?.close(), media?.close()]);
  });

  it('builds an installable zip holding the plugin and the element, no dev files', async () => {
    const names = Object.keys(
      unzipSync(new Uint8Array(await readFile(join(repoRoot, 'dist/media-library-wordpress.zip')))),
    );
    for (const needed of [
      'media-library.php',
      'uninstall.php',
      'readme.txt',
      'assets/block-editor.js',
      'assets/element/media-library.js',
    ]) {
      assert.ok(names.includes(`media-library/${needed}`), `the zip lacks ${needed}`);
    }
    assert.deepEqual(
      names.filter(
        (name) => !name.startsWith('media-library/') || /\.(map|ts|md)$|node_modules|test/.test(name),
      ),
      [],
    );
  });

  it('refuses anonymous users, subscribers and a bad nonce', async () => {
    const anonymous = await rest(site, 'session', null);
    assert.equal(anonymous.status, 401);
    assert.match(((await anonymous.json()) as { message: string }).message, /Log in/);

    const subscriber = await login(site, 'subscriber');
    assert.equal((await rest(site, 'session', subscriber)).status, 403);
    assert.equal((await rest(site, 'upload-auth', subscriber)).status, 403);

    const editor = await login(site, 'editor');
    const badNonce = await rest(site, 'session', { ...editor, nonce: '0123456789' });
    assert.equal(badNonce.status, 403);
    assert.equal(((await badNonce.json()) as { code: string }).code, 'rest_cookie_invalid_nonce');
    // Cookies without a nonce count as no login at all (WordPress's CSRF rule for REST).
    assert.equal((await rest(site, 'session', { ...editor, nonce: '' })).status, 401);
  });

  it('mints an editor a session our server accepts, confined to the root folder', async () => {
    const editor = await login(site, 'editor');
    const response = await rest(site, 'session', editor);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') ?? '', /no-cache/);
    const session = (await response.json()) as {
      token: string;
      expiresAt: string;
      scope: unknown;
      endpoint: string;
    };
    assert.deepEqual(session.scope, { folder: rootFolder, access: 'readwrite' });
    assert.equal(session.endpoint, media.url);
    assert.ok(Date.parse(session.expiresAt) > Date.now() + 500_000);
    const [header, claims] = session.token
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.deepEqual(header, { alg: 'HS256', typ: 'JWT', kid: testKeys.publicKey });
    assert.match(claims.sub, /^wp:\d+$/);

    const bearer = { authorization: `Bearer ${session.token}` };
    const listed = await fetch(`${media.url}/v1/files`, { headers: bearer });
    assert.equal(listed.status, 200, await listed.clone().text());
    const names = ((await listed.json()) as Array<{ name: string }>).map((file) => file.name);
    assert.ok(names.includes('harbour.jpg'), names.join());
    assert.ok(!names.includes('elsewhere.png'), 'a file outside the root folder is invisible');
    const outside = await fetch(`${media.url}/v1/folder`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ folderName: 'nope', parentFolderPath: '/other' }),
    });
    assert.equal(outside.status, 403);

    // A narrower session on request, never a wider one.
    const narrower = await rest(site, 'session', editor, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ folder: '/wp/sub', access: 'read' }),
    });
    assert.deepEqual(((await narrower.json()) as { scope: unknown }).scope, {
      folder: '/wp/sub/',
      access: 'read',
    });
    const wider = await rest(site, 'session', editor, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ folder: '/other' }),
    });
    assert.equal(wider.status, 403);
  });

  it('signs uploads our server accepts inside the root folder and refuses outside it', async () => {
    const editor = await login(site, 'editor');
    const sign = async () => {
      const response = await rest(site, 'upload-auth', editor);
      assert.equal(response.status, 200);
      return (await response.json()) as {
        token: string;
        expire: number;
        signature: string;
        publicKey: string;
      };
    };
    const bytes = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    const send = async (folder: string) => {
      const auth = await sign();
      assert.equal(auth.publicKey, testKeys.publicKey);
      return fetch(`${media.url}/api/v1/files/upload`, {
        method: 'POST',
        body: uploadForm({
          file: { bytes, name: 'green.png', type: 'image/png' },
          fields: {
            fileName: 'green.png',
            folder,
            publicKey: auth.publicKey,
            signature: auth.signature,
            expire: String(auth.expire),
            token: auth.token,
          },
        }),
      });
    };
    const inside = await send('/wp/uploads');
    assert.equal(inside.status, 200, await inside.clone().text());
    assert.match(((await inside.json()) as { filePath: string }).filePath, /^\/wp\/uploads\/green/);
    assert.equal((await send('/other')).status, 403);
  });

  it('gives a read-only role a read session and no upload signature', async () => {
    const contributor = await login(site, 'contributor');
    const session = (await (await rest(site, 'session', contributor)).json()) as {
      token: string;
      scope: { access: string };
    };
    assert.equal(session.scope.access, 'read');
    const created = await fetch(`${media.url}/v1/folder`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ folderName: 'nope', parentFolderPath: '/wp' }),
    });
    assert.equal(created.status, 403, await created.text());
    const upload = await rest(site, 'upload-auth', contributor);
    assert.equal(upload.status, 403);
    assert.equal(((await upload.json()) as { code: string }).code, 'media_library_read_only');
  });

  it('confines each user to a folder of their own when asked to', async () => {
    await configure(site, media, { per_user_folder: true });
    try {
      const editor = await login(site, 'editor');
      const session = (await (await rest(site, 'session', editor)).json()) as { scope: { folder: string } };
      assert.equal(session.scope.folder, '/wp/users/editor/');
    } finally {
      await configure(site, media);
    }
  });

  /** The claims of a session token. */
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { user?: string; sub: string };

  it('acts as the matching DAM user when set to: the editor sees and uploads only where their grant reaches', async () => {
    await uploadPng(media, { fileName: 'brief.png', folder: '/wp/team', useUniqueFileName: 'false' });
    await damMember(media, 'editor@example.com', '/wp/team', 'contribute');
    await configure(site, media, { dam_user: true });
    try {
      const editor = await login(site, 'editor');
      const response = await rest(site, 'session', editor);
      assert.equal(response.status, 200, await response.clone().text());
      const session = (await response.json()) as { token: string; scope: unknown };
      assert.deepEqual(session.scope, { folder: rootFolder, access: 'readwrite' });
      assert.equal(claimsOf(session.token).user, 'editor@example.com');
      const paths = await listedPaths(media, session.token);
      assert.ok(paths.includes('/wp/team/brief.png'), paths.join());
      assert.ok(
        paths.every((path) => path.startsWith('/wp/team/')),
        `only the granted folder: ${paths.join()}`,
      );

      // Upload signatures act for the same DAM user: its grant, within the root folder.
      const send = async (folder: string) => {
        const auth = (await (await rest(site, 'upload-auth', editor)).json()) as Record<string, string>;
        assert.equal(claimsOf(auth.token!).user, 'editor@example.com');
        return fetch(`${media.url}/api/v1/files/upload`, {
          method: 'POST',
          body: uploadForm({
            file: {
              bytes: await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00f' } })
                .png()
                .toBuffer(),
              name: 'blue.png',
            },
            fields: { fileName: 'blue.png', folder, ...auth },
          }),
        });
      };
      const granted = await send('/wp/team');
      assert.equal(granted.status, 200, await granted.clone().text());
      assert.equal((await send('/wp')).status, 403, 'the role may write /wp/, the DAM user may not');
    } finally {
      await configure(site, media);
    }
    // Off, the same editor's session is the role mapping's, as before.
    const editor = await login(site, 'editor');
    const plain = (await (await rest(site, 'session', editor)).json()) as { token: string };
    assert.equal(claimsOf(plain.token).user, undefined);
    assert.ok((await listedPaths(media, plain.token)).includes('/wp/harbour.jpg'));
  });

  it('refuses a user without a DAM account with a message naming their email, or falls back to the roles when set to', async () => {
    await configure(site, media, { dam_user: true });
    try {
      const contributor = await login(site, 'contributor');
      const refused = await rest(site, 'session', contributor);
      assert.equal(refused.status, 403);
      const body = (await refused.json()) as { code: string; message: string };
      assert.equal(body.code, 'media_library_no_dam_user');
      assert.match(body.message, /no account for contributor@example\.com/);
      assert.ok(!JSON.stringify(body).includes(testKeys.privateKey));

      await configure(site, media, { dam_user: true, dam_user_missing: 'roles' });
      const fallback = await rest(site, 'session', contributor);
      assert.equal(fallback.status, 200, await fallback.clone().text());
      const session = (await fallback.json()) as { token: string; scope: { access: string } };
      assert.equal(claimsOf(session.token).user, undefined);
      assert.equal(session.scope.access, 'read');
      assert.ok((await listedPaths(media, session.token)).includes('/wp/harbour.jpg'));
    } finally {
      await configure(site, media);
    }
  });

  it('sets "Act as the matching DAM user" on the settings page, and shows a user without an account why in the picker', async () => {
    browser ??= await launchChromium();
    const { page, errors } = await editorPage(browser, site, 'admin');
    try {
      await page.goto(`${site.url}/wp-admin/options-general.php?page=media-library`);
      await page.getByRole('checkbox', { name: 'Act as the matching DAM user (by email)' }).check();
      await page.getByRole('radio', { name: 'Refuse, and tell them to ask for an account' }).check();
      await page.getByRole('button', { name: 'Save Changes' }).click();
      await page.getByText('Settings saved.').waitFor();
      assert.equal(
        await page.getByRole('checkbox', { name: 'Act as the matching DAM user (by email)' }).isChecked(),
        true,
      );
      const stored = JSON.parse(
        await site.php('echo wp_json_encode( Media_Library_Settings::get() );'),
      ) as Record<string, unknown>;
      assert.equal(stored.dam_user, true);
      assert.equal(stored.dam_user_missing, 'refuse');
      assert.equal(stored.private_key, testKeys.privateKey, 'saving kept the private key');
      await page.context().close();

      const contributor = await openBlockEditor(browser, site, 'contributor');
      await contributor.page.evaluate(
        "window.wp.data.dispatch('core/block-editor').insertBlocks(window.wp.blocks.createBlock('core/image'))",
      );
      await contributor.page
        .getByRole('toolbar', { name: 'Block tools' })
        .getByRole('button', { name: 'Media Library' })
        .click();
      const dialog = contributor.page.getByRole('dialog', { name: 'Media library' });
      await dialog.getByRole('alert').filter({ hasText: 'no account for contributor@example.com' }).waitFor();
      assert.deepEqual(contributor.errors, []);
      await contributor.page.context().close();
    } finally {
      await configure(site, media);
    }
    assert.deepEqual(errors, []);
  });

  it('keeps the private key out of every page and REST answer', async () => {
    const admin = await login(site, 'admin');
    const editor = await login(site, 'editor');
    const pages = [
      [admin, '/wp-admin/options-general.php?page=media-library'],
      [admin, '/wp-admin/post-new.php'],
      [editor, '/wp-admin/post-new.php'],
      [admin, '/wp-admin/post-new.php?classic-editor'],
      [admin, '/?rest_route=/wp/v2/settings'],
      [admin, '/?rest_route=/'],
    ] as const;
    for (const [who, path] of pages) {
      const response = await fetch(`${site.url}${path}`, {
        headers: { cookie: who.cookie, 'x-wp-nonce': who.nonce },
      });
      const text = await response.text();
      assert.ok(response.status < 500, `${path}: ${response.status}`);
      assert.ok(!text.includes(testKeys.privateKey), `${path} shows the private key`);
    }
    const settings = await (
      await fetch(`${site.url}/wp-admin/options-general.php?page=media-library`, {
        headers: { cookie: admin.cookie },
      })
    ).text();
    assert.match(settings, /A private key is set/);
    assert.match(settings, /Test connection/);
    for (const route of ['session', 'upload-auth', 'test-connection']) {
      const text = await (await rest(site, route, admin)).text();
      assert.ok(!text.includes(testKeys.privateKey), `${route} answers the private key`);
    }
  });

  it('keeps the stored private key when the settings form leaves it empty, and uninstall removes it', async () => {
    const saved = JSON.parse(
      await site.php(`
        $saved = Media_Library_Settings::sanitize( array( 'endpoint' => 'https://media.example.com/', 'public_key' => 'pub', 'private_key' => '', 'root_folder' => 'site//images', 'read_roles' => array( 'editor', 'no-such-role' ) ) );
        echo wp_json_encode( $saved );`),
    ) as Record<string, unknown>;
    assert.equal(saved.private_key, testKeys.privateKey);
    assert.equal(saved.endpoint, 'https://media.example.com');
    assert.equal(saved.root_folder, '/site/images/');
    assert.deepEqual(saved.read_roles, ['editor']);
    const cleared = JSON.parse(
      await site.php(
        "echo wp_json_encode( Media_Library_Settings::sanitize( array( 'clear_private_key' => '1' ) ) );",
      ),
    ) as Record<string, unknown>;
    assert.equal(cleared.private_key, '');
    try {
      const left = await site.php(
        "define( 'WP_UNINSTALL_PLUGIN', 'media-library/media-library.php' ); require WP_PLUGIN_DIR . '/media-library/uninstall.php'; var_export( get_option( 'media_library_settings' ) );",
      );
      assert.equal(left.trim(), 'false');
    } finally {
      await configure(site, media);
    }
  });

  it('tests the connection and says in plain words what is wrong', async () => {
    const admin = await login(site, 'admin');
    const ok = (await (await rest(site, 'test-connection', admin)).json()) as {
      ok: boolean;
      message: string;
    };
    assert.equal(ok.ok, true, ok.message);
    await configure(site, media, { private_key: 'not-the-key' });
    try {
      const wrong = (await (await rest(site, 'test-connection', admin)).json()) as {
        ok: boolean;
        message: string;
      };
      assert.equal(wrong.ok, false);
      assert.match(wrong.message, /refused the private key/);
    } finally {
      await configure(site, media);
    }
    const editor = await login(site, 'editor');
    assert.equal((await rest(site, 'test-connection', editor)).status, 403);
  });

  it('renders the classic editor markup: URL, alt from the description, size and srcset', async () => {
    const editor = await login(site, 'editor');
    const files = [
      { url: photo.url, name: photo.name, width: 1600, height: 900, description: 'A harbour at "dawn"' },
    ];
    const response = await rest(site, 'markup', editor, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files }),
    });
    assert.equal(response.status, 200);
    const { html } = (await response.json()) as { html: string };
    assert.ok(html.startsWith(`<img src="${photo.url}"`), html);
    assert.match(html, /alt="A harbour at &quot;dawn&quot;"/);
    assert.match(html, /width="1600" height="900"/);
    assert.match(
      html,
      new RegExp(`srcset="${photo.url}\\?tr=w-320 320w, .*\\?tr=w-1280 1280w, ${photo.url} 1600w"`),
    );
    const classic = await fetch(`${site.url}/wp-admin/post-new.php?classic-editor`, {
      headers: { cookie: editor.cookie },
    });
    assert.ok((await classic.text()).length > 0);
  });

  it('inserts picked files from "Add from Media Library" in the classic editor', async () => {
    browser ??= await launchChromium();
    const { page, errors } = await editorPage(browser, site);
    await page.goto(`${site.url}/wp-admin/post-new.php?post_type=page`);
    await page.locator('#title').fill('A classic page');
    await page.getByRole('button', { name: 'Add from Media Library' }).click();
    await pick(page, [/^harbour\.jpg/]);
    await page.waitForFunction("window.tinymce?.get('content')?.getContent().includes('srcset')");
    await page.locator('#save-post').click();
    await page.waitForURL(/post\.php\?post=\d+/);
    const postId = /post=(\d+)/.exec(page.url())![1]!;
    const content = await site.php('echo get_post( (int) $argv[1] )->post_content;', postId);
    assert.match(content, /<img [^>]*src="[^"]*\/wp\/harbour\.jpg/);
    assert.match(content, /alt="A harbour at dawn"/);
    assert.match(content, /srcset="[^"]*tr=w-320 320w/);
    // The fileId, by which the post reports where the file is used.
    assert.match(content, new RegExp(`data-ml-file-id="${photo.fileId}"`));
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('shows "Add from Media Library" beside "Add Media" in the classic editor', async () => {
    const button = (login: string) =>
      site.php(
        "wp_set_current_user( get_user_by( 'login', $argv[1] )->ID ); if ( has_action( 'media_buttons', array( 'Media_Library_Editor', 'classic_button' ) ) ) { Media_Library_Editor::classic_button( 'content' ); }",
        login,
      );
    const html = await button('editor');
    assert.match(html, /class="button media-library-classic-button" data-editor="content"/);
    assert.match(html, /Add from Media Library/);
    const none = await button('subscriber');
    assert.doesNotMatch(none, /media-library-classic-button/);
  });

  it('imports a chosen file into WordPress, keeping its original URL', async () => {
    const editor = await login(site, 'editor');
    const response = await rest(site, 'import', editor, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: photo.url, name: 'harbour.jpg', alt: 'A harbour at dawn' }),
    });
    assert.ok([200, 201].includes(response.status), await response.clone().text());
    const { id } = (await response.json()) as { id: number };
    const meta = JSON.parse(
      await site.php(
        "$id = (int) $argv[1]; echo wp_json_encode( array( get_post_meta( $id, '_media_library_url', true ), get_post_meta( $id, '_wp_attachment_image_alt', true ), wp_get_attachment_metadata( $id )['width'] ?? null ) );",
        String(id),
      ),
    );
    assert.deepEqual(meta, [photo.url, 'A harbour at dawn', 1600]);
    const elsewhere = await rest(site, 'import', editor, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://example.com/a.jpg' }),
    });
    assert.equal(elsewhere.status, 400);
  });

  it('inserts a picked file into an Image block in the block editor, with alt and srcset', async () => {
    browser ??= await launchChromium();
    const { page, errors } = await openBlockEditor(browser, site);
    await page.evaluate(
      "window.wp.data.dispatch('core/block-editor').insertBlocks(window.wp.blocks.createBlock('core/image'))",
    );
    await page
      .getByRole('toolbar', { name: 'Block tools' })
      .getByRole('button', { name: 'Media Library' })
      .click();
    await pick(page, [/^harbour\.jpg/]);
    await page.waitForFunction(
      "(([block]) => Boolean(block?.attributes.url && block.attributes.mlSrcset))(window.wp.data.select('core/block-editor').getBlocks())",
    );
    const content = await saveDraft(page, site);
    const src = /<img src="([^"]+)"/.exec(content)?.[1] ?? '';
    assert.ok(src.startsWith(photo.url), content);
    assert.match(content, /alt="A harbour at dawn"/);
    assert.match(content, /"width":1600,"height":900/);
    assert.match(content, new RegExp(`"mlFileId":"${photo.fileId}"`));
    const srcset = (/srcset="([^"]+)"/.exec(content)?.[1] ?? '').replaceAll('&amp;', '&').split(', ');
    assert.deepEqual(
      srcset.map((entry) => entry.split(' ')[1]),
      ['320w', '640w', '960w', '1280w', '1600w'],
    );
    // Each candidate is an ImageKit transform our server renders at that width.
    const smallest = await fetch(srcset[0]!.split(' ')[0]!);
    assert.equal(smallest.status, 200);
    assert.equal((await sharp(Buffer.from(await smallest.arrayBuffer())).metadata()).width, 320);
    // Reopened, the block is valid: the saved srcset is what the editor would write.
    await page.reload();
    await page.waitForFunction("window.wp?.data?.select('core/block-editor')?.getBlocks().length > 0");
    const valid = await page.evaluate<boolean>(
      "window.wp.data.select('core/block-editor').getBlocks()[0].isValid",
    );
    assert.equal(valid, true);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('imports the picked file as an attachment when the sidebar toggle asks for it', async () => {
    browser ??= await launchChromium();
    const { page, errors } = await openBlockEditor(browser, site);
    await page.evaluate(`(() => {
      const { data, blocks } = window.wp;
      data.dispatch('core/block-editor').insertBlocks(blocks.createBlock('core/image'));
      data.dispatch('core/edit-post').openGeneralSidebar('edit-post/block');
    })()`);
    await page.locator('.components-panel__body-toggle', { hasText: /^Media Library$/ }).click();
    await page.getByRole('checkbox', { name: 'Import into WordPress when inserting' }).check();
    await page
      .getByRole('toolbar', { name: 'Block tools' })
      .getByRole('button', { name: 'Media Library' })
      .click();
    await pick(page, [/^lighthouse\.jpg/]);
    await page.waitForFunction(
      "(([block]) => Boolean(block?.attributes.id && block.attributes.url))(window.wp.data.select('core/block-editor').getBlocks())",
    );
    const content = await saveDraft(page, site);
    const id = /"id":(\d+)/.exec(content)?.[1];
    assert.ok(id, content);
    assert.match(content, new RegExp(`class="wp-image-${id}"`));
    assert.match(content, /src="[^"]*\/wp\/lighthouse\.jpg/, 'the block keeps the media server URL');
    const original = await site.php("echo get_post_meta( (int) $argv[1], '_media_library_url', true );", id!);
    assert.match(original, /\/wp\/lighthouse\.jpg/);
    // The attachment keeps the file's id, so as a featured image it counts as a use of the file.
    const fileId = await site.php(
      "echo get_post_meta( (int) $argv[1], '_media_library_file_id', true );",
      id!,
    );
    assert.match(fileId, /^[0-9a-f]{24}$/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it("turns the inserter's Media Library entry into a Gallery of the picked files", async () => {
    browser ??= await launchChromium();
    const { page, errors } = await openBlockEditor(browser, site);
    await page.getByRole('button', { name: 'Toggle block inserter' }).click();
    await page.getByRole('searchbox', { name: /Search/ }).fill('Media Library');
    try {
      await page
        .locator('.block-editor-block-types-list__item', { hasText: /^Media Library$/ })
        .click({ timeout: 10_000 });
    } catch (error) {
      await page.screenshot({ path: join(repoRoot, '.scratch/wordpress-inserter.png') });
      throw error;
    }
    await pick(page, [/^harbour\.jpg/, /^lighthouse\.jpg/]);
    await page.waitForFunction(
      "(([block]) => block?.name === 'core/gallery' && block.innerBlocks.length === 2)(window.wp.data.select('core/block-editor').getBlocks())",
    );
    const content = await saveDraft(page, site);
    assert.match(content, /<!-- wp:gallery/);
    assert.match(content, /alt="A harbour at dawn"/);
    assert.match(content, /alt="A lighthouse"/);
    assert.equal(content.match(/<img [^>]*srcset="/g)?.length, 2, content);
    assert.doesNotMatch(content, /media-library\/picker/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('fills Gallery, Cover and Media & Text blocks from their toolbar button', async () => {
    browser ??= await launchChromium();
    const { page, errors } = await openBlockEditor(browser, site);
    const toolbarPick = async (block: string, names: RegExp[]) => {
      await page.evaluate(
        `window.wp.data.dispatch('core/block-editor').insertBlocks(window.wp.blocks.createBlock(${JSON.stringify(block)}))`,
      );
      await page
        .getByRole('toolbar', { name: 'Block tools' })
        .getByRole('button', { name: 'Media Library' })
        .click();
      await pick(page, names);
    };
    await toolbarPick('core/gallery', [/^harbour\.jpg/, /^lighthouse\.jpg/]);
    await toolbarPick('core/cover', [/^lighthouse\.jpg/]);
    await toolbarPick('core/media-text', [/^harbour\.jpg/]);
    await page.waitForFunction(`(() => {
      const [gallery, cover, mediaText] = window.wp.data.select('core/block-editor').getBlocks();
      return gallery?.innerBlocks.length === 2 && Boolean(cover?.attributes.url) && Boolean(mediaText?.attributes.mediaUrl);
    })()`);
    // A file put in another way (core's Replace) is no longer the media library's: its fileId goes.
    await page.evaluate(`(() => {
      const editor = window.wp.data.select('core/block-editor');
      const cover = editor.getBlocks()[1];
      window.wp.data.dispatch('core/block-editor').updateBlockAttributes(cover.clientId, { url: 'https://example.com/other.jpg', id: undefined });
    })()`);
    await page.waitForFunction(
      "!window.wp.data.select('core/block-editor').getBlocks()[1].attributes.mlFileId",
    );
    const content = await saveDraft(page, site);
    assert.equal(content.match(/<!-- wp:image/g)?.length, 2, content);
    // Each block keeps its file's id: two gallery images and the media & text (not the replaced cover).
    assert.equal(content.match(/"mlFileId":"[0-9a-f]+"/g)?.length, 3, content);
    const cover = /<!-- wp:cover[\s\S]*?<!-- \/wp:cover -->/.exec(content)?.[0] ?? '';
    assert.match(cover, /<img [^>]*alt="A lighthouse"[^>]*src="https:\/\/example\.com\/other\.jpg/, cover);
    assert.match(
      content,
      /wp-block-media-text[\s\S]*<img src="[^"]*\/wp\/harbour\.jpg[^"]*" alt="A harbour at dawn"/,
    );
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('writes no PHP notice or warning from the plugin with WP_DEBUG on', async () => {
    const ours = (await site.debugLog()).filter(
      (line) => line.includes('plugins/wordpress') || line.includes('plugins/media-library'),
    );
    assert.deepEqual(ours, []);
  });
});
