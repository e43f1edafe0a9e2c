// "Share link…" (issue 22): the lazy share dialog makes a link, shows its URL once to copy, lists
// the file's links and revokes them; the page behind the URL answers until the link is revoked.
import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import { activeElement, cleanup, grid, item, itemNames, menuAt, mount, shadow, until } from './helpers.js';

afterEach(cleanup);

const button = (root: ParentNode, label: string) =>
  [...root.querySelectorAll<HTMLElement>('button, [role="menuitem"]')].find(
    (b) => b.textContent!.trim() === label,
  );

describe('the share dialog', () => {
  it('creates a link with a password, copies its URL, lists it and revokes it', async () => {
    const element = await mount({ 'initial-folder': '/edit/share' });
    await until(() => itemNames(element).includes('shared.png'), 'the file');
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.focus();
    const menu = await menuAt(element, item(element, 'shared.png'));
    button(menu, 'Share link…')!.click();

    const host = await until(() => shadow(element).querySelector('ml-share-link-dialog'), 'the share dialog');
    const dialog = await until(
      () => host.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'),
      'the dialog open',
    );
    expect(dialog.querySelector('h2')!.textContent).to.equal('Share shared.png');
    await until(() => dialog.textContent!.includes('No links yet.'), 'no links yet');
    expect(activeElement()).to.equal(dialog.querySelector('input[name="title"]'));

    // A short password is refused before anything is sent.
    dialog.querySelector<HTMLInputElement>('input[name="title"]')!.value = 'For the agency';
    const password = dialog.querySelector<HTMLInputElement>('input[name="password"]')!;
    password.value = 'short';
    password.removeAttribute('minlength');
    button(dialog, 'Create link')!.click();
    await until(
      () => dialog.querySelector('[role="alert"]')!.textContent!.includes('at least 8'),
      'the refusal',
    );

    password.value = 'agency-secret';
    button(dialog, 'Create link')!.click();
    const url = await until(() => dialog.querySelector<HTMLInputElement>('input.url')?.value, 'the URL');
    expect(url).to.match(/\/s\/[A-Za-z0-9_-]{32}$/);
    expect(dialog.querySelector('[role="status"]')!.textContent).to.contain('shown only once');
    expect(activeElement()).to.equal(button(dialog, 'Copy link'));

    let copied = '';
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: {
        writeText: async (text: string) => {
          copied = text;
        },
      },
    });
    button(dialog, 'Copy link')!.click();
    await until(() => copied === url, 'the URL copied');
    await until(() => dialog.querySelector('[role="status"]')!.textContent === 'Link copied', 'said so');

    const entry = await until(() => dialog.querySelector('li'), 'the link listed');
    expect(entry.textContent).to.contain('For the agency');
    expect(entry.textContent).to.contain('Password');
    // The link's page asks for the password (the page itself, over HTTP).
    const page = await fetch(url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('This link is protected');

    const revoke = entry.querySelector<HTMLButtonElement>('button')!;
    expect(revoke.getAttribute('aria-label')).to.equal('Revoke For the agency');
    revoke.click();
    await until(() => dialog.textContent!.includes('No links yet.'), 'the link gone from the list');
    expect(dialog.querySelector('[role="status"]')!.textContent).to.contain('revoked');
    expect(dialog.querySelector('input.url')).to.equal(null);
    expect((await fetch(url)).status).to.equal(404);

    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open, 'the dialog closed');
    await until(() => activeElement() === scroller, 'focus back on the grid');
  });
});
