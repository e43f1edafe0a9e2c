import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  activeElement,
  cleanup,
  click,
  env,
  grid,
  item,
  itemNames,
  listed,
  mount,
  shadow,
  treeItem,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

// Saves go through the real server on a shared, busy machine: allow them time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

const names = async (folder: string) => (await listed(folder)).map((a) => a.name).sort();

function openDetails(element: MediaLibraryElement): ShadowRoot {
  const toggle = shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!;
  if (toggle.getAttribute('aria-pressed') !== 'true') toggle.click();
  return shadow(element);
}

async function panel(element: MediaLibraryElement): Promise<ShadowRoot> {
  openDetails(element);
  const details = await until(() => shadow(element).querySelector('ml-asset-details'), 'the details panel');
  return until(() => details.shadowRoot?.querySelector('.body') && details.shadowRoot, 'the panel body');
}

function button(root: ParentNode, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent?.trim() === text,
  );
  if (!found) throw new Error(`no button ${text}`);
  return found;
}

/** Picks `name` in the dialog's folder tree, once the tree shows it. */
async function pickFolder(dialog: ShadowRoot, name: string): Promise<void> {
  const picker = dialog.querySelector('ml-folder-picker')!;
  const row = await until(() => {
    const tree = picker.shadowRoot?.querySelector('ml-folder-tree')?.shadowRoot;
    return [...(tree?.querySelectorAll<HTMLElement>('[role="treeitem"]') ?? [])].find(
      (r) => r.querySelector('.name')?.textContent?.trim() === name,
    );
  }, `${name} in the folder tree`);
  row.click();
  await until(() => dialog.textContent?.includes('Destination:'), 'the destination');
}

async function versionCount(folder: string, name: string): Promise<number> {
  const file = (await listed(folder)).find((a) => a.name === name) as MediaFile;
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const response = await fetch(`${env.url}/v1/files/${file.fileId}/versions`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as unknown[]).length;
}

async function dialogIn(root: ShadowRoot): Promise<ShadowRoot> {
  const host = root.querySelector('ml-organise-dialog')!;
  return until(() => host.shadowRoot?.querySelector('dialog[open] form') && host.shadowRoot, 'the dialog');
}

describe('bulk edits and organising', function () {
  this.timeout(60_000);
  it('adds a tag to three selected files at once', async () => {
    const element = await mount({ 'initial-folder': '/edit/bulk', multiple: true });
    click(item(element, 'b1.png'));
    click(item(element, 'b2.png'), { ctrlKey: true });
    click(item(element, 'b3.png'), { ctrlKey: true });
    await element.updateComplete;
    const root = await panel(element);
    expect(root.querySelector('h3')!.textContent).to.equal('3 files selected');
    const bulk = shadow(root.querySelector('ml-bulk-edit')!);
    const tags = shadow(bulk.querySelector('ml-tag-input')!);
    const input = tags.querySelector<HTMLInputElement>('input')!;
    input.value = 'bulk-done';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    const apply = bulk.querySelector<HTMLButtonElement>('[data-action="add-tags"]')!;
    await until(() => !apply.disabled, 'Apply enabled');
    apply.click();
    await until(
      () => bulk.querySelector('[role="status"]')?.textContent?.includes('Updated 3 files'),
      'done',
    );
    const files = (await listed('/edit/bulk')) as MediaFile[];
    for (const file of files) expect(file.tags, file.name).to.include('bulk-done');
    expect(files.find((f) => f.name === 'b3.png')!.tags).to.include('old');
  });

  it('moves a file dragged onto a folder in the tree', async () => {
    const element = await mount({ 'initial-folder': '/edit' });
    await until(() => treeItem(element, 'drag-target'), 'the target in the tree');
    click(treeItem(element, 'drag'));
    await until(() => itemNames(element).includes('dragged.png'), 'the folder to open');
    const dataTransfer = new DataTransfer();
    const fire = (target: Element, type: string) =>
      target.dispatchEvent(
        new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer }),
      );
    // The drag module loads when the browser is idle: a drag it has taken up carries the file's URL.
    await until(() => {
      fire(item(element, 'dragged.png'), 'dragstart');
      return dataTransfer.getData('text/uri-list');
    }, 'the drag module to take up the drag');
    const target = treeItem(element, 'drag-target');
    fire(target, 'dragover');
    fire(target, 'drop');
    await until(() => !itemNames(element).includes('dragged.png'), 'the file to leave the grid');
    await until(
      () => shadow(element).querySelector('.notice')?.textContent?.includes('Moved 1 file'),
      'notice',
    );
    expect(await names('/edit/drag-target')).to.deep.equal(['dragged.png', 'resident.png']);
    expect(await names('/edit/drag')).to.deep.equal([]);
  });

  it('copies instead when Alt is held over the folder', async () => {
    const element = await mount({ 'initial-folder': '/edit' });
    click(await until(() => treeItem(element, 'altdrag'), 'the folder in the tree'));
    await until(() => itemNames(element).includes('copied.png'), 'the folder to open');
    const dataTransfer = new DataTransfer();
    const fire = (target: Element, type: string, altKey = false) =>
      target.dispatchEvent(
        new DragEvent(type, { bubbles: true, composed: true, cancelable: true, dataTransfer, altKey }),
      );
    await until(() => {
      fire(item(element, 'copied.png'), 'dragstart');
      return dataTransfer.getData('text/uri-list');
    }, 'the drag module to take up the drag');
    expect(dataTransfer.getData('text/uri-list')).to.contain('/edit/altdrag/copied.png');
    const target = treeItem(element, 'altdrag-target');
    fire(target, 'dragover', true);
    fire(target, 'drop', true);
    await until(
      () => shadow(element).querySelector('.notice')?.textContent?.includes('Copied 1 file'),
      'notice',
    );
    expect(await names('/edit/altdrag-target')).to.deep.equal(['copied.png', 'resident.png']);
    expect(await names('/edit/altdrag')).to.deep.equal(['copied.png']);
    // A second drop cannot ask: the file already there is not made a new version, and the notice says so.
    fire(item(element, 'copied.png'), 'dragstart');
    fire(target, 'dragover', true);
    fire(target, 'drop', true);
    await until(
      () =>
        shadow(element)
          .querySelector('.notice')
          ?.textContent?.includes('1 skipped, already there: copied.png'),
      'the skip in the notice',
    );
    expect(shadow(element).querySelector('.notice')!.textContent).to.contain('Copied 0 files');
    expect(await versionCount('/edit/altdrag-target', 'copied.png')).to.equal(1);
  });

  it('sets a custom metadata field on several files at once', async () => {
    const element = await mount({ 'initial-folder': '/edit/bulkfield', multiple: true });
    click(item(element, 'f1.png'));
    click(item(element, 'f2.png'), { ctrlKey: true });
    await element.updateComplete;
    const root = await panel(element);
    const bulk = shadow(await until(() => root.querySelector('ml-bulk-edit'), 'the bulk panel'));
    const field = bulk.querySelector<HTMLSelectElement>('#bulk-field')!;
    field.value = 'caption';
    field.dispatchEvent(new Event('change'));
    const input = await until(
      () => bulk.querySelector<HTMLInputElement>('#cm-caption'),
      'the caption control',
    );
    input.value = 'Shared caption';
    input.dispatchEvent(new Event('input'));
    const apply = bulk.querySelector<HTMLButtonElement>('[data-action="set-field"]')!;
    await until(() => !apply.disabled, 'Apply enabled');
    apply.click();
    await until(
      () => bulk.querySelector('[role="status"]')?.textContent?.includes('Updated 2 files'),
      'done',
    );
    for (const file of (await listed('/edit/bulkfield')) as MediaFile[]) {
      expect(file.customMetadata, file.name).to.deep.equal({ caption: 'Shared caption' });
    }
  });

  it('moves a file with the Move to… dialog', async () => {
    const element = await mount({ 'initial-folder': '/edit/dialog' });
    click(item(element, 'moved.png'));
    const root = await panel(element);
    button(root, 'Move to…').click();
    const dialog = await dialogIn(root);
    // Found by a search for its name, in the folder tree.
    const search = dialog.querySelector('ml-folder-picker')!.shadowRoot!.querySelector('input')!;
    search.value = 'dialog-t';
    search.dispatchEvent(new Event('input'));
    const found = await until(
      () =>
        dialog
          .querySelector('ml-folder-picker')!
          .shadowRoot!.querySelector<HTMLButtonElement>('.found button'),
      'the folder found',
    );
    expect(found.textContent!.trim()).to.equal('/edit/dialog-target');
    found.click();
    await until(() => dialog.textContent?.includes('Destination: /edit/dialog-target'), 'the destination');
    button(dialog, 'Move').click();
    await until(() => dialog.querySelector('[role="status"]')?.textContent?.includes('Moved 1 file'), 'done');
    expect(await names('/edit/dialog-target')).to.deep.equal(['moved.png', 'resident.png']);
    await until(() => !itemNames(element).includes('moved.png'), 'the grid to update');
  });

  it('asks before deleting, naming the file', async () => {
    const element = await mount({ 'initial-folder': '/edit/delete' });
    click(item(element, 'doomed.png'));
    const root = await panel(element);
    button(root.querySelector('.body')!, 'Delete').click();
    const dialog = await dialogIn(root);
    expect(dialog.querySelector('p')!.textContent).to.contain('Delete doomed.png?');
    // Enter on what has focus must not delete.
    await until(() => activeElement()?.textContent?.trim() === 'Cancel', 'focus on Cancel');
    button(dialog, 'Delete').click();
    await until(
      () => dialog.querySelector('[role="status"]')?.textContent?.includes('Deleted 1 file'),
      'done',
    );
    expect(await names('/edit/delete')).to.deep.equal([]);
    await until(() => shadow(grid(element)).querySelector('.empty'), 'the empty folder');
    // The panel's Delete button went with the file: focus goes to the grid (here, what it says), not to the page.
    button(dialog, 'Close').click();
    await until(() => activeElement()?.matches('.empty'), 'focus in the grid');
  });

  it('asks before copying a file onto itself or onto a copy, and keeps the panel and focus where they were', async () => {
    const element = await mount({ 'initial-folder': '/edit/copy' });
    click(item(element, 'twice.png'));
    const root = await panel(element);
    await until(() => root.querySelector('h3')?.textContent === 'twice.png', 'the file in the panel');
    const copyOnce = async (folder: string, choice?: string) => {
      const opener = button(root, 'Copy to…');
      opener.focus();
      opener.click();
      const dialog = await dialogIn(root);
      await pickFolder(dialog, folder);
      button(dialog, 'Copy').click();
      if (choice) {
        const option = await until(
          () => [...dialog.querySelectorAll('fieldset label')].find((l) => l.textContent?.trim() === choice),
          'the question',
        );
        expect(dialog.querySelector('fieldset')!.textContent).to.contain('twice.png');
        option.querySelector('input')!.click();
        button(dialog, 'Copy').click();
      }
      const result = await until(
        () =>
          dialog.querySelector('.buttons')?.textContent?.includes('Close') &&
          dialog.querySelector('progress + p')!.textContent!.trim(),
        'the result',
      );
      button(dialog, 'Close').click();
      // Focus back on Copy to…, which is still there: the panel shows the selected file.
      await until(() => activeElement() === button(root, 'Copy to…'), 'focus back on Copy to…');
      expect(root.querySelector('h3')?.textContent).to.equal('twice.png');
      return result;
    };
    // Onto itself: asked, and skipped.
    expect(await copyOnce('copy', 'Skip it'))
      .to.contain('Copied 0 files')
      .and.contain('1 skipped, already there: twice.png');
    expect(await versionCount('/edit/copy', 'twice.png')).to.equal(1);
    // Elsewhere: no question.
    expect(await copyOnce('copy-target')).to.contain('Copied 1 file to /edit/copy-target');
    // Twice: asked; made a new version when asked to.
    expect(await copyOnce('copy-target', 'Make it a new version of the file there')).to.contain(
      'Copied 1 file',
    );
    expect(await versionCount('/edit/copy-target', 'twice.png')).to.equal(2);
    expect(await names('/edit/copy-target')).to.deep.equal(['other.png', 'twice.png']);
  });

  it('renames a folder as a server job, and the tree follows', async () => {
    const element = await mount({ 'initial-folder': '/edit/frename' });
    shadow(grid(element)).querySelector<HTMLElement>('.scroller')!.focus();
    const root = await panel(element);
    await until(() => root.querySelector('h3')?.textContent === 'inner', 'the folder in the panel');
    button(root, 'Rename…').click();
    const dialog = await dialogIn(root);
    const input = dialog.querySelector<HTMLInputElement>('#new-name')!;
    input.value = 'renamed';
    button(dialog, 'Save').click();
    await until(
      () => dialog.querySelector('[role="status"]')?.textContent?.includes('renamed'),
      'the job to finish',
    );
    expect(await names('/edit/frename')).to.deep.equal(['renamed']);
    expect(await names('/edit/frename/renamed')).to.deep.equal(['x.png']);
    await until(() => itemNames(element).includes('renamed'), 'the grid to follow');
    await until(() => treeItem(element, 'renamed'), 'the tree to follow');
  });

  it('says how many files a folder holds before deleting it', async () => {
    const element = await mount({ 'initial-folder': '/edit/fdelete' });
    shadow(grid(element)).querySelector<HTMLElement>('.scroller')!.focus();
    const root = await panel(element);
    await until(() => root.querySelector('h3')?.textContent === 'gone', 'the folder in the panel');
    button(root.querySelector('.body')!, 'Delete').click();
    const dialog = await dialogIn(root);
    const question = await until(
      () =>
        dialog.querySelector('p')?.textContent?.includes('2 files')
          ? dialog.querySelector('p')!.textContent
          : '',
      'the count',
    );
    expect(question).to.contain('gone');
    button(dialog, 'Delete').click();
    await until(() => dialog.querySelector('[role="status"]')?.textContent?.includes('deleted'), 'done');
    expect(await names('/edit/fdelete')).to.deep.equal([]);
  });
});
