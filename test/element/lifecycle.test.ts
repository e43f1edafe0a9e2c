import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import {
  activeElement,
  cleanup,
  click,
  item,
  itemNames,
  listed,
  mount,
  shadow,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

function button(root: ParentNode, text: string): HTMLButtonElement {
  const found = [...root.querySelectorAll<HTMLButtonElement>('button')].find(
    (b) => b.textContent?.trim() === text,
  );
  if (!found) throw new Error(`no button ${text}`);
  return found;
}

async function panel(element: MediaLibraryElement): Promise<ShadowRoot> {
  const toggle = shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!;
  if (toggle.getAttribute('aria-pressed') !== 'true') toggle.click();
  const details = await until(() => shadow(element).querySelector('ml-asset-details'), 'the details panel');
  return until(() => details.shadowRoot?.querySelector('.body') && details.shadowRoot, 'the panel body');
}

async function trashView(element: MediaLibraryElement): Promise<ShadowRoot> {
  button(shadow(element).querySelector('nav')!, 'Trash').click();
  const view = await until(() => shadow(element).querySelector('ml-trash-view'), 'the trash view');
  return until(() => view.shadowRoot?.querySelector('li') && view.shadowRoot, 'the trash items');
}

describe('where used and the trash', function () {
  this.timeout(60_000);

  it('shows where a file is used in the details panel, linking to the place in a new tab', async () => {
    const element = await mount({ 'initial-folder': '/lifecycle' });
    // The cell says it is used, counted for the whole page in one request.
    const badge = await until(() => item(element, 'used.png').querySelector('.used'), 'the usage badge');
    expect(badge.textContent).to.contain('Used in places: 1');
    click(item(element, 'used.png'));
    const root = await panel(element);
    const section = await until(
      () =>
        root.querySelector('ml-used-in')?.shadowRoot?.querySelector('a') &&
        root.querySelector('ml-used-in')!.shadowRoot!,
      'the Used in section',
    );
    expect(section.querySelector('h4')!.textContent).to.contain('Used in');
    const link = section.querySelector('a')!;
    expect(link.textContent).to.contain('Summer sale');
    expect(link.getAttribute('href')).to.equal('https://site.example/summer-sale');
    expect(link.getAttribute('target')).to.equal('_blank');
    expect(link.getAttribute('rel')).to.contain('noopener');
    expect(section.textContent).to.contain('wordpress:https://site.example');
  });

  it('filters the folder to files no place uses', async () => {
    const element = await mount({ 'initial-folder': '/lifecycle' });
    await until(() => item(element, 'used.png').querySelector('.used'), 'the usage badge');
    const bar = shadow(shadow(element).querySelector('ml-search-bar')!);
    const unused = await until(
      () => [...bar.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Unused'),
      'the Unused filter',
    );
    unused.click();
    await until(() => unused.getAttribute('aria-pressed') === 'true', 'the filter on');
    await until(() => itemNames(element).includes('clash.png'), 'unused files listed');
    expect(itemNames(element)).to.not.include('used.png');
    expect(itemNames(element)).to.not.include('used-doomed.png');
  });

  it('warns before deleting a used file, naming the places', async () => {
    const element = await mount({ 'initial-folder': '/lifecycle/delete' });
    click(item(element, 'used-doomed.png'));
    const root = await panel(element);
    button(root.querySelector('.body')!, 'Delete').click();
    const host = root.querySelector('ml-organise-dialog')!;
    const dialog = await until(
      () => host.shadowRoot?.querySelector('dialog[open] form') && host.shadowRoot,
      'the dialog',
    );
    const warning = await until(
      () => dialog.querySelector('ml-usage-warning')?.shadowRoot?.querySelector('[role="alert"]'),
      'the usage warning',
    );
    expect(warning.textContent).to.contain('used-doomed.png is used in: Summer sale');
    // The server keeps deletes in its trash: the question says so.
    await until(
      () => dialog.querySelector('p')?.textContent?.includes('stays in the trash for 30 days'),
      'the trash note',
    );
    await until(() => activeElement()?.textContent?.trim() === 'Cancel', 'focus on Cancel');
    button(dialog, 'Cancel').click();
  });

  it('restores a file from the Trash view, and asks before restoring onto a taken name', async () => {
    const element = await mount({ 'initial-folder': '/lifecycle/trash' });
    const trash = await trashView(element);
    await until(() => activeElement()?.tagName === 'H3', 'focus on the Trash heading');
    const row = (name: string) =>
      [...trash.querySelectorAll<HTMLElement>('li')].find(
        (li) => li.querySelector('strong')?.textContent === name,
      );
    const trashed = await until(() => row('trashed.png'), 'trashed.png in the trash');
    expect(trashed.textContent).to.contain('/lifecycle/trash/trashed.png');
    button(trashed, 'Restore').click();
    await until(
      () =>
        trash
          .querySelector('[role="status"]')
          ?.textContent?.includes('trashed.png is back in /lifecycle/trash'),
      'the restore announced',
    );
    expect(row('trashed.png')).to.equal(undefined);
    expect((await listed('/lifecycle/trash')).map((a) => a.name)).to.include('trashed.png');

    button(row('clash.png')!, 'Restore').click();
    const ask = await until(() => row('clash.png')?.querySelector('.ask'), 'the conflict question');
    expect(ask.textContent).to.contain('/lifecycle/trash/clash.png is taken');
    await until(() => activeElement()?.textContent?.trim() === 'Cancel', 'focus on Cancel');
    button(ask, 'Restore with a new name').click();
    await until(() => !row('clash.png'), 'clash.png restored');
    const names = (await listed('/lifecycle/trash')).map((a) => a.name);
    expect(names.filter((n) => n.startsWith('clash')).length).to.equal(2);

    button(trash, 'Back to files').click();
    await until(() => !shadow(element).querySelector('ml-trash-view'), 'the files again');
    await until(() => item(element, 'trashed.png'), 'the restored file in the grid');
  });
});
