// Issue 18 (smaller): the demo page (`npm start`) has a Content-Security-Policy that allows only its
// own scripts and refuses to be framed, and everything the page does still works under it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { png } from '../helpers/fixtures.js';
import { type Listening, listen } from '../helpers/http.js';
import { type SecurityDemo, startUnseededDemo } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the demo page’s Content-Security-Policy', () => {
  let demo: SecurityDemo;
  let browser: Browser;
  let framer: Listening;

  before(async () => {
    assert.ok(
      existsSync(join(root, 'dist/media-library.js')),
      'build the bundle first: npm run build:browser',
    );
    demo = await startUnseededDemo();
    framer = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><iframe id="demo" src="${demo.base}/"></iframe>`);
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await framer?.close();
    await demo?.close();
  });

  /** A page that records every CSP violation it sees. */
  async function watchedPage(): Promise<{ page: Page; violations: () => Promise<string[]> }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as { cspViolations?: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    return {
      page,
      violations: () => page.evaluate(() => (window as { cspViolations?: string[] }).cspViolations ?? []),
    };
  }

  it('is sent with the page: own scripts only, no framing', async () => {
    const response = await fetch(`${demo.base}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /base-uri 'none'/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    await response.arrayBuffer();
  });

  it('keeps an injected inline script from running', async () => {
    const { page, violations } = await watchedPage();
    await page.goto(`${demo.base}/`);
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      return (window as { injected?: boolean }).injected === true;
    });
    assert.equal(ran, false);
    assert.ok((await violations()).some((v) => v.startsWith('script-src')));
    await page.close();
  });

  it('cannot be framed by another site', async () => {
    const page = await browser.newPage();
    await page.goto(framer.url);
    await page.waitForTimeout(500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const title = await frame?.evaluate(() => document.title).catch(() => undefined);
    assert.notEqual(title, '<media-library> demo', 'the demo rendered inside a foreign frame');
    await page.close();
  });

  it('lets the page browse, pick and upload with no violation', async () => {
    const { page, violations } = await watchedPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${demo.base}/`);
    await page.getByRole('button', { name: 'Choose images…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Media library' });
    await dialog
      .getByRole('option', { name: /^existing/ })
      .first()
      .waitFor();
    await dialog
      .getByRole('option', { name: /^existing/ })
      .first()
      .click();
    await dialog.getByRole('button', { name: /^Insert/ }).click();
    await page.locator('#gallery img').first().waitFor();
    await page.waitForFunction(() => {
      const image = document.querySelector('#gallery img') as HTMLImageElement | null;
      return image?.complete && image.naturalWidth > 0;
    });

    const library = page.locator('#inline');
    await library.getByRole('button', { name: 'Upload' }).click();
    const panel = library.getByRole('dialog', { name: 'Upload files' });
    await panel.waitFor();
    await panel
      .locator('input.uppy-Dashboard-input')
      .first()
      .setInputFiles({ name: 'csp.png', mimeType: 'image/png', buffer: await png(64, 48) });
    const uploaded = page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          document.getElementById('inline')!.addEventListener('ml-upload-success', () => resolve());
        }),
    );
    await panel.getByRole('button', { name: /^Upload 1 file/ }).click();
    await uploaded;
    assert.deepEqual(await violations(), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
