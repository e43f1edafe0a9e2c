// A share link in a real browser (issue 22): a folder shared with a password, opened in a fresh
// context, unlocked, an image previewed in the lightbox, and "Download all" saved and unpacked.
// Then the same with JavaScript off: the form, the gallery and the preview page still work.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import type { Share } from '../../src/shared/shares.js';
import { launchChromium } from '../helpers/chromium.js';
import { jpeg, png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const password = 'press-kit-2026';

describe('a password-protected folder link in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let link: Share;
  const files = new Map<string, Buffer>();

  before(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const put = async (folder: string, name: string, bytes: Buffer, type: string) => {
      const response = await upload(server, {
        file: { bytes, name, type },
        fields: { fileName: name, folder, useUniqueFileName: 'false' },
      });
      assert.equal(response.status, 200, await response.text());
    };
    files.set('harbour.jpg', await jpeg(640, 400));
    files.set('logo.png', await png(120, 80));
    files.set('extras/detail.png', await png(60, 60));
    await put('/press/kit', 'harbour.jpg', files.get('harbour.jpg')!, 'image/jpeg');
    await put('/press/kit', 'logo.png', files.get('logo.png')!, 'image/png');
    await put('/press/kit/extras', 'detail.png', files.get('extras/detail.png')!, 'image/png');
    await put('/press/internal', 'secret.png', await png(30, 30), 'image/png');
    const response = await server.api('/_ml/shares', {
      method: 'POST',
      json: {
        target: { type: 'folder', path: '/press/kit' },
        password,
        allowDownload: true,
        title: 'Press kit',
      },
    });
    assert.equal(response.status, 201, await response.clone().text());
    link = (await response.json()) as Share;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('unlocks with the password, previews an image and downloads the ZIP', async () => {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'en-GB' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(link.url!);
    assert.equal(response!.status(), 200);
    await page.getByRole('heading', { name: 'This link is protected' }).waitFor();
    assert.equal(await page.getByText('harbour.jpg').count(), 0, 'nothing before the password');

    await page.getByLabel('Password').fill('not it at all');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('alert').getByText('That password is not right').waitFor();
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'Press kit' }).waitFor();
    assert.equal(await page.getByText('secret.png').count(), 0);
    await page.getByRole('link', { name: 'extras' }).waitFor();

    // The lightbox: the screen-size preview of the image, arrows to the next, Escape back.
    const preview = page.getByRole('link', { name: 'Preview harbour.jpg' });
    await preview.click();
    const lightbox = page.locator('dialog#lightbox[open]');
    await lightbox.waitFor();
    const image = lightbox.locator('img');
    await image.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('dialog#lightbox img');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    assert.equal(await image.getAttribute('alt'), 'harbour.jpg');
    assert.equal(await image.evaluate((img: HTMLImageElement) => img.naturalWidth), 640);
    await page.keyboard.press('ArrowRight');
    await lightbox.locator('figcaption').getByText('logo.png').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('dialog#lightbox[open]').waitFor({ state: 'detached' });
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Preview harbour.jpg',
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download all (ZIP)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'Press kit.zip', 'named by the link’s title');
    const entries = unzipSync(new Uint8Array(await readFile((await download.path())!)));
    assert.deepEqual(Object.keys(entries).sort(), ['extras/detail.png', 'harbour.jpg', 'logo.png']);
    for (const [name, bytes] of files) assert.equal(sha256(entries[name]!), sha256(bytes), name);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('works with JavaScript off: the form, the gallery, a subfolder and the preview page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link.url!);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('link', { name: 'extras' }).click();
    await page
      .getByRole('navigation', { name: 'Folders' })
      .getByRole('link', { name: 'Press kit' })
      .waitFor();
    await page.getByRole('link', { name: 'Preview detail.png' }).click();
    await page.waitForURL(/\/view\//);
    const image = page.getByRole('img', { name: 'detail.png' });
    await image.waitFor();
    assert.ok(await image.evaluate((img: HTMLImageElement) => img.naturalWidth > 0));
    await page.getByRole('link', { name: 'Back to the gallery' }).click();
    await page.getByText('detail.png').waitFor();
    await context.close();
  });
});
