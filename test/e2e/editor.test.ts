// Editing on the demo page with the keyboard only: alt text in the details panel, then a 1:1 crop
// in the image editor (the lazy chunk of the built bundle), with axe-core run over the editor.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { type DemoServer, startDemoServer } from '../../demo/server.js';
import type { MediaFile } from '../../src/shared/wire.js';
import { launchChromium } from '../helpers/chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('editing on the demo page, keyboard only', () => {
  let server: DemoServer;
  let dataDir: string;
  let browser: Browser;

  before(async () => {
    assert.ok(
      existsSync(join(root, 'dist/media-library.js')),
      'build the bundle first: npm run build:browser',
    );
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-e2e-edit-'));
    server = await startDemoServer({ port: 0, dataDir, logLevel: 'silent', rateLimit: false });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function file(fileId: string): Promise<MediaFile> {
    const session = await fetch(`${server.url}/_ml/demo/auth/session`, { method: 'POST', body: '{}' });
    const { token } = (await session.json()) as { token: string };
    const response = await fetch(`${server.url}/v1/files/${fileId}/details`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await response.json()) as MediaFile;
  }

  it('edits alt text and crops an image to a square without a mouse; axe finds nothing in the editor', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url.replace('127.0.0.1', 'localhost')}/`);
    const inline = page.locator('#inline');
    await inline.getByRole('treeitem', { name: 'team' }).focus();
    await page.keyboard.press('Enter');
    await inline.getByRole('navigation', { name: 'Current folder' }).getByText('team').waitFor();
    const first = inline.getByRole('option').first();
    await first.waitFor();
    await inline.getByRole('listbox', { name: 'Files' }).focus();
    await page.keyboard.press('Space');
    const name = (await first.locator('.name').textContent())!.trim();
    const fileId = await page.evaluate(
      () =>
        (document.querySelector('#inline') as unknown as { selectedFiles: MediaFile[] }).selectedFiles[0]!
          .fileId,
    );

    await inline.getByRole('button', { name: 'Show details' }).focus();
    await page.keyboard.press('Enter');
    const details = inline.getByRole('complementary', { name: 'Details' });
    await details.getByRole('heading', { name }).waitFor();
    await details.getByLabel('Alt text').focus();
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Portrait of a team member');
    await details.getByText('25 characters').waitFor();
    await details.getByRole('button', { name: 'Save' }).focus();
    await page.keyboard.press('Enter');
    await details.getByText('Saved.').waitFor();
    assert.equal((await file(fileId)).description, 'Portrait of a team member');

    await details.getByRole('button', { name: 'Edit image' }).focus();
    await page.keyboard.press('Enter');
    const editor = page.getByRole('dialog', { name: /^Edit image/ });
    await editor.waitFor();
    await editor.getByLabel('Aspect').focus();
    await page.keyboard.press('ArrowDown');
    await editor.getByRole('button', { name: /^Crop area/ }).focus();
    await page.keyboard.press('Shift+ArrowRight');
    // Evaluated, not a <script> tag: the demo's CSP runs no script it did not serve.
    await page.evaluate(await readFile(axePath, 'utf8'));
    const violations = await page.evaluate(async () => {
      const host = document
        .querySelector('#inline')!
        .shadowRoot!.querySelector('ml-asset-details')!
        .shadowRoot!.querySelector('ml-image-editor')!;
      const axe = (
        window as unknown as {
          axe: { run(n: Element, o: object): Promise<{ violations: Array<{ id: string }> }> };
        }
      ).axe;
      return (await axe.run(host, { resultTypes: ['violations'] })).violations.map((v) => v.id);
    });
    assert.deepEqual(violations, []);
    await page.keyboard.press('Enter');
    await editor.getByText('Saved.').waitFor();
    const cropped = await file(fileId);
    assert.equal(cropped.width, cropped.height, 'a square');
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
  });
});
