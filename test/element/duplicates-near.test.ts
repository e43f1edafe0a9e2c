// Duplicates in the element, against the built script-tag file (dist/, `npm run build:browser`):
// the dialog before an upload (use the existing file / keep both / replace it, exact and near
// duplicates, one choice for all) and the Find duplicates view (keep one, trash the others).
import { setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { perceptualHash } from '../../src/element/parts/upload-duplicates.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bundle,
  drop,
  env,
  fetchAuth,
  panelOf,
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

/** A picture that looks the same at any size (smooth bands of `seed`): scaled copies are near duplicates. */
async function picture(name: string, seed: number, size: number): Promise<File> {
  const canvas = new OffscreenCanvas(size, size);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, size, size * (seed % 3));
  gradient.addColorStop(0, `hsl(${seed * 40}, 80%, 20%)`);
  gradient.addColorStop(0.5, `hsl(${seed * 40 + 120}, 80%, 80%)`);
  gradient.addColorStop(1, `hsl(${seed * 40 + 240}, 80%, 40%)`);
  context.fillStyle = gradient;
  context.fillRect(0, 0, size, size);
  context.fillStyle = '#fff';
  context.fillRect(size * 0.1, size * 0.55, size * 0.3, size * 0.3);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
}

async function token(): Promise<string> {
  return ((await (await fetchAuth()('session', { method: 'POST', body: '{}' })).json()) as { token: string })
    .token;
}

async function listed(folder: string): Promise<MediaFile[]> {
  const response = await fetch(`${env.url}/v1/files?path=${encodeURIComponent(folder)}`, {
    headers: { authorization: `Bearer ${await token()}` },
  });
  return (await response.json()) as MediaFile[];
}

/** Uploads one file through the element and answers what the server stored. */
async function uploadThrough(element: MediaLibraryElement, file: File): Promise<MediaFile> {
  drop(element, [file]);
  const panel = await panelOf(element);
  const done = new Promise<MediaFile[]>((resolve) =>
    element.addEventListener(
      'ml-upload',
      (e) => resolve((e as CustomEvent<{ files: MediaFile[] }>).detail.files),
      {
        once: true,
      },
    ),
  );
  (await startButton(panel)).click();
  return (await done)[0]!;
}

const choose = (select: HTMLSelectElement, value: string) => {
  select.value = value;
  select.dispatchEvent(new Event('change'));
};

describe('near duplicates before an upload', function () {
  // Uploads through Uppy, twice a test, on a shared machine.
  this.timeout(90_000);
  afterEach(() => {
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('uses the existing file for an image that only looks the same, chosen for all', async () => {
    const folder = `/dup-near-${Date.now()}`;
    const element = await mount(folder);
    await uploadButton(element);
    const original = await uploadThrough(element, await picture('banner.png', 4, 96));
    // The browser's pHash of a smaller copy is within the distance of the server's of the original.
    const meta = await fetch(`${env.url}/v1/files/${original.fileId}/metadata`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    const serverHash = ((await meta.json()) as { pHash: string }).pHash;
    const browserHash = (await perceptualHash(await picture('x.png', 4, 60)))!;
    const bits = (BigInt(`0x${serverHash}`) ^ BigInt(`0x${browserHash}`))
      .toString(2)
      .replace(/0/g, '').length;
    expect(bits, `${serverHash} vs ${browserHash}`).to.be.at.most(6);
    // A smaller copy: other bytes, the same picture.
    drop(element, [await picture('banner-small.png', 4, 60), await picture('banner-mid.png', 4, 72)]);
    const panel = await panelOf(element);
    const all = await until(
      () => shadow(panel).querySelector<HTMLSelectElement>('select[name=duplicate-all]'),
      'one choice for all',
    );
    const rows = [...shadow(panel).querySelectorAll('.duplicates label.conflict span')].slice(1);
    expect(rows.map((r) => r.textContent?.trim())).to.include.members([
      `banner-small.png looks like ${original.filePath}`,
    ]);
    choose(all, 'use-existing');
    await (panel as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    for (const select of shadow(panel).querySelectorAll<HTMLSelectElement>('select[name=duplicate]'))
      expect(select.value).to.equal('use-existing');
    (await startButton(panel)).click();
    // Nothing is uploaded: the library's file is used (and selected, for insert, in a modal).
    await until(
      () =>
        shadow(panel)
          .querySelector('footer [role=status]')
          ?.textContent?.includes('Used the files already in the library: banner.png, banner.png'),
      'the existing file used',
    );
    expect((await listed(folder)).map((f) => f.name)).to.deep.equal(['banner.png']);
  });
});
