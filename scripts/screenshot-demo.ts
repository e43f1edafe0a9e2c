// Retakes docs/images/demo.png, the README's picture: starts `npm start` on a free port over a
// fresh data directory, opens a folder in the demo's inline element and selects two files.
// Run: node --import tsx scripts/screenshot-demo.ts
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { launchChromium } from '../test/helpers/chromium.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const output = join(root, 'docs/images/demo.png');

const dataDir = await mkdtemp(join(tmpdir(), 'media-library-screenshot-'));
// Its own process group, so npm, tsx and the server stop together.
const demo = spawn('npm', ['start', '--', '--port', '0', '--data', dataDir], {
  cwd: root,
  detached: true,
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const url = await demoUrl();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    await page.goto(url);
    const inline = page.locator('#inline');
    // Tall enough for two whole rows of thumbnails.
    await inline.evaluate((element: HTMLElement) => {
      element.style.height = '660px';
    });
    await inline.scrollIntoViewIfNeeded();
    await inline.getByRole('treeitem', { name: 'products' }).click();
    await inline.getByRole('option', { name: /shoes/ }).dblclick();
    const cells = inline.getByRole('option');
    await cells.nth(1).click();
    await cells.nth(3).click({ modifiers: ['Control'] });
    await page.waitForFunction(() =>
      [...document.querySelectorAll('#inline')].every((element) => !element.hasAttribute('loading')),
    );
    // Thumbnails decode off the main thread and fade in.
    await page.waitForTimeout(2000);
    const png = await inline.screenshot();
    // A palette keeps the picture small; the UI has few colours.
    await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9, effort: 10 }).toFile(output);
    console.log(`wrote ${output}`);
  } finally {
    await browser.close();
  }
} finally {
  process.kill(-demo.pid!, 'SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
}

/** The demo's address, from the line `npm start` prints once it listens. */
async function demoUrl(): Promise<string> {
  for await (const line of createInterface({ input: demo.stdout! })) {
    const match = /^Demo: (http:\/\/\S+)/.exec(line);
    if (match) return match[1]!;
  }
  throw new Error('npm start stopped before printing the demo address');
}
