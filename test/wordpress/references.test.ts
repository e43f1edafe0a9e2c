// Where used, from WordPress: saving a post (blocks, classic content, a featured image) reports
// the media server files it uses to our real server, deleting or trashing it removes them, and a
// file renamed in the media library renders at its new URL.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';
import { pluginDir, startWordPress, users, type WordPressSite } from './site.js';

const rootFolder = '/wp-references/';

interface Login {
  cookie: string;
  nonce: string;
}

interface Reference {
  source: string;
  key: string;
  title: string;
  url: string | null;
}

async function login(site: WordPressSite): Promise<Login> {
  const response = await fetch(`${site.url}/wp-login.php`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    body: new URLSearchParams({
      log: users.editor.login,
      pwd: users.editor.password,
      'wp-submit': 'Log In',
      testcookie: '1',
    }),
  });
  assert.equal(response.status, 302);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .filter((pair) => !/=deleted$|=\s*$/.test(pair))
    .join('; ');
  const nonce = await (
    await fetch(`${site.url}/wp-admin/admin-ajax.php?action=rest-nonce`, { headers: { cookie } })
  ).text();
  return { cookie, nonce };
}

describe('the WordPress plugin reports where files are used', () => {
  let site: WordPressSite;
  let media: TestServer;
  let editor: Login;
  let harbour: { fileId: string; url: string; filePath: string };
  let lighthouse: { fileId: string; url: string; filePath: string };

  /** WordPress's REST API as the editor. */
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field
  async function wp(route: string, method = 'GET', body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${site.url}/?rest_route=${route}`, {
      method,
      headers: {
        cookie: editor.cookie,
        'x-wp-nonce': editor.nonce,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function referencesOf(fileId: string): Promise<Reference[]> {
    const response = await media.api(`/_ml/files/${fileId}/references`);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { references: Reference[] }).references;
  }

  before(async () => {
    assert.ok(existsSync(join(pluginDir, 'includes/class-references.php')));
    [site, media] = await Promise.all([startWordPress(), startTestServer()]);
    const settings = {
      endpoint: media.url,
      public_key: testKeys.publicKey,
      private_key: testKeys.privateKey,
      root_folder: rootFolder,
      read_roles: ['administrator', 'editor'],
      write_roles: ['administrator', 'editor'],
      per_user_folder: false,
    };
    await site.php(
      "update_option( 'media_library_settings', json_decode( $argv[1], true ) ); echo 'ok';",
      JSON.stringify(settings),
    );
    harbour = (await uploadPng(media, { fileName: 'harbour.png', folder: rootFolder })) as never;
    lighthouse = (await uploadPng(media, { fileName: 'lighthouse.png', folder: rootFolder })) as never;
    editor = await login(site);
  });

  after(async () => {
    await Promise.all([site?.close(), media?.close()]);
  });

  it('records the two files a block post uses (an Image block and a featured image) and removes them when it is deleted', async () => {
    const imported = await wp('/media-library/v1/import', 'POST', {
      url: lighthouse.url,
      name: 'lighthouse.png',
      fileId: lighthouse.fileId,
    });
    assert.ok([200, 201].includes(imported.status), JSON.stringify(imported.body));
    const content = `<!-- wp:image {"mlFileId":"${harbour.fileId}"} -->\n<figure class="wp-block-image"><img src="${harbour.url}" alt=""/></figure>\n<!-- /wp:image -->`;
    const post = await wp('/wp/v2/posts', 'POST', {
      title: 'Harbour news',
      content,
      status: 'publish',
      featured_media: imported.body.id,
    });
    assert.equal(post.status, 201, JSON.stringify(post.body));
    const id = post.body.id as number;
    const expected = {
      source: `wordpress:${site.url}`,
      key: `post/${id}`,
      title: 'Harbour news',
      url: `${site.url}/wp-admin/post.php?post=${id}&action=edit`,
    };
    for (const file of [harbour, lighthouse]) {
      const references = await referencesOf(file.fileId);
      assert.deepEqual(
        references.map(({ source, key, title, url }) => ({ source, key, title, url })),
        [expected],
      );
    }
    // A new title is reported; removing the Image block leaves only the featured image.
    const edited = await wp(`/wp/v2/posts/${id}`, 'POST', { title: 'Harbour news, updated', content: '' });
    assert.equal(edited.status, 200);
    assert.deepEqual(await referencesOf(harbour.fileId), []);
    assert.equal((await referencesOf(lighthouse.fileId))[0]?.title, 'Harbour news, updated');
    const deleted = await wp(`/wp/v2/posts/${id}&force=true`, 'DELETE');
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.deepEqual(await referencesOf(lighthouse.fileId), []);
  });

  it('records the files a classic page inserted from "Add from Media Library", and removes them when it is trashed', async () => {
    const markup = await wp('/media-library/v1/markup', 'POST', {
      files: [
        { url: harbour.url, fileId: harbour.fileId, width: 10, height: 10, description: 'Harbour' },
        { url: lighthouse.url, fileId: lighthouse.fileId, width: 10, height: 10, description: 'Lighthouse' },
      ],
    });
    assert.match(markup.body.html, new RegExp(`data-ml-file-id="${lighthouse.fileId}"`));
    const page = await wp('/wp/v2/pages', 'POST', {
      title: 'About the coast',
      content: markup.body.html,
      status: 'draft',
    });
    assert.equal(page.status, 201, JSON.stringify(page.body));
    for (const file of [harbour, lighthouse]) {
      const references = await referencesOf(file.fileId);
      assert.deepEqual(
        references.map(({ key, title }) => ({ key, title })),
        [{ key: `post/${page.body.id}`, title: 'About the coast' }],
      );
    }
    assert.equal((await wp(`/wp/v2/pages/${page.body.id}`, 'DELETE')).status, 200);
    assert.deepEqual(await referencesOf(harbour.fileId), []);
    assert.deepEqual(await referencesOf(lighthouse.fileId), []);
  });

  it('renders a file renamed in the media library at its new URL', async () => {
    const moved = await uploadPng(media, {
      fileName: 'pier.png',
      folder: rootFolder,
      useUniqueFileName: 'false',
    });
    const url = String(moved.url);
    const content = `<!-- wp:image {"mlFileId":"${moved.fileId}"} -->\n<figure class="wp-block-image"><img src="${url}" alt=""/></figure>\n<!-- /wp:image -->\n<!-- wp:paragraph --><p><img src="${url}" data-ml-file-id="${moved.fileId}" alt="" /></p><!-- /wp:paragraph -->`;
    const rename = await media.api('/v1/files/rename', {
      method: 'PUT',
      json: { filePath: moved.filePath, newFileName: 'pier-at-dusk.png' },
    });
    assert.equal(rename.status, 200, await rename.clone().text());
    const post = await wp('/wp/v2/posts', 'POST', { title: 'Pier', content, status: 'publish' });
    assert.equal(post.status, 201);
    const html = await (await fetch(`${site.url}/?p=${post.body.id}`)).text();
    assert.equal(html.match(/\/wp-references\/pier-at-dusk\.png/g)?.length, 2, html);
    assert.doesNotMatch(html, /\/wp-references\/pier\.png/);
  });

  it('writes no PHP notice or warning from the plugin', async () => {
    const ours = (await site.debugLog()).filter((line) => /plugins\/(wordpress|media-library)/.test(line));
    assert.deepEqual(ours, []);
  });
});
