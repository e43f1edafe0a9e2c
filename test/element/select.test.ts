import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { FilesDetail, InsertPayload } from '../../src/element/media-library.js';
import {
  cleanup,
  click,
  grid,
  item,
  itemNames,
  mount,
  nextEvent,
  settled,
  shadow,
  until,
} from './helpers.js';

afterEach(cleanup);

const names = (detail: FilesDetail) => detail.files.map((f) => f.name).sort();
const focusGrid = (element: HTMLElement & { shadowRoot: ShadowRoot | null }) =>
  shadow(grid(element as never))
    .querySelector<HTMLElement>('.scroller')!
    .focus();

describe('selecting and inserting', () => {
  it('selects on click, toggles with Ctrl/Cmd, and selects a range with Shift', async () => {
    const element = await mount({ 'initial-folder': '/many', multiple: true });
    const selections: FilesDetail[] = [];
    element.addEventListener('ml-select', (e) => selections.push((e as CustomEvent<FilesDetail>).detail));
    click(item(element, 'item-129.png'));
    expect(element.selectedFiles.map((f) => f.name)).to.deep.equal(['item-129.png']);
    click(item(element, 'item-127.png'), { ctrlKey: true });
    click(item(element, 'item-126.png'), { metaKey: true });
    expect(element.selectedFiles.map((f) => f.name)).to.deep.equal([
      'item-129.png',
      'item-127.png',
      'item-126.png',
    ]);
    click(item(element, 'item-127.png'), { ctrlKey: true });
    expect(element.selectedFiles.map((f) => f.name)).to.deep.equal(['item-129.png', 'item-126.png']);
    // Shift selects from the last clicked item (127) to this one, instead of what was selected.
    click(item(element, 'item-124.png'), { shiftKey: true });
    expect(names({ files: element.selectedFiles })).to.deep.equal([
      'item-124.png',
      'item-125.png',
      'item-126.png',
      'item-127.png',
    ]);
    // Ctrl+Shift adds a range to the selection.
    click(item(element, 'item-129.png'), { shiftKey: true, ctrlKey: true });
    expect(selections.at(-1)!.files).to.have.length(6);
    await element.updateComplete;
    await grid(element).updateComplete;
    expect(item(element, 'item-125.png').getAttribute('aria-selected')).to.equal('true');
    expect(item(element, 'item-123.png').getAttribute('aria-selected')).to.equal('false');
    const summary = shadow(element).querySelector('footer [role="status"]')!.textContent!;
    expect(summary).to.contain('6 files selected');
  });

  it('selects one file at a time without multiple', async () => {
    const element = await mount({ 'initial-folder': '/many' });
    click(item(element, 'item-129.png'));
    click(item(element, 'item-128.png'), { ctrlKey: true });
    click(item(element, 'item-120.png'), { shiftKey: true });
    expect(element.selectedFiles.map((f) => f.name)).to.deep.equal(['item-120.png']);
  });

  it('moves with the arrow keys, toggles with Space, extends with Shift and inserts with Enter', async () => {
    const element = await mount({ 'initial-folder': '/alpha', multiple: true, 'max-files': '10' });
    focusGrid(element);
    const listbox = shadow(grid(element)).querySelector('[role="listbox"]')!;
    expect(listbox.getAttribute('aria-multiselectable')).to.equal('true');
    // Focus lands on the first item (the folder "nested"); the next is a file.
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Space' });
    expect(element.selectedFiles).to.have.length(1);
    const first = element.selectedFiles[0]!.name;
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ up: 'Shift' });
    expect(element.selectedFiles).to.have.length(2);
    const active = listbox.getAttribute('aria-activedescendant')!;
    expect(shadow(grid(element)).getElementById(active)!.getAttribute('aria-selected')).to.equal('true');
    const inserted = nextEvent<FilesDetail>(element, 'ml-insert');
    const payload = nextEvent<InsertPayload>(element, 'insert');
    await sendKeys({ press: 'Enter' });
    expect((await inserted).files.map((f) => f.name))
      .to.include(first)
      .and.have.length(2);
    const widgetPayload = await payload;
    expect(widgetPayload.eventType).to.equal('INSERT');
    expect(widgetPayload.data[0]).to.include.keys('fileId', 'url', 'thumbnail', 'filePath', 'fileType');
  });

  it('selects all in view with Ctrl+A, and holds max-files with a visible message', async () => {
    const element = await mount({ 'initial-folder': '/many', multiple: true, 'max-files': '3' });
    focusGrid(element);
    await sendKeys({ press: 'Control+a' });
    expect(element.selectedFiles).to.have.length(3);
    await element.updateComplete;
    const notice = shadow(element).querySelector('.notice')!;
    expect(notice.textContent).to.contain('You can select up to 3 files.');
    click(item(element, 'item-118.png'), { ctrlKey: true });
    expect(element.selectedFiles).to.have.length(3);
    expect(element.selectedFiles.map((f) => f.name)).not.to.include('item-118.png');
    // The same from the footer, with the mouse.
    shadow(element).querySelector<HTMLButtonElement>('footer .link')!.click();
    expect(element.selectedFiles).to.have.length(0);
    await element.updateComplete;
    const selectAll = [...shadow(element).querySelectorAll<HTMLButtonElement>('footer button')].find(
      (b) => b.textContent!.trim() === 'Select all in view',
    )!;
    selectAll.click();
    expect(element.selectedFiles).to.have.length(3);
  });

  it('dims files that accept does not allow and refuses them', async () => {
    const element = await mount({ 'initial-folder': '/alpha', multiple: true, accept: 'image/jpeg' });
    const png = item(element, 'red-dress.png');
    expect(png.getAttribute('aria-disabled')).to.equal('true');
    click(png);
    expect(element.selectedFiles).to.have.length(0);
    await element.updateComplete;
    expect(shadow(element).querySelector('.notice')!.textContent).to.contain('cannot be inserted');
    click(item(element, 'blue-sky.jpg'));
    expect(element.selectedFiles.map((f) => f.name)).to.deep.equal(['blue-sky.jpg']);
  });

  it('inserts a double-clicked file, and with the Insert button the selection', async () => {
    const element = await mount({ 'initial-folder': '/alpha', multiple: true });
    const first = nextEvent<FilesDetail>(element, 'ml-insert');
    item(element, 'logo.png').dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    expect(names(await first)).to.deep.equal(['logo.png']);
    click(item(element, 'red-dress.png'));
    click(item(element, 'blue-sky.jpg'), { ctrlKey: true });
    const button = shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!;
    await element.updateComplete;
    expect(button.textContent!.trim()).to.equal('Insert 2 files');
    const second = nextEvent<FilesDetail>(element, 'ml-insert');
    button.click();
    expect(names(await second)).to.deep.equal(['blue-sky.jpg', 'red-dress.png']);
  });

  it('keeps the selection across folders', async () => {
    const element = await mount({ 'initial-folder': '/alpha', multiple: true });
    click(item(element, 'red-dress.png'));
    click(item(element, 'nested'));
    await until(() => itemNames(element).includes('deep.png'), 'nested');
    click(item(element, 'deep.png'), { ctrlKey: true });
    expect(names({ files: element.selectedFiles })).to.deep.equal(['deep.png', 'red-dress.png']);
  });

  it('events bubble out of the shadow root (composed)', async () => {
    const element = await mount({ 'initial-folder': '/alpha' });
    const container = document.createElement('div');
    container.dataset.testContainer = '';
    document.body.append(container);
    container.append(element);
    await settled(element);
    const seen = new Promise<string>((resolve) =>
      container.addEventListener(
        'ml-select',
        (e) => resolve((e as CustomEvent<FilesDetail>).detail.files[0]!.name),
        {
          once: true,
        },
      ),
    );
    click(item(element, 'logo.png'));
    expect(await seen).to.equal('logo.png');
  });
});
