// Two people in two browser contexts, signed in with the cookie: A mentions B on an image, B's bell
// (the built `<ml-notification-bell>`, on EventSource) shows 1 without a reload; B opens it and
// replies; A's bell shows the reply.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { uploadPng } from '../helpers/fixtures.js';
import { addUser, grant, strongPassword } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A page on the server's own origin with the bell, as the DAM app's header has it. */
const page = `<!doctype html><html lang="en"><body><header></header>
<script type="module">
  import { loadNotificationBell } from '/e2e/dist/media-library.js';
  await loadNotificationBell();
  document.querySelector('header').append(document.createElement('ml-notification-bell'));
</script></body></html>`;

describe('notifications between two people, in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    assert.ok(
      existsSync(join(root, 'dist/media-library.js')),
      'build the bundle first: npm run build:browser',
    );
    server = await startTestServer(
      {},
      {
        async beforeListen(app) {
          app.get('/e2e/bell.html', async (_request, reply) => reply.type('text/html').send(page));
          app.get<{ Params: { name: string } }>('/e2e/dist/:name', async (request, reply) => {
            const name = request.params.name;
            if (!/^[\w.-]+\.js$/.test(name)) return reply.code(404).send();
            return reply.type('text/javascript').send(await readFile(join(root, 'dist', name)));
          });
        },
      },
    );
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  /** A browser of its own, signed in as `email`, on the bell page. */
  async function person(email: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const tab = await context.newPage();
    await tab.goto(`${server.url}/e2e/bell.html`);
    const status = await tab.evaluate(
      async ([address, password]) =>
        (
          await fetch('/_ml/auth/sign-in', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: address, password }),
          })
        ).status,
      [email, strongPassword],
    );
    assert.equal(status, 200);
    await tab.reload();
    await tab.locator('ml-notification-bell button[part="button"]').waitFor();
    return tab;
  }

  /** Posts a comment from the page, with its session cookie and CSRF token. */
  const comment = (tab: Page, fileId: string, body: object) =>
    tab.evaluate(
      async ([id, json]) => {
        const me = await (await fetch('/_ml/me')).json();
        const response = await fetch(`/_ml/files/${id}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify(json),
        });
        return { status: response.status, body: await response.json() };
      },
      [fileId, body] as const,
    );

  const bellCount = (tab: Page) => tab.locator('ml-notification-bell .count');

  it('A mentions B; B sees it live, opens it and replies; A sees the reply', async () => {
    const file = await uploadPng(server, { folder: '/team/' });
    const annId = await addUser(server, { email: 'ann-e2e@example.com', role: 'member', name: 'Ann' });
    const boId = await addUser(server, { email: 'bo-e2e@example.com', role: 'member', name: 'Bo' });
    for (const id of [annId, boId]) await grant(server, { type: 'user', id }, '/team/', 'view');
    const ann = await person('ann-e2e@example.com');
    const bo = await person('bo-e2e@example.com');
    // The grants told both the folder was shared: read those first.
    for (const tab of [ann, bo]) {
      await tab.locator('ml-notification-bell button[part="button"]').click();

      await tab.getByRole('button', { name: 'Mark all read' }).click();
      await bellCount(tab).waitFor({ state: 'detached' });
      await tab.keyboard.press('Escape');
      await tab.locator('ml-notification-bell [part="panel"]').waitFor({ state: 'hidden' });
    }

    const mention = await comment(ann, file.fileId, {
      text: 'Bo, the crop?',
      mentions: [{ type: 'user', id: boId }],
    });
    assert.equal(mention.status, 201);
    // No reload: EventSource brings it.
    await bellCount(bo).filter({ hasText: '1' }).waitFor({ timeout: 5000 });
    await bo.locator('ml-notification-bell button[part="button"]').click();
    const link = bo.locator('ml-notification-bell li a').first();
    await link.filter({ hasText: 'Ann mentioned you' }).waitFor();
    assert.match(
      (await link.getAttribute('href')) ?? '',
      new RegExp(`file=${file.fileId}&comment=${mention.body.comment.id}`),
    );
    await bo.getByRole('button', { name: 'Mark read' }).first().click();
    await bellCount(bo).waitFor({ state: 'detached' });

    const reply = await comment(bo, file.fileId, { text: 'Fixed.', parentId: mention.body.comment.id });
    assert.equal(reply.status, 201);
    await bellCount(ann).filter({ hasText: '1' }).waitFor({ timeout: 5000 });
    await ann.locator('ml-notification-bell button[part="button"]').click();
    await ann.locator('ml-notification-bell li a').first().filter({ hasText: 'Bo replied' }).waitFor();
  });
});
