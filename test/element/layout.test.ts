// Layout under stress (issue 19): 255-character names ellipsize everywhere and the footer's
// buttons stay on screen (item 8); right-to-left chevrons (item 12); the breadcrumb at 390 px
// keeps the current folder in view (item 13).
import { setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import { registerLocale } from '../../src/element/i18n/localize.js';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { cleanup, grid, item, itemNames, mount, shadow, treeItem, until } from './helpers.js';
import { longFileName, longFolderName } from './long-names.js';

afterEach(cleanup);
after(() => setViewport({ width: 1280, height: 900 }));

const longFolder = `/edit/long/${longFolderName}`;

/** Whether `inner` lies inside `outer` (1 px of rounding allowed). */
function within(inner: Element, outer: Element): boolean {
  const a = inner.getBoundingClientRect();
  const b = outer.getBoundingClientRect();
  return a.left >= b.left - 1 && a.right <= b.right + 1 && a.width > 0;
}

/** Whether the text of `element` is cut with an ellipsis (rather than wrapping or spilling out). */
function ellipsized(element: Element): boolean {
  const style = getComputedStyle(element);
  return (
    element.scrollWidth > element.clientWidth &&
    style.textOverflow === 'ellipsis' &&
    style.overflowX === 'hidden' &&
    style.whiteSpace === 'nowrap'
  );
}

const breadcrumbs = (element: MediaLibraryElement) =>
  shadow(shadow(element).querySelector('ml-breadcrumbs')!);

/** The modal library, open, on a screen `width` pixels wide. */
async function modal(attributes: Record<string, string> = {}, width = 390): Promise<MediaLibraryElement> {
  const element = await mount({ mode: 'modal', ...attributes }, {}, false);
  await setViewport({ width, height: 800 });
  element.style.cssText = '';
  element.show();
  await until(
    () => !element.hasAttribute('loading') && shadow(grid(element)).querySelector('[data-index], .empty'),
    'the listing',
  );
  return element;
}

describe('long names', () => {
  it('ellipsize in the tree, the breadcrumb and the cells, and stay inside their boxes', async () => {
    const element = await mount({ 'initial-folder': longFolder });
    await until(() => itemNames(element).includes(longFileName), 'the file with the long name');
    const row = await until(() => treeItem(element, longFolderName), 'the long folder in the tree');
    const sidebar = shadow(element).querySelector('.sidebar')!;
    expect(within(row, sidebar), 'the tree row inside the sidebar').to.equal(true);
    expect(ellipsized(row.querySelector('.name')!), 'the tree row’s name').to.equal(true);

    const crumbs = breadcrumbs(element);
    const current = crumbs.querySelector('[aria-current="page"]')!;
    expect(within(current, shadow(element).querySelector('ml-breadcrumbs')!), 'the current crumb').to.equal(
      true,
    );
    expect(ellipsized(current.querySelector('span')!), 'the current crumb’s name').to.equal(true);

    const cell = item(element, longFileName);
    expect(within(cell.querySelector('.name')!, cell), 'the name inside its cell').to.equal(true);
    expect(ellipsized(cell.querySelector('.name')!), 'the cell’s name').to.equal(true);
  });

  it('keeps Cancel and Insert on screen at 390 px when the footer says something about a long name', async () => {
    const element = await modal({ 'initial-folder': longFolder });
    const root = shadow(element);
    // "Folder … created." for a new folder with a 255-character name (no place to break a line).
    const name = 'm'.repeat(255);
    root.querySelector<HTMLButtonElement>('[popovertarget="folder-form"]')!.click();
    const input = await until(() => root.querySelector<HTMLInputElement>('#folder-form input'), 'the form');
    input.value = name;
    input.form!.requestSubmit();
    const notice = await until(
      () => root.querySelector('.notice')?.textContent?.includes('created') && root.querySelector('.notice'),
      'the message',
    );
    // The name's middle gives way; the message's words stay.
    expect(notice.textContent!.trim()).to.equal(`Folder ${'m'.repeat(24)}…${'m'.repeat(24)} created.`);
    const footer = root.querySelector('footer')!;
    for (const part of ['cancel-button', 'insert-button']) {
      const button = root.querySelector(`[part="${part}"]`)!;
      const box = button.getBoundingClientRect();
      expect(
        box.right <= innerWidth && box.left >= 0 && box.bottom <= innerHeight,
        `${part} on screen`,
      ).to.equal(true);
      expect(within(button, footer)).to.equal(true);
    }
    expect(within(notice, footer), 'the message inside the footer').to.equal(true);
  });

  it('keeps a dialog about a long-named folder inside the screen', async () => {
    const element = await modal({ 'initial-folder': '/edit/long' });
    await until(() => itemNames(element).includes(longFolderName), 'the long folder');
    const scroller = shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
    scroller.focus();
    // The organising dialog, as the context menu's Delete opens it.
    await import('../../src/element/parts/organise-dialog.js');
    const dialogs = shadow(element).querySelector('.shell')!;
    const organise = document.createElement('ml-organise-dialog');
    dialogs.append(organise);
    const folder = {
      type: 'folder' as const,
      name: longFolderName,
      folderPath: longFolder,
      folderId: '',
      createdAt: '',
      updatedAt: '',
      customMetadata: {},
    };
    void organise.open({ kind: 'delete-folder', folder });
    const dialog = await until(() => organise.shadowRoot?.querySelector('dialog[open]'), 'the dialog');
    const box = dialog.getBoundingClientRect();
    expect(box.left >= 0 && box.right <= innerWidth, 'the dialog on screen').to.equal(true);
    for (const button of dialog.querySelectorAll('button'))
      expect(within(button, dialog), `${button.textContent?.trim()} inside the dialog`).to.equal(true);
  });
});

describe('narrow screens and right-to-left', () => {
  it('shows the current folder in the breadcrumb at 390 px, collapsing the middle', async () => {
    const element = await modal({
      'initial-folder': '/edit/deep/level-two/level-three/level-four/level-five/level-six',
    });
    // The toolbar as it ends up: the Upload button (a lazy part) takes its room too.
    await until(
      () => shadow(element).querySelector('ml-upload-button')?.shadowRoot?.querySelector('button'),
      'Upload',
    );
    const host = shadow(element).querySelector('ml-breadcrumbs')!;
    const current = breadcrumbs(element).querySelector('[aria-current="page"]')!;
    expect(current.textContent?.trim()).to.equal('level-six');
    expect(within(current, host), 'the current folder in view').to.equal(true);
    const home = breadcrumbs(element).querySelector('li:first-child button')!;
    expect(within(home, host), 'the root in view').to.equal(true);
  });

  it('points collapsed folders’ chevrons inwards and expanded ones down in right-to-left', async () => {
    // Hebrew: right to left (its words fall back to English).
    registerLocale('he', async () => ({ title: 'ספריית מדיה' }));
    const element = await mount({ 'initial-folder': '/alpha', locale: 'he' });
    await until(() => shadow(element).querySelector('.shell')?.getAttribute('dir') === 'rtl', 'rtl');
    const expanded = await until(() => treeItem(element, 'alpha'), 'alpha in the tree');
    await until(() => expanded.getAttribute('aria-expanded') === 'true', 'alpha expanded');
    const collapsed = treeItem(element, 'beta');
    expect(collapsed.getAttribute('aria-expanded')).to.equal('false');
    const chevron = (row: Element) => getComputedStyle(row.querySelector('.twisty .icon')!).transform;
    await until(() => chevron(collapsed) === 'matrix(-1, 0, 0, 1, 0, 0)', 'collapsed: pointing left');
    // Expanded: rotated a quarter turn, pointing down (an expanded chevron is the same in both directions).
    expect(chevron(expanded)).to.match(/^matrix\((6\.\d+e-17|0), 1, -1, (6\.\d+e-17|0), 0, 0\)$/);
    expect(chevron(expanded)).to.not.equal(chevron(collapsed));
  });
});
