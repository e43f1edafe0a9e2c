// Helpers for the tests of the built script-tag file (upload, events): nothing here registers the
// element from source, as helpers.ts does.
import { setViewport } from '@web/test-runner-commands';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import type { ElementTestEnv } from './test-server.js';
import { until as waitUntil } from './until.js';

export const env = (window as unknown as { ML_TEST: ElementTestEnv }).ML_TEST;
export const bundle = '/dist/media-library.js';

/** Uploads run slower than UI updates: a longer wait than until's default. */
export const until = <T>(check: () => T | undefined | null | false, what: string) =>
  waitUntil(check, what, 10_000);

export const shadow = (element: Element) => element.shadowRoot!;

/** Sessions from the test token endpoint, optionally narrowed. */
export function fetchAuth(scope?: object) {
  return (path: 'session' | 'upload-auth', init: RequestInit) => {
    const headers = new Headers(init.headers);
    if (scope) headers.set('x-test-scope', JSON.stringify(scope));
    return fetch(`${env.authUrl}/${path}`, { ...init, headers });
  };
}

/** The Upload button (a lazy part, there once the browser has been idle). */
export const uploadButton = (element: MediaLibraryElement) =>
  until(
    () => shadow(element).querySelector('ml-upload-button')?.shadowRoot?.querySelector('button'),
    'the Upload button',
  );

export const panelOf = (element: MediaLibraryElement) =>
  until(() => shadow(element).querySelector('ml-upload-panel'), 'the upload panel');

/** Drops files from the desktop onto the grid. */
export function drop(element: MediaLibraryElement, files: File[]): void {
  const data = new DataTransfer();
  for (const file of files) data.items.add(file);
  const grid = shadow(element).querySelector('ml-asset-grid')!;
  for (const type of ['dragover', 'drop'])
    grid.dispatchEvent(
      new DragEvent(type, { dataTransfer: data, bubbles: true, composed: true, cancelable: true }),
    );
}

/** Sets the folder the upload panel sends to. */
export async function uploadTo(panel: Element, folder: string): Promise<void> {
  const input = await until(
    () => shadow(panel).querySelector<HTMLInputElement>('input[name=folder]'),
    'folder',
  );
  input.value = folder;
  input.dispatchEvent(new Event('change'));
}

/** The panel's Upload button, once it has files to send. */
export const startButton = (panel: Element) =>
  until(
    () => shadow(panel).querySelector<HTMLButtonElement>('footer .btn.primary:not([disabled])'),
    'Upload enabled',
  );

/** A real PNG of the given size, drawn on a canvas. */
export async function pngFile(name: string, width = 8, height = 8, colour = '#c33'): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  context.fillStyle = colour;
  context.fillRect(0, 0, width, height);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
}

/** The element inline on `folder` (1100×800 in a 1280 px wide page), once its listing is there. */
export async function mountInline(
  folder: string,
  properties: Partial<MediaLibraryElement> = {},
): Promise<MediaLibraryElement> {
  if (window.innerWidth < 1280) await setViewport({ width: 1280, height: 900 });
  const element = document.createElement('media-library') as MediaLibraryElement;
  element.setAttribute('endpoint', env.url);
  element.setAttribute('mode', 'inline');
  element.setAttribute('initial-folder', folder);
  element.fetchAuth = fetchAuth();
  Object.assign(element, properties);
  element.style.cssText = 'display:block;width:1100px;height:800px';
  document.body.append(element);
  await until(
    () => !element.hasAttribute('loading') && shadow(element).querySelector('ml-asset-grid'),
    'the listing',
  );
  return element;
}

/** A whole-library session's token from the test token endpoint. */
export async function sessionToken(): Promise<string> {
  return ((await (await fetchAuth()('session', { method: 'POST', body: '{}' })).json()) as { token: string })
    .token;
}

/** The grid cell showing `name`, if it is rendered. */
export const cellNamed = (element: MediaLibraryElement, name: string) => {
  const grid = shadow(element).querySelector('ml-asset-grid');
  return [...(grid?.shadowRoot?.querySelectorAll<HTMLElement>('[data-index]') ?? [])].find(
    (cell) => cell.querySelector('.name')?.textContent?.trim() === name,
  );
};

/** Selects `name` and opens the details panel; answers the panel's shadow root. */
export async function openDetails(element: MediaLibraryElement, name: string): Promise<ShadowRoot> {
  const cell = await until(() => cellNamed(element, name), `${name} in the grid`);
  cell.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
  shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
  const panel = await until(() => shadow(element).querySelector('ml-asset-details'), 'the details panel');
  await until(() => panel.shadowRoot?.querySelector('h3')?.textContent === name, 'the file in the panel');
  return panel.shadowRoot!;
}

/** The files of the next `ml-upload` the element fires. */
export function nextUpload(element: MediaLibraryElement): Promise<MediaFile[]> {
  return new Promise((resolve) =>
    element.addEventListener(
      'ml-upload',
      (e) => resolve((e as CustomEvent<{ files: MediaFile[] }>).detail.files),
      { once: true },
    ),
  );
}
