// Context menus on files and folders (issue 19, item 4): right click, the ContextMenu key and
// Shift+F10, and the "…" on an item; the ARIA menu pattern; only the actions the session may take.
import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { Asset } from '../../src/shared/wire.js';
import {
  activeElement,
  cleanup,
  env,
  grid,
  item,
  itemNames,
  menuAt,
  mount,
  openMenu,
  rightClick,
  shadow,
  testFetchAuth,
  treeItem,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

async function names(folder: string): Promise<string[]> {
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const response = await fetch(`${env.url}/v1/files?type=all&path=${encodeURIComponent(folder)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as Asset[]).map((a) => a.name).sort();
}

const labels = (menu: HTMLElement) =>
  [...menu.querySelectorAll('[role="menuitem"]')].map((entry) => entry.textContent!.trim());

const entry = (menu: HTMLElement, label: string) =>
  [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')].find((e) => e.textContent!.trim() === label)!;

describe('context menus', () => {
  it('opens on a right click on a folder in the grid: roving focus, Escape returns focus, Rename works', async () => {
    const element = await mount({ 'initial-folder': '/edit/menu' });
    await until(() => itemNames(element).includes('box'), 'the folder');
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.focus();
    const menu = await menuAt(element, item(element, 'box'));
    expect(labels(menu)).to.deep.equal([
      'Open',
      'Rename…',
      'Move to…',
      'Delete',
      'Download as ZIP',
      'Share link…',
    ]);
    expect(menu.getAttribute('aria-label')).to.equal('Actions for box');
    // Focus on the first item; the arrows rove round; Home and End; a letter jumps.
    const items = [...menu.querySelectorAll('[role="menuitem"]')];
    await until(() => activeElement() === items[0], 'focus on Open');
    await sendKeys({ press: 'ArrowUp' });
    expect(activeElement()).to.equal(items[5]);
    await sendKeys({ press: 'ArrowDown' });
    expect(activeElement()).to.equal(items[0]);
    await sendKeys({ press: 'End' });
    expect(activeElement()).to.equal(items[5]);
    await sendKeys({ press: 'm' });
    expect(activeElement()).to.equal(items[2]);
    await sendKeys({ press: 'Escape' });
    await until(() => !menu.matches(':popover-open'), 'the menu to close');
    expect(activeElement(), 'focus back on the grid').to.equal(scroller);
    expect(element.isConnected && shadow(element).querySelector('.shell')).to.not.equal(null);

    await rightClick(item(element, 'box'));
    const again = await openMenu(element);
    await until(() => activeElement() === again.querySelector('[role="menuitem"]'), 'focus in the menu');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    const dialog = await until(
      () => shadow(element).querySelector('ml-organise-dialog')?.shadowRoot?.querySelector('dialog[open]'),
      'the rename dialog',
    );
    const input = dialog.querySelector<HTMLInputElement>('#new-name')!;
    input.value = 'crate';
    [...dialog.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent!.trim() === 'Save')!
      .click();
    await until(() => itemNames(element).includes('crate'), 'the grid to show the new name');
    expect(await names('/edit/menu')).to.include('crate');
    expect(await names('/edit/menu/crate')).to.deep.equal(['inside.png']);
  });

  it('opens with Shift+F10 on a folder of the tree and deletes it; the root offers only Open', async () => {
    const element = await mount({ 'initial-folder': '/edit/menu' });
    const row = await until(() => treeItem(element, 'tree-gone'), 'the folder in the tree');
    await menuAt(element, row);
    await sendKeys({ press: 'Escape' });
    row.focus();
    await sendKeys({ press: 'Shift+F10' });
    const menu = await openMenu(element);
    expect(labels(menu)).to.deep.equal([
      'Open',
      'Rename…',
      'Move to…',
      'Delete',
      'Download as ZIP',
      'Share link…',
    ]);
    entry(menu, 'Delete').click();
    const dialog = await until(
      () => shadow(element).querySelector('ml-organise-dialog')?.shadowRoot?.querySelector('dialog[open]'),
      'the delete dialog',
    );
    await until(() => dialog.textContent?.includes('1 file'), 'the count');
    [...dialog.querySelectorAll<HTMLButtonElement>('button')]
      .find((b) => b.textContent!.trim() === 'Delete')!
      .click();
    await until(async () => !(await names('/edit/menu')).includes('tree-gone'), 'the folder deleted');
    await until(() => dialog.querySelector('[role="status"]')?.textContent?.includes('deleted'), 'done');
    await sendKeys({ press: 'Escape' });
    await until(() => !(dialog as HTMLDialogElement).open, 'the dialog closed');

    const root = treeItem(element, 'All files');
    root.focus();
    await sendKeys({ press: 'ContextMenu' });
    expect(labels(await openMenu(element))).to.deep.equal(['Open']);
  });

  it('opens from a file’s “…” with the file’s actions; a read-only session gets no organising ones', async () => {
    const element = await mount({ 'initial-folder': '/edit/menu', multiple: true });
    await until(() => itemNames(element).includes('menu-file.png'), 'the file');
    const cell = item(element, 'menu-file.png');
    const more = cell.querySelector<HTMLElement>('[data-menu]')!;
    const menu = await menuAt(element, cell);
    // Drawn (once the menus can open) but not read out: it is no control of its own in the listbox.
    expect(getComputedStyle(more, '::after').content).to.contain('⋯');
    expect(more.textContent).to.equal('');
    await sendKeys({ press: 'Escape' });
    more.click();
    await until(() => menu.matches(':popover-open'), 'the menu from “…”');
    expect(labels(menu)).to.deep.equal([
      'Insert',
      'Select',
      'Copy URL',
      'Move to…',
      'Copy to…',
      'Delete',
      'Add to collection…',
      'Share link…',
      'Find similar',
      // The test server removes backgrounds (its own selfie model).
      'Remove background…',
    ]);
    expect(element.selectedFiles, 'the click on “…” selects nothing').to.deep.equal([]);
    entry(menu, 'Select').click();
    await until(() => element.selectedFiles.length === 1, 'the file selected');
    expect(element.selectedFiles[0]!.name).to.equal('menu-file.png');

    const { fetchAuth } = testFetchAuth({ scope: { access: 'read' } });
    const reader = await mount({ 'initial-folder': '/edit/menu' }, { fetchAuth });
    await until(() => itemNames(reader).includes('menu-file.png'), 'the file, read-only');
    const readerMenu = await menuAt(reader, item(reader, 'menu-file.png'));
    expect(labels(readerMenu)).to.deep.equal(['Insert', 'Select', 'Copy URL', 'Find similar']);
    await sendKeys({ press: 'Escape' });
    await rightClick(item(reader, itemNames(reader).includes('box') ? 'box' : 'crate'));
    // Downloading is reading: a read-only session may take a folder as a ZIP, not share it.
    expect(labels(await openMenu(reader))).to.deep.equal(['Open', 'Download as ZIP']);
  });

  it('opens with the ContextMenu key on the grid’s active file', async () => {
    const element = await mount({ 'initial-folder': '/edit/menu' });
    await until(() => itemNames(element).includes('menu-file.png'), 'the file');
    await menuAt(element, item(element, 'menu-file.png'));
    await sendKeys({ press: 'Escape' });
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.focus();
    await sendKeys({ press: 'End' });
    await until(() => scroller.getAttribute('aria-activedescendant'), 'an active item');
    await sendKeys({ press: 'ContextMenu' });
    const menu = await openMenu(element);
    expect(menu.getAttribute('aria-label')).to.equal('Actions for menu-file.png');
    await sendKeys({ press: 'Tab' });
    await until(() => !menu.matches(':popover-open'), 'Tab closes the menu');
    expect(activeElement()).to.equal(scroller);
  });
});
