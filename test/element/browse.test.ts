import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import {
  cleanup,
  click,
  env,
  folderOpened,
  grid,
  item,
  itemNames,
  mount,
  settled,
  shadow,
  treeItem,
  until,
} from './helpers.js';

afterEach(cleanup);

describe('browsing', () => {
  it('lists the root folder: folders first, then files, with the tree beside it', async () => {
    const element = await mount({ 'initial-folder': '/' });
    const names = itemNames(element);
    for (const folder of ['alpha', 'beta', 'docs', 'many']) expect(names).to.include(folder);
    expect(names.indexOf('alpha')).to.be.lessThan(names.length);
    const tree = shadow(shadow(element).querySelector('ml-folder-tree')!);
    const rows = () => [...tree.querySelectorAll('[role="treeitem"]')].map((row) => row.textContent!.trim());
    await until(() => rows().length > 1, 'the tree to load');
    expect(rows()).to.include.members(['All files', 'alpha', 'beta', 'docs', 'many']);
    expect(tree.querySelector('[role="tree"]')!.getAttribute('aria-label')).to.equal('Folders');
  });

  it('opens a folder from the grid, the tree and the breadcrumbs', async () => {
    const element = await mount();
    click(item(element, 'alpha'));
    await folderOpened(element, '/alpha');
    expect(itemNames(element)).to.include.members(['nested', 'red-dress.png', 'blue-sky.jpg', 'logo.png']);
    // The tree expanded down to it and marks it as the current folder.
    await until(() => treeItem(element, 'nested'), 'the tree to show nested');
    expect(treeItem(element, 'alpha').getAttribute('aria-selected')).to.equal('true');

    click(await until(() => treeItem(element, 'docs'), 'docs in the tree'));
    await folderOpened(element, '/docs');
    expect(itemNames(element)).to.deep.equal(['manual.pdf']);

    const crumbs = shadow(shadow(element).querySelector('ml-breadcrumbs')!);
    const home = [...crumbs.querySelectorAll('button')].find((b) => b.textContent!.includes('All files'))!;
    click(home);
    await folderOpened(element, '/');
  });

  it('moves through the tree with the keyboard and opens a folder with Enter', async () => {
    const element = await mount();
    await until(() => treeItem(element, 'alpha'), 'the tree');
    treeItem(element, 'All files').focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowRight' });
    await until(() => treeItem(element, 'nested'), 'alpha to expand');
    expect(treeItem(element, 'alpha').getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Enter' });
    await folderOpened(element, '/alpha/nested');
    expect(itemNames(element)).to.deep.equal(['deep.png']);
    // Opening nested expands it in the tree; until its (empty) subfolder list has loaded, ArrowLeft
    // would collapse it rather than move to the parent.
    await until(
      () =>
        !treeItem(element, 'nested').hasAttribute('aria-busy') &&
        !treeItem(element, 'nested').hasAttribute('aria-expanded'),
      'nested to load its subfolders',
    );
    await sendKeys({ press: 'ArrowLeft' });
    await until(
      () =>
        shadow(shadow(element).querySelector('ml-folder-tree')!).activeElement?.textContent?.includes(
          'alpha',
        ),
      'focus on the parent',
    );
  });

  it('starts in initial-folder and stays inside root-folder', async () => {
    const element = await mount({ 'root-folder': '/alpha', 'initial-folder': '/alpha/nested' });
    expect(element.currentFolder).to.equal('/alpha/nested');
    expect(itemNames(element)).to.deep.equal(['deep.png']);
    const crumbs = shadow(shadow(element).querySelector('ml-breadcrumbs')!).textContent!.replace(/\s+/g, ' ');
    expect(crumbs).to.contain('All files').and.contain('nested').and.not.contain('alpha');
    // Backspace goes up, but never above the root.
    shadow(grid(element)).querySelector<HTMLElement>('.scroller')!.focus();
    await sendKeys({ press: 'Backspace' });
    await folderOpened(element, '/alpha');
    await sendKeys({ press: 'Backspace' });
    await element.updateComplete;
    expect(element.currentFolder).to.equal('/alpha');
  });

  it('asks the token endpoint for a session confined to root-folder', async () => {
    const requests: string[] = [];
    const element = await mount(
      { 'root-folder': '/docs' },
      {
        fetchAuth: (path, init) => {
          requests.push(String(init.body));
          return fetch(`${env.authUrl}/${path}`, init);
        },
      },
    );
    expect(JSON.parse(requests[0]!)).to.deep.equal({ folder: '/docs/' });
    expect(itemNames(element)).to.deep.equal(['manual.pdf']);
  });

  it('shows an empty folder as such', async () => {
    const element = await mount({ 'initial-folder': '/beta' });
    const empty = shadow(grid(element)).querySelector('.empty')!;
    expect(empty.textContent).to.contain('This folder is empty');
  });

  it('creates a folder in the current folder and shows it', async () => {
    const element = await mount({ 'initial-folder': '/scratch' });
    const name = `made-${Date.now()}`;
    const root = shadow(element);
    root.querySelector<HTMLButtonElement>('[popovertarget="folder-form"]')!.click();
    const input = await until(() => root.querySelector<HTMLInputElement>('#folder-name'), 'the folder form');
    input.value = name;
    input.form!.requestSubmit();
    await until(() => itemNames(element).includes(name), 'the new folder in the grid');
    await until(() => treeItem(element, name), 'the new folder in the tree');
    const response = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
    const { token } = await response.json();
    const listing = await fetch(`${env.url}/v1/files?type=folder&path=/scratch`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect((await listing.json()).map((f: { name: string }) => f.name)).to.include(name);
  });

  it('says why a folder name is refused, in the form', async () => {
    const element = await mount({ 'initial-folder': '/scratch' });
    const root = shadow(element);
    root.querySelector<HTMLButtonElement>('[popovertarget="folder-form"]')!.click();
    const input = await until(() => root.querySelector<HTMLInputElement>('#folder-name'), 'the folder form');
    input.value = '..';
    input.form!.requestSubmit();
    const error = await until(() => root.querySelector('.form-error')?.textContent, 'the error');
    expect(error).to.contain("'.' & '..' can not be used as folder-name");
  });

  it('pages with limit and skip as the user scrolls, with a constant number of cells', async () => {
    const element = await mount({ 'initial-folder': '/many' }, { pageSize: 40 });
    expect(itemNames(element).length).to.be.lessThan(env.manyCount);
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    const cells = () => shadow(grid(element)).querySelectorAll('[data-index]').length;
    const firstCells = cells();
    for (
      let i = 0;
      i < 40 && !shadow(grid(element)).querySelector(`[aria-posinset="${env.manyCount}"]`);
      i++
    ) {
      scroller.scrollTop = scroller.scrollHeight;
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    const last = await until(
      () => shadow(grid(element)).querySelector(`[aria-posinset="${env.manyCount}"]`),
      'the last file after scrolling',
    );
    expect(last.getAttribute('aria-setsize')).to.equal(String(env.manyCount));
    expect(cells()).to.be.lessThan(firstCells * 2 + 20);
  });

  it('cancels the listing of a folder left before it loaded', async () => {
    const element = await mount({ 'initial-folder': '/' });
    const docs = await until(() => treeItem(element, 'docs'), 'the tree');
    click(item(element, 'many'));
    click(docs);
    await folderOpened(element, '/docs');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(itemNames(element)).to.deep.equal(['manual.pdf']);
  });

  it('refresh() reloads the folder', async () => {
    const element = await mount({ 'initial-folder': '/docs' });
    const before = itemNames(element);
    await element.refresh();
    await settled(element);
    expect(itemNames(element)).to.deep.equal(before);
  });
});
