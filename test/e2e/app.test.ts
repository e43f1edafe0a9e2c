// The DAM app at /app/, driven as its users would in Chromium: signing in (and a wrong password),
// the library full-page, the header's screens and account menu, deep links (folders and
// collections), signing out; then the run: the admin makes a Marketing group on the Groups
// screen and shares /campaigns/ with it (Contribute) from the library; its member sees only that
// folder, uploads there, has no Delete; the admin's Activity screen shows the uploads with her name.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { defaultConfig, resolveConfig } from '../../src/server/config.js';
import { appDir } from '../../src/server/routes/app.js';
import { launchChromium } from '../helpers/chromium.js';
import { quadrants } from '../helpers/images.js';
import { addUser, grant, signIn as signInAs, strongPassword } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const adminPassword = 'the app e2e admin password';
const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's violations on the page as it is (into shadow roots), as `rule: target` lines. */
async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script: the page's CSP refuses inline scripts, rightly.
  await page.evaluate(await readFile(axeSource, 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }
    ).axe;
    type AxeResults = { violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> };
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`));
  });
}

describe('the DAM app, as its users', () => {
  let server: TestServer;
  let browser: Browser;
  let base: string;
  let filesDir: string;

  before(async () => {
    assert.ok(existsSync(join(appDir, 'index.html')), 'build the app first: npm run build:browser');
    // As a script would start it: the first admin's password from the environment.
    process.env.MEDIA_LIBRARY_ADMIN_PASSWORD = adminPassword;
    const { initialAdmin } = resolveConfig({});
    delete process.env.MEDIA_LIBRARY_ADMIN_PASSWORD;
    server = await startTestServer({
      ...(initialAdmin && { initialAdmin }),
      // Files from 64 KiB on go through tus: both upload paths run with the session cookie.
      upload: { ...defaultConfig().upload, resumableThreshold: 64 * 1024 },
    });
    base = server.url.replace('127.0.0.1', 'localhost');
    filesDir = await mkdtemp(join(tmpdir(), 'media-library-app-e2e-'));
    const image = await quadrants(120, 80);
    for (const folder of ['campaigns', 'archive']) {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(image)], { type: 'image/png' }), `${folder}-poster.png`);
      form.set('fileName', `${folder}-poster.png`);
      form.set('folder', `/${folder}`);
      form.set('useUniqueFileName', 'false');
      const response = await server.api('/api/v1/files/upload', { method: 'POST', body: form });
      assert.equal(response.status, 200, await response.text());
    }
    await writeFile(join(filesDir, 'launch.png'), image);
    await writeFile(join(filesDir, 'brief.bin'), Buffer.alloc(300 * 1024, 7));
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });

  async function openApp(path = '/'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Everything the app does works under its Content-Security-Policy.
    await page.exposeFunction('cspViolation', (text: string) => errors.push(`CSP: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { cspViolation(text: string): void }).cspViolation(
          `${event.violatedDirective} ${event.blockedURI}`,
        ),
      );
    });
    after(async () => {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors or CSP violations on the page');
    });
    await page.goto(base + path);
    return page;
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('says what is wrong at the field and the form, then signs the admin in and out', async () => {
    const page = await openApp('/');
    assert.equal(new URL(page.url()).pathname, '/app/', 'a bare server opens the app');
    await page.getByRole('heading', { name: 'Sign in to Media Library' }).waitFor();

    assert.deepEqual(await accessibilityViolations(page), [], 'the sign-in page');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Enter your email address.').waitFor();
    await page.getByText('Enter your password.').waitFor();
    assert.equal(
      await page.evaluate(() =>
        document
          .querySelector('ml-dam-app')
          ?.shadowRoot?.querySelector('ml-sign-in')
          ?.shadowRoot?.activeElement?.getAttribute('name'),
      ),
      'email',
      'the first field with a problem has the focus',
    );

    await signIn(page, 'admin@localhost', 'not the password at all');
    await page.getByRole('alert').getByText('The email or password is wrong.').waitFor();
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');

    await signIn(page, 'admin@localhost', adminPassword);
    const screens = page.getByRole('navigation', { name: 'Screens' });
    await screens.getByRole('link', { name: 'Library' }).waitFor();
    assert.equal(await screens.getByRole('link', { name: 'Library' }).getAttribute('aria-current'), 'page');
    for (const name of ['Users', 'Groups', 'API keys', 'Metadata fields', 'Settings', 'Activity'])
      await screens.getByRole('link', { name }).waitFor();
    // The library, full-page, as the admin: every folder.
    const tree = page.getByRole('tree', { name: 'Folders' });
    await tree.getByRole('treeitem', { name: 'campaigns' }).waitFor();
    await tree.getByRole('treeitem', { name: 'archive' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Insert/ }).count(), 0, 'the app inserts nowhere');
    await page
      .getByRole('option', { name: /campaigns/ })
      .first()
      .waitFor();
    assert.deepEqual(await accessibilityViolations(page), [], 'the app with the library');

    // The account menu: who, role, language.
    await page.getByRole('button', { name: /Account/ }).click();
    const panel = page.locator('#account-panel');
    await panel.getByText('admin@localhost').first().waitFor();
    assert.equal(await panel.locator('.who .muted').last().textContent(), 'Administrator', 'the role');
    await panel.getByLabel('Language').selectOption('de');
    await page
      .getByRole('navigation', { name: 'Bereiche' })
      .getByRole('link', { name: 'Bibliothek' })
      .waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    await panel.getByLabel('Sprache').selectOption('en');
    await screens.getByRole('link', { name: 'Library' }).waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await panel.isVisible(), false);

    // The notification bell sits in the header, live for the signed-in user.
    await page.locator('ml-notification-bell button[part="button"]').waitFor();

    // An admin screen, loaded on demand: the users, the signed-in admin among them.
    await screens.getByRole('link', { name: 'Users' }).click();
    assert.equal(new URL(page.url()).pathname, '/app/users');
    const users = page.locator('ml-users-screen');
    await users.getByRole('heading', { name: 'Users' }).waitFor();
    await users.getByRole('cell', { name: 'admin@localhost' }).waitFor();

    // The library's name, saved in Settings, is the header's and the title's at once.
    await screens.getByRole('link', { name: 'Settings' }).click();
    const settings = page.locator('ml-settings-screen');
    await settings.getByLabel('Library name').fill('Northwind assets');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: 'Northwind assets' }).waitFor();
    assert.equal(await page.title(), 'Northwind assets');

    // A folder is an address: it survives a reload.
    await screens.getByRole('link', { name: 'Library' }).click();
    await tree.getByRole('treeitem', { name: 'campaigns' }).click();
    await page.waitForURL(`${base}/app/library/campaigns`);
    await page.reload();
    await page.getByRole('option', { name: /campaigns-poster\.png/ }).waitFor();
    assert.equal(await page.getByRole('option', { name: /archive-poster\.png/ }).count(), 0);

    await page.getByRole('button', { name: /Account/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Media Library' }).waitFor();
    assert.equal((await page.request.get(`${base}/_ml/me`)).status(), 401, 'the session ended');
  });

  it('gives a member of Marketing, granted Contribute on /campaigns/, only that folder, to upload into', async () => {
    const memberId = await addUser(server, { email: 'mia@example.com', role: 'member', name: 'Mia' });

    // The admin makes the Marketing group on the Groups screen, with Mia in it…
    const admin = await openApp('/app/groups');
    await signIn(admin, 'admin@localhost', adminPassword);
    const groups = admin.locator('ml-groups-screen');
    await groups.getByRole('button', { name: 'New group' }).click();
    const groupDialog = groups.getByRole('dialog');
    await groupDialog.getByLabel('Name').fill('Marketing');
    await groupDialog.getByLabel('Find users and groups').fill('mia@example.com');
    await groupDialog.locator(`[data-member="user:${memberId}"]`).check();
    await groupDialog.getByRole('button', { name: 'Create' }).click();
    await groups.locator('tr[data-group="Marketing"]').getByText('1 member').waitFor();

    // …and gives it Contribute on /campaigns/ with "Share with people…" on the folder.
    const adminScreens = admin.getByRole('navigation', { name: 'Screens' });
    await adminScreens.getByRole('link', { name: 'Library' }).click();
    // Once the library knows what the admin may do there (its toolbar offers sharing then).
    await admin.locator('media-library [data-action="share"]').first().waitFor();
    await admin.getByRole('option', { name: /^campaigns/ }).click({ button: 'right' });
    await admin.getByRole('menuitem', { name: 'Share with people…' }).click();
    const share = admin.locator('ml-share-dialog');
    await share.locator('#share-who').fill('Marketing');
    await share.getByRole('option', { name: /Marketing/ }).click();
    await share.locator('#share-level').selectOption('contribute');
    await share.getByRole('button', { name: 'Add' }).click();
    await share.locator('.grants li', { hasText: 'Marketing' }).waitFor();
    await share.getByRole('button', { name: 'Done' }).click();
    const grants = (await (await server.api('/_ml/grants?folder=/campaigns')).json()) as Array<{
      level: string;
      principal: { type: string; name?: string };
    }>;
    assert.deepEqual(
      grants.map((g) => [g.principal.type, g.level]),
      [['group', 'contribute']],
    );

    const page = await openApp('/app/');
    await signIn(page, 'mia@example.com', strongPassword);
    const screens = page.getByRole('navigation', { name: 'Screens' });
    await screens.getByRole('link', { name: 'Library' }).waitFor();
    assert.equal(await screens.getByRole('link').count(), 1, 'no admin screens for a member');
    const tree = page.getByRole('tree', { name: 'Folders' });
    await tree.getByRole('treeitem', { name: 'campaigns' }).click();
    await page.getByRole('option', { name: /campaigns-poster\.png/ }).waitFor();
    assert.equal(await tree.getByRole('treeitem', { name: 'archive' }).count(), 0, 'archive is invisible');

    // Uploads with the session cookie and the CSRF token, into the folder on screen.
    await page.getByRole('button', { name: 'Upload' }).click();
    const uploadPanel = page.getByRole('dialog', { name: 'Upload files' });
    await uploadPanel.waitFor();
    assert.equal(await uploadPanel.locator('input[name=folder]').inputValue(), '/campaigns');
    await uploadPanel
      .locator('input.uppy-Dashboard-input')
      .first()
      .setInputFiles([join(filesDir, 'launch.png'), join(filesDir, 'brief.bin')]);
    const tusPatches: number[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'PATCH' && response.url().includes('/_ml/tus/'))
        tusPatches.push(response.status());
    });
    const uploaded = page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const names: string[] = [];
          document.addEventListener('ml-upload-success', (event) => {
            names.push((event as CustomEvent<{ name: string }>).detail.name);
            if (names.length === 2) resolve(names.sort());
          });
          document.addEventListener('ml-upload-error', (event) =>
            reject(new Error((event as CustomEvent<{ message: string }>).detail.message)),
          );
        }),
    );
    await uploadPanel.getByRole('button', { name: 'Upload 2 files' }).click();
    assert.deepEqual(await uploaded, ['brief.bin', 'launch.png']);
    assert.ok(
      tusPatches.length > 0 && tusPatches.every((status) => status >= 200 && status < 300),
      `tus: ${tusPatches}`,
    );
    const listed = (await (await server.api('/v1/files?path=/campaigns')).json()) as Array<{ name: string }>;
    for (const name of ['launch.png', 'brief.bin'])
      assert.ok(
        listed.some((file) => file.name === name),
        JSON.stringify(listed.map((f) => f.name)),
      );

    // The admin's Activity screen shows the uploads with the member's name.
    await adminScreens.getByRole('link', { name: 'Activity' }).click();
    const activity = admin.locator('ml-activity-screen');
    for (const name of ['launch.png', 'brief.bin'])
      await activity.locator('li, tr', { hasText: name }).filter({ hasText: 'Mia' }).first().waitFor();

    // Contribute is no Manage: no Delete in the member's menu, and the server refuses it anyway.
    await page.keyboard.press('Escape');
    await uploadPanel.waitFor({ state: 'hidden' });
    await page.getByRole('option', { name: /campaigns-poster\.png/ }).click({ button: 'right' });
    const menu = page.getByRole('menu');
    await menu.getByRole('menuitem', { name: 'Copy URL' }).waitFor();
    assert.equal(await menu.getByRole('menuitem', { name: 'Delete' }).count(), 0);
    await page.keyboard.press('Escape');
    // Contribute is no Manage: deleting is refused, whoever asks.
    const me = (await (await page.request.get(`${base}/_ml/me`)).json()) as { csrfToken: string };
    const poster = (await (await server.api('/v1/files?path=/campaigns')).json()) as Array<{
      fileId: string;
      name: string;
    }>;
    const target = poster.find((file) => file.name === 'campaigns-poster.png')!;
    const refused = await page.request.delete(`${base}/v1/files/${target.fileId}`, {
      headers: { 'x-csrf-token': me.csrfToken },
    });
    assert.equal(refused.status(), 403, await refused.text());
  });

  it('opens a notification’s link (/app/?file=…&comment=…) at the file, its comment focused, and from the bell', async () => {
    const form = new FormData();
    form.set(
      'file',
      new Blob([new Uint8Array(await quadrants(90, 60))], { type: 'image/png' }),
      'review.png',
    );
    form.set('fileName', 'review.png');
    form.set('folder', '/reviews/round-1');
    form.set('useUniqueFileName', 'false');
    const uploaded = await server.api('/api/v1/files/upload', { method: 'POST', body: form });
    const { fileId } = (await uploaded.json()) as { fileId: string };
    const rexId = await addUser(server, { email: 'rex@example.com', role: 'member', name: 'Rex' });
    const valId = await addUser(server, { email: 'val@example.com', role: 'member', name: 'Val' });
    for (const id of [rexId, valId]) await grant(server, { type: 'user', id }, '/reviews/', 'view');
    const val = await signInAs(server, 'val@example.com');
    const post = (json: object) => val.call(`/_ml/files/${fileId}/comments`, { method: 'POST', json });
    for (let i = 1; i <= 6; i++) assert.equal((await post({ text: `Note ${i}\nmore\nlines` })).status, 201);
    const mention = await post({
      text: 'Rex, the logo is cut off.',
      mentions: [{ type: 'user', id: rexId }],
    });
    const commentId = ((await mention.json()) as { comment: { id: string } }).comment.id;

    /** The comment has the focus (found through shadow roots), and shows it with a ring. */
    const focusedComment = (page: Page) =>
      page.waitForFunction((id) => {
        let active: Element | null = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.id === `comment-${id}` && getComputedStyle(active).outlineStyle !== 'none';
      }, commentId);

    // An email's link, opened signed out: signing in lands on the file and the comment.
    const page = await openApp(`/app/?file=${fileId}&comment=${commentId}`);
    await signIn(page, 'rex@example.com', strongPassword);
    await page.waitForURL('**/app/library/reviews/round-1');
    await page.getByRole('tab', { name: /^Comments/, selected: true }).waitFor();
    await focusedComment(page);
    await page.getByRole('article').filter({ hasText: 'Rex, the logo is cut off.' }).waitFor();

    // The bell's link does the same from elsewhere in the app.
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Library' }).click();
    await page.waitForURL('**/app/');
    await page.locator('ml-notification-bell button[part="button"]').click();
    await page.locator('ml-notification-bell li a').filter({ hasText: 'Val mentioned you' }).first().click();
    await page.waitForURL('**/app/library/reviews/round-1');
    await page.getByRole('tab', { name: /^Comments/, selected: true }).waitFor();
    await focusedComment(page);
  });

  it('says how long to wait once an account is locked after too many failures', async () => {
    await addUser(server, { email: 'lou@example.com', role: 'member' });
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await fetch(`${server.url}/_ml/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'lou@example.com', password: `wrong password ${attempt}` }),
      });
      assert.equal(response.status, 401);
    }
    const page = await openApp('/app/');
    await signIn(page, 'lou@example.com', strongPassword);
    const alert = page.getByRole('alert');
    await alert.getByText(/^Too many failed sign-ins\. Try again in \d+ minutes?\.$/).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Screens' }).count(), 0);
  });

  it('offers a file dragged from the grid to the desktop as a download of its original', async () => {
    const page = await openApp('/app/library/campaigns');
    await signIn(page, 'admin@localhost', adminPassword);
    await page.getByRole('option', { name: /campaigns-poster\.png/ }).waitFor();
    // The drag handling is a lazy chunk: drag again until it has loaded.
    const downloadUrl = await page.waitForFunction(() => {
      const grid = document
        .querySelector('ml-dam-app')
        ?.shadowRoot?.querySelector('media-library')
        ?.shadowRoot?.querySelector('ml-asset-grid')?.shadowRoot;
      const cell = [...(grid?.querySelectorAll<HTMLElement>('[data-index]') ?? [])].find((c) =>
        c.textContent?.includes('campaigns-poster.png'),
      );
      if (!cell) return undefined;
      const dataTransfer = new DataTransfer();
      cell.dispatchEvent(new DragEvent('dragstart', { bubbles: true, composed: true, dataTransfer }));
      cell.dispatchEvent(new DragEvent('dragend', { bubbles: true, composed: true, dataTransfer }));
      return dataTransfer.getData('DownloadURL') || undefined;
    });
    const value = (await downloadUrl.jsonValue()) as string;
    const [mime, name, ...rest] = value.split(':');
    assert.equal(mime, 'image/png');
    assert.equal(name, 'campaigns-poster.png');
    const url = new URL(rest.join(':'));
    assert.equal(url.searchParams.get('ik-attachment'), 'true');
    const original = await page.request.get(url.href);
    assert.equal(original.status(), 200);
    assert.match(original.headers()['content-disposition'] ?? '', /attachment/);
  });

  it('keeps an open collection in the address: /app/collections/<id> survives a reload and Back', async () => {
    const [poster] = (await (await server.api('/v1/files?path=/campaigns')).json()) as Array<{
      fileId: string;
    }>;
    const made = await server.api('/_ml/collections', { method: 'POST', json: { name: 'Press kit' } });
    assert.equal(made.status, 201, await made.clone().text());
    const { id } = (await made.json()) as { id: string };
    const added = await server.api(`/_ml/collections/${id}/items`, {
      method: 'POST',
      json: { fileIds: [poster!.fileId] },
    });
    assert.ok(added.ok, await added.text());

    const page = await openApp(`/app/collections/${id}`);
    await signIn(page, 'admin@localhost', adminPassword);
    const crumbs = page.locator('ml-collection-crumbs');
    await crumbs.getByText('Press kit').waitFor();
    await page.getByRole('option', { name: /campaigns-poster\.png/ }).waitFor();
    assert.equal(await page.getByRole('option', { name: /archive-poster\.png/ }).count(), 0);
    // An admin may give the collection a public link.
    await crumbs.getByRole('button', { name: 'Share link…' }).waitFor();
    await page.reload();
    await page.locator('ml-collection-crumbs').getByText('Press kit').waitFor();
    assert.equal(new URL(page.url()).pathname, `/app/collections/${id}`);

    // A folder from the tree is a new address; Back returns to the collection.
    await page.getByRole('tree').getByRole('treeitem', { name: 'archive' }).click();
    await page.waitForURL(`${base}/app/library/archive`);
    await page.getByRole('option', { name: /archive-poster\.png/ }).waitFor();
    await page.goBack();
    await page.waitForURL(`${base}/app/collections/${id}`);
    await page.locator('ml-collection-crumbs').getByText('Press kit').waitFor();
    await page.getByRole('option', { name: /campaigns-poster\.png/ }).waitFor();
    // And the sidebar's collection opens its address too.
    await page.getByRole('tree').getByRole('treeitem', { name: 'archive' }).click();
    await page.waitForURL(`${base}/app/library/archive`);
    await page
      .locator('ml-collections')
      .getByRole('button', { name: /Press kit/ })
      .click();
    await page.waitForURL(`${base}/app/collections/${id}`);
  });

  it('starts offline from its service worker and says the server cannot be reached', async () => {
    const page = await openApp('/app/');
    await page.getByRole('heading', { name: 'Sign in to Media Library' }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.context().setOffline(true);
    await page.reload();
    await page.getByRole('alert').getByText('You are offline', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    // Back online, it picks up where it was without a click.
    await page.context().setOffline(false);
    await page.getByRole('heading', { name: 'Sign in to Media Library' }).waitFor();
  });

  it('returns to the sign-in page, where it was, when the session ends elsewhere', async () => {
    const page = await openApp('/app/library/archive');
    await signIn(page, 'admin@localhost', adminPassword);
    await page.getByRole('option', { name: /archive-poster\.png/ }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/app/library/archive');
    // Signed out in another tab: the cookie is gone, the app does not know yet.
    const { csrfToken } = (await (await page.request.get(`${base}/_ml/me`)).json()) as { csrfToken: string };
    const out = await page.request.post(`${base}/_ml/auth/sign-out`, {
      headers: { 'x-csrf-token': csrfToken },
    });
    assert.equal(out.status(), 204);
    await page.getByRole('tree', { name: 'Folders' }).getByRole('treeitem', { name: 'campaigns' }).click();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    await signIn(page, 'admin@localhost', adminPassword);
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/app\/library\/(archive|campaigns)$/);
  });
});
