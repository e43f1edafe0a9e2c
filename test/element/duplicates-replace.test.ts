// Duplicates in the element, against the built script-tag file (dist/, `npm run build:browser`):
// the dialog before an upload (use the existing file / keep both / replace it, exact and near
// duplicates, one choice for all) and the Find duplicates view (keep one, trash the others).
import { setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
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

/** Drops `file` again and answers the duplicate row offered for it. */
async function offered(element: MediaLibraryElement, file: File) {
  drop(element, [file]);
  const panel = await panelOf(element);
  const select = await until(
    () => shadow(panel).querySelector<HTMLSelectElement>(`select[name=duplicate][data-file="${file.name}"]`),
    'the duplicate choice',
  );
  return { panel, select, row: select.closest('label')! };
}

const choose = (select: HTMLSelectElement, value: string) => {
  select.value = value;
  select.dispatchEvent(new Event('change'));
};

describe('replacing a duplicate before an upload', function () {
  // Uploads through Uppy, twice a test, on a shared machine.
  this.timeout(90_000);
  afterEach(() => {
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('replaces it: the upload becomes a new version of the library’s file', async () => {
    const folder = `/dup-replace-${Date.now()}`;
    const element = await mount(folder);
    await uploadButton(element);
    const first = await picture('hero.png', 2, 40);
    const original = await uploadThrough(element, first);
    const { panel, select } = await offered(
      element,
      new File([first], 'hero-copy.png', { type: 'image/png' }),
    );
    choose(select, 'replace');
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
    const failed = until(
      () =>
        /fail|could not|refused/i.test(
          shadow(panel).querySelector('footer [role=status]')?.textContent ?? '',
        ),
      'a failure',
    ).then(() => shadow(panel).querySelector('footer [role=status]')?.textContent);
    const answer = await Promise.race([done, failed]);
    expect(Array.isArray(answer), String(answer)).to.equal(true);
    const files = await listed(folder);
    expect(files.length).to.equal(1);
    expect(files[0]!.versionInfo?.id).not.to.equal(original.versionInfo?.id);
    expect(files[0]!.name).to.equal('hero.png');
  });
});
