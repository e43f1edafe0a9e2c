// The asset lifecycle in the DAM app, as an editor meets it in Chromium: the same image uploaded
// twice (the library's copy is offered, and "Use the existing file" uploads nothing), a file a
// CMS page uses deleted (the warning names the page), and restored from the Trash view.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { resolveConfig } from '../../src/server/config.js';
import { appDir } from '../../src/server/routes/app.js';
import { launchChromium } from '../helpers/chromium.js';
import { quadrants } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const adminPassword = 'the lifecycle e2e admin password';

describe('the asset lifecycle, in the DAM app', () => {
  let server: TestServer;
  let browser: Browser;
  let filesDir: string;
  let hero: { fileId: string; filePath: string };

  before(async () => {
    assert.ok(existsSync(join(appDir, 'index.html')), 'build the app first: npm run build:browser');
    process.env.MEDIA_LIBRARY_ADMIN_PASSWORD = adminPassword;
    const { initialAdmin } = resolveConfig({});
    delete process.env.MEDIA_LIBRARY_ADMIN_PASSWORD;
    server = await startTestServer({ ...(initialAdmin && { initialAdmin }) });
    filesDir = await mkdtemp(join(tmpdir(), 'media-library-lifecycle-e2e-'));
    const image = await quadrants(160, 120);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), 'hero.png');
    form.set('fileName', 'hero.png');
    form.set('folder', '/site');
    form.set('useUniqueFileName', 'false');
    const uploaded = await server.api('/api/v1/files/upload', { method: 'POST', body: form });
    const body = await uploaded.text();
    assert.equal(uploaded.status, 200, body);
    hero = JSON.parse(body) as typeof hero;
    // The same bytes under another name, as an editor would have them on disk.
    await writeFile(join(filesDir, 'hero-final.png'), image);
    // A blog post uses the image, as the WordPress plugin reports it.
    const reported = await server.api('/_ml/references', {
      method: 'PUT',
      json: {
        source: 'wordpress:https://blog.example',
        key: 'post/7',
        title: 'Spring campaign',
        url: 'https://blog.example/wp-admin/post.php?post=7&action=edit',
        fileIds: [hero.fileId],
      },
    });
    assert.equal(reported.status, 200, await reported.text());
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  async function listedNames(): Promise<string[]> {
    const files = (await (await server.api('/v1/files?path=/site')).json()) as Array<{ name: string }>;
    return files.map((file) => file.name).sort();
  }

  async function signedIn(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    after(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    after(() => assert.deepEqual(errors, [], 'no script errors on the page'));
    await page.goto(`${server.url.replace('127.0.0.1', 'localhost')}/app/`);
    await page.getByLabel('Email').fill('admin@localhost');
    await page.getByLabel('Password').fill(adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tree', { name: 'Folders' }).getByRole('treeitem', { name: 'site' }).click();
    await page.getByRole('option', { name: /hero\.png/ }).waitFor();
    return page;
  }

  it('offers the library’s copy of an image uploaded again, and uses it without uploading', async () => {
    const page = await signedIn();
    await page.getByRole('button', { name: 'Upload' }).click();
    const panel = page.getByRole('dialog', { name: 'Upload files' });
    await panel.locator('input.uppy-Dashboard-input').first().setInputFiles(join(filesDir, 'hero-final.png'));
    const choice = panel.locator('select[name=duplicate][data-file="hero-final.png"]');
    await choice.waitFor();
    await panel.getByText('hero-final.png is the same as /site/hero.png').waitFor();
    await choice.selectOption('use-existing');
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().includes('/files/upload')) uploads.push(request.url());
    });
    await panel
      .getByRole('button', { name: /^Upload/ })
      .last()
      .click();
    await panel.getByText('Used the files already in the library: hero.png').waitFor();
    assert.deepEqual(uploads, [], 'nothing was sent');
    assert.deepEqual(await listedNames(), ['hero.png'], 'still one file in /site');
  });

  it('warns before deleting a file a page uses, naming the page, then restores it from the trash', async () => {
    const page = await signedIn();
    await page.getByRole('option', { name: /hero\.png/ }).click();
    const details = page.getByRole('button', { name: 'Show details' });
    if ((await details.getAttribute('aria-pressed')) !== 'true') await details.click();
    await page.locator('ml-asset-details').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete' });
    await dialog.getByRole('alert').getByText('hero.png is used in: Spring campaign').waitFor();
    await dialog.getByText('stays in the trash for 30 days').waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByText('Deleted 1 file.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('option', { name: /hero\.png/ }).waitFor({ state: 'detached' });
    assert.deepEqual(await listedNames(), [], 'gone from the library');
    const gone = await server.api(`/v1/files/${hero.fileId}/details`);
    assert.equal(gone.status, 404, 'ImageKit’s API answers a trashed file as deleted');

    await page.getByRole('navigation').getByRole('button', { name: 'Trash' }).click();
    const trashed = page.locator('ml-trash-view li', { hasText: 'hero.png' });
    await trashed.getByRole('button', { name: 'Restore' }).click();
    await page
      .getByText(/hero\.png is back in \/site/)
      .first()
      .waitFor();
    assert.deepEqual(await listedNames(), ['hero.png'], 'back at its path');
    const references = (await (await server.api(`/_ml/files/${hero.fileId}/references`)).json()) as {
      references: Array<{ title: string }>;
    };
    assert.deepEqual(
      references.references.map((r) => r.title),
      ['Spring campaign'],
      'still known to be used',
    );
  });
});
