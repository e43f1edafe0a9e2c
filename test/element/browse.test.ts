import { sendKeys, sendMouse } from '@web/test-runner-commands';
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
    const focusedInTree = (name: string) =>
      shadow(shadow(element).querySelector('ml-folder-tree')!).activeElement?.textContent?.includes(name);
    treeItem(element, 'All files').focus();
    // Each key once the last has moved the focus: under load a key can land before the tree has.
    await until(() => focusedInTree('All files'), 'focus on All files');
    // Down to alpha, one row a key: other test files' folders (made on the same server, e.g.
    // /ai-jobs-…) may sort before it.
    const rows = shadow(shadow(element).querySelector('ml-folder-tree')!).querySelectorAll(
      '[role="treeitem"]',
    );
    const alphaAt = [...rows].findIndex((row) => row.querySelector('.name')?.textContent === 'alpha');
    for (let row = 1; row <= alphaAt; row++) {
      await sendKeys({ press: 'ArrowDown' });
      const name = rows[row]!.querySelector('.name')!.textContent!;
      await until(() => focusedInTree(name), `focus on ${name}`);
    }
    expect(focusedInTree('alpha'), 'focus on alpha').to.equal(true);
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
    await until(() => focusedInTree('alpha'), 'focus on the parent');
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

  it('says what a new folder is really called, and refuses a slash or a name the folder has', async () => {
    const element = await mount({ 'initial-folder': '/scratch' });
    const root = shadow(element);
    root.querySelector<HTMLButtonElement>('[popovertarget="folder-form"]')!.click();
    const input = await until(() => root.querySelector<HTMLInputElement>('#folder-name'), 'the folder form');
    const error = () => root.querySelector('.form-error')!.textContent!;
    const stamp = Date.now();
    for (const name of [`a/b-${stamp}`, `../x-${stamp}`]) {
      input.value = name;
      input.form!.requestSubmit();
      await until(() => error().includes('cannot contain /'), `${name} refused`);
      root.querySelector('.form-error')!.textContent = '';
    }
    input.value = `Autumn ${stamp}`;
    input.form!.requestSubmit();
    const made = `Autumn_${stamp}`;
    await until(() => itemNames(element).includes(made), 'the new folder');
    expect(root.querySelector('.notice')!.textContent)
      .to.contain(`Folder ${made} created`)
      .and.contain(`“Autumn ${stamp}”`);
    root.querySelector<HTMLButtonElement>('[popovertarget="folder-form"]')!.click();
    input.value = made;
    input.form!.requestSubmit();
    await until(() => error().includes(`already has a folder named ${made}`), 'the duplicate refused');
    // Nothing else was made: no a_b, ___x or second folder.
    const names = itemNames(element).filter((n) => n.endsWith(String(stamp)));
    expect(names).to.deep.equal([made]);
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

  it('selects the file under the pointer after scrolling, and keeps its place through selection and refresh', async () => {
    const element = await mount({ 'initial-folder': '/' });
    // Opened from the tree, as an editor does.
    click(await until(() => treeItem(element, 'many'), 'many in the tree'));
    await folderOpened(element, '/many');
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 1200;
    const target = await until(() => cellInMiddle(scroller), 'cells at the new place');
    const name = target.querySelector('.name')!.textContent!.trim();
    const box = target.getBoundingClientRect();
    const position: [number, number] = [
      Math.round(box.x + box.width / 2),
      Math.round(box.y + box.height / 3),
    ];
    await sendMouse({ type: 'click', position });
    await until(() => element.selectedFiles[0]?.name === name, `${name} selected`);
    expect(scroller.scrollTop).to.be.closeTo(1200, 1);
    // The same spot again picks the same file.
    await sendMouse({ type: 'click', position });
    await element.updateComplete;
    expect(element.selectedFiles.map((f) => f.name)).to.deep.equal([name]);
    expect(scroller.scrollTop).to.be.closeTo(1200, 1);
    // A refresh (after an upload or an edit) keeps the view where it is.
    await element.refresh();
    await grid(element).updateComplete;
    expect(shadow(grid(element)).querySelector('.scroller'), 'the same scroller').to.equal(scroller);
    expect(scroller.scrollTop).to.be.closeTo(1200, 1);
    expect(item(element, name).getAttribute('aria-selected')).to.equal('true');
  });

  it('shows where focus is when tabbing into the grid, on the first file in view', async () => {
    const element = await mount({ 'initial-folder': '/many', multiple: true });
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 600;
    const firstInView = await until(() => cellInMiddle(scroller) && visibleCells(scroller)[0], 'cells');
    // "Select all in view" in the footer comes right after the grid.
    shadow(element).querySelector<HTMLButtonElement>('footer .link')!.focus();
    await sendKeys({ press: 'Shift+Tab' });
    expect(shadow(grid(element)).activeElement).to.equal(scroller);
    await grid(element).updateComplete;
    const active = shadow(grid(element)).querySelector<HTMLElement>('.cell.active')!;
    expect(active.dataset.index).to.equal(firstInView.dataset.index);
    expect(getComputedStyle(active).outlineStyle).to.equal('solid');
    expect(scroller.scrollTop).to.be.closeTo(600, 1);
  });

  it('says how many files a folder or a search has', async () => {
    const element = await mount({ 'initial-folder': '/many' });
    const summary = () => shadow(element).querySelector('footer [role="status"]')!.textContent!.trim();
    // More than the first page: the server counts them.
    await until(() => summary() === `${env.manyCount} files`, `${env.manyCount} files`);
    click(await until(() => treeItem(element, 'alpha'), 'alpha in the tree'));
    await folderOpened(element, '/alpha');
    await until(() => summary() === '3 files', '3 files (the subfolder is not one)');
    const input = shadow(shadow(element).querySelector('ml-search-bar')!).querySelector('input')!;
    input.focus();
    await sendKeys({ type: 'red' });
    await sendKeys({ press: 'Enter' });
    await until(() => summary() === '1 file', '1 file');
  });
});

/** The file cells wholly inside the scroller's viewport, in index order. */
function visibleCells(scroller: HTMLElement): HTMLElement[] {
  const view = scroller.getBoundingClientRect();
  return [...scroller.querySelectorAll<HTMLElement>('.cell[data-index]')]
    .filter((cell) => {
      const box = cell.getBoundingClientRect();
      return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
    })
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
}

/** A cell in the middle of the scroller's viewport, once the window has placed them there. */
function cellInMiddle(scroller: HTMLElement): HTMLElement | undefined {
  const cells = visibleCells(scroller);
  return cells.length > 4 && Number(cells[0]!.dataset.index) > 0
    ? cells[Math.floor(cells.length / 2)]
    : undefined;
}
