// Dropping a folder onto the element, against the built script-tag file (dist/, built by
// `npm run build:browser`): its structure is recreated under the target folder, and names already
// taken anywhere in it are asked about once, as one batch.
import { setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bundle,
  env,
  fetchAuth,
  panelOf,
  pngFile,
  shadow,
  startButton,
  until,
  uploadButton,
} from './bundle-helpers.js';

await import(/* @vite-ignore */ bundle);

async function mount(folder: string): Promise<MediaLibraryElement> {
  if (window.innerWidth < 1280) await setViewport({ width: 1280, height: 900 });
  const element = document.createElement('media-library') as MediaLibraryElement;
  element.setAttribute('endpoint', env.url);
  element.setAttribute('mode', 'inline');
  element.setAttribute('initial-folder', folder);
  element.fetchAuth = fetchAuth();
  element.style.cssText = 'display:block;width:1100px;height:800px';
  document.body.append(element);
  await until(
    () => !element.hasAttribute('loading') && shadow(element).querySelector('ml-asset-grid'),
    'the listing',
  );
  return element;
}

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

afterEach(() => {
  for (const element of document.querySelectorAll('media-library')) element.remove();
});

describe('folder upload', () => {
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
});
