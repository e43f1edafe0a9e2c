import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bundle,
  env,
  fetchAuth,
  mountInline as mount,
  panelOf,
  pngFile,
  shadow,
  startButton,
  until,
  uploadButton,
} from './bundle-helpers.js';

await import(/* @vite-ignore */ bundle);

/** A directory entry as Chromium hands one to a drop (the File and Directory Entries API). */
type FakeEntry = { isFile: boolean; isDirectory: boolean; name: string } & Record<string, unknown>;

function fileEntry(file: File): FakeEntry {
  return { isFile: true, isDirectory: false, name: file.name, file: (ok: (f: File) => void) => ok(file) };
}

function directoryEntry(name: string, children: FakeEntry[]): FakeEntry {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      // Two batches, then none, as readEntries answers.
      const batches = [children.slice(0, 1), children.slice(1), []];
      return { readEntries: (ok: (entries: FakeEntry[]) => void) => ok(batches.shift() ?? []) };
    },
  };
}

/** Drops one folder onto the grid: what a drag from the desktop's file manager carries. */
function dropFolder(element: MediaLibraryElement, folder: FakeEntry): void {
  const placeholder = new File([], folder.name);
  const transfer = {
    types: ['Files'],
    files: [placeholder],
    items: [{ kind: 'file', webkitGetAsEntry: () => folder }],
    dropEffect: 'none',
  };
  const grid = shadow(element).querySelector('ml-asset-grid')!;
  for (const type of ['dragover', 'drop']) {
    const event = new DragEvent(type, { bubbles: true, composed: true, cancelable: true });
    Object.defineProperty(event, 'dataTransfer', { value: transfer });
    grid.dispatchEvent(event);
  }
}

const next = <T>(target: EventTarget, type: string) =>
  new Promise<T>((resolve) =>
    target.addEventListener(type, (e) => resolve((e as CustomEvent<T>).detail), { once: true }),
  );

afterEach(async () => {
  for (const element of document.querySelectorAll('media-library')) element.remove();
  // Golden Retriever would bring the last test's batch back (it saves at most every 500 ms).
  await new Promise((resolve) => setTimeout(resolve, 600));
  localStorage.clear();
});

describe('folder upload', function () {
  this.timeout(60_000);
  it('recreates a dropped folder’s structure under the target, and asks about taken names once', async () => {
    const target = `/tree-${Date.now()}`;
    const element = await mount(target);
    await uploadButton(element);
    const tree = async () =>
      directoryEntry('shoot 2024', [
        fileEntry(await pngFile('cover.png')),
        directoryEntry('day1', [fileEntry(await pngFile('a.png')), fileEntry(await pngFile('b.png', 9, 9))]),
        directoryEntry('day2', [directoryEntry('raw', [fileEntry(await pngFile('a.png', 10, 10))])]),
      ]);
    dropFolder(element, await tree());
    const panel = await panelOf(element);
    let done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const { files } = await done;
    expect(files.map((f) => f.filePath).sort()).to.deep.equal(
      [
        `${target}/shoot_2024/cover.png`,
        `${target}/shoot_2024/day1/a.png`,
        `${target}/shoot_2024/day1/b.png`,
        `${target}/shoot_2024/day2/raw/a.png`,
      ].sort(),
    );

    // The same tree again: every name is taken, in three folders; one question for all of them.
    dropFolder(element, await tree());
    (await startButton(panel)).click();
    const selects = await until(() => {
      const found = shadow(panel).querySelectorAll<HTMLSelectElement>('select[name=conflict]');
      return found.length === 4 && found;
    }, 'the conflict choices');
    const labels = [...shadow(panel).querySelectorAll('.conflicts label.conflict span')].map(
      (s) => s.textContent,
    );
    expect(labels).to.include('shoot 2024/day2/raw/a.png');
    expect(selects.length).to.equal(4);
    const all = shadow(panel).querySelector<HTMLSelectElement>('select[name=conflict-all]')!;
    all.value = 'keep-both';
    all.dispatchEvent(new Event('change'));
    done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    shadow(panel).querySelector<HTMLButtonElement>('footer .btn.primary')!.click();
    const again = (await done).files;
    expect(again.length).to.equal(4);
    // Kept both: new names in the same subfolders.
    expect(
      again.every((f) => /\/shoot_2024\/(day1\/|day2\/raw\/)?[a-z]+_[A-Za-z0-9]+\.png$/.test(f.filePath)),
    ).to.equal(true);
  });

  it('offers the file already in the library when the same bytes are added again', async () => {
    const target = `/dup-${Date.now()}`;
    const element = await mount(target);
    await uploadButton(element);
    const bytes = await pngFile('original.png', 13, 11, '#1a7');
    const first = new DataTransfer();
    first.items.add(bytes);
    const grid = () => shadow(element).querySelector('ml-asset-grid')!;
    const drop = (data: DataTransfer) => {
      for (const type of ['dragover', 'drop'])
        grid().dispatchEvent(
          new DragEvent(type, { dataTransfer: data, bubbles: true, composed: true, cancelable: true }),
        );
    };
    drop(first);
    const panel = await panelOf(element);
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const [original] = (await done).files;

    const again = new DataTransfer();
    again.items.add(new File([bytes], 'again.png', { type: 'image/png' }));
    drop(again);
    const select = await until(
      () => shadow(panel).querySelector<HTMLSelectElement>('select[name=duplicate]'),
      'the duplicate choice',
    );
    const row = select.closest('label')!;
    expect(row.textContent).to.contain(`again.png is the same as ${original!.filePath}`);
    expect(select.value, 'keep both until the user says otherwise').to.equal('keep-both');
    select.value = 'use-existing';
    select.dispatchEvent(new Event('change'));
    (await startButton(panel)).click();
    await until(
      () =>
        shadow(panel)
          .querySelector('footer [role=status]')
          ?.textContent?.includes('Used the files already in the library: original.png'),
      'the existing file used',
    );
    const session = await (await fetchAuth()('session', { method: 'POST', body: '{}' })).json();
    const listed = await (
      await fetch(`${env.url}/v1/files?path=${encodeURIComponent(target)}`, {
        headers: { authorization: `Bearer ${(session as { token: string }).token}` },
      })
    ).json();
    expect((listed as MediaFile[]).map((f) => f.name)).to.deep.equal(['original.png']);
  });
});
