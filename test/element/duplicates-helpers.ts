import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  drop,
  env,
  nextUpload,
  panelOf,
  shadow,
  startButton,
  sessionToken as token,
  until,
} from './bundle-helpers.js';

export { mountInline as mount, sessionToken as token } from './bundle-helpers.js';

/** A picture that looks the same at any size (smooth bands of `seed`): scaled copies are near duplicates. */
export async function picture(name: string, seed: number, size: number): Promise<File> {
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

export async function listed(folder: string): Promise<MediaFile[]> {
  const response = await fetch(`${env.url}/v1/files?path=${encodeURIComponent(folder)}`, {
    headers: { authorization: `Bearer ${await token()}` },
  });
  return (await response.json()) as MediaFile[];
}

/** Uploads one file through the element and answers what the server stored. */
export async function uploadThrough(element: MediaLibraryElement, file: File): Promise<MediaFile> {
  drop(element, [file]);
  const panel = await panelOf(element);
  const done = nextUpload(element);
  (await startButton(panel)).click();
  return (await done)[0]!;
}

/** Drops `file` again and answers the duplicate row offered for it. */
export async function offered(element: MediaLibraryElement, file: File) {
  drop(element, [file]);
  const panel = await panelOf(element);
  const select = await until(
    () => shadow(panel).querySelector<HTMLSelectElement>(`select[name=duplicate][data-file="${file.name}"]`),
    'the duplicate choice',
  );
  return { panel, select, row: select.closest('label')! };
}

/** Picks `value` in a duplicate choice as a person would. */
export function choose(select: HTMLSelectElement, value: string): void {
  select.value = value;
  select.dispatchEvent(new Event('change'));
}
