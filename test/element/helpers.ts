// Browser-side helpers for the element tests: mount the element against the test server, wait
// for it, and look inside its shadow roots the way a user's eyes would (roles and names).
import { sendMouse, setViewport } from '@web/test-runner-commands';
import '../../src/element/index.js';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { AssetGridElement } from '../../src/element/parts/asset-grid.js';
import type { Asset, MediaFile } from '../../src/shared/wire.js';
import type { ElementTestEnv, TestMember } from './test-server.js';

import { until } from './until.js';

export { until };

export const env = (window as unknown as { ML_TEST: ElementTestEnv }).ML_TEST;

/**
 * `fetchAuth` for the test token endpoint, optionally with a scope or a refusal, acting for a DAM
 * member made with the grants given (see TestMember) or for an existing DAM user, counting calls.
 */
export function testFetchAuth(
  options: { scope?: object; deny?: boolean; member?: TestMember; user?: string } = {},
) {
  const calls: string[] = [];
  const fetchAuth = (path: 'session' | 'upload-auth', init: RequestInit) => {
    calls.push(path);
    const headers = new Headers(init.headers);
    if (options.scope) headers.set('x-test-scope', JSON.stringify(options.scope));
    if (options.deny) headers.set('x-test-deny', '1');
    if (options.member) headers.set('x-test-member', JSON.stringify(options.member));
    if (options.user) headers.set('x-test-user', options.user);
    return fetch(`${env.authUrl}/${path}`, { ...init, headers });
  };
  return { fetchAuth, calls };
}

/**
 * Puts a `<media-library>` on the page with these attributes (and properties), pointed at the
 * test server, and waits for the first page of the listing (unless `wait` is false).
 */
export async function mount(
  attributes: Record<string, string | boolean> = {},
  properties: Partial<MediaLibraryElement> = {},
  wait = true,
): Promise<MediaLibraryElement> {
  // Wide enough for the full layout (the narrow one starts below 820px).
  if (window.innerWidth < 1280) await setViewport({ width: 1280, height: 900 });
  const element = document.createElement('media-library');
  element.setAttribute('endpoint', env.url);
  element.setAttribute('auth-url', env.authUrl);
  element.setAttribute('mode', 'inline');
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : value);
  }
  Object.assign(element, properties);
  element.style.height = '700px';
  element.style.width = '1100px';
  element.style.display = 'block';
  document.body.append(element);
  if (wait) await settled(element);
  return element;
}

/** Removes every element the tests put on the page. */
export function cleanup(): void {
  for (const element of document.querySelectorAll('media-library, [data-test-container]')) element.remove();
}

export function shadow(element: Element): ShadowRoot {
  if (!element.shadowRoot) throw new Error(`${element.localName} has no shadow root`);
  return element.shadowRoot;
}

export function grid(element: MediaLibraryElement): AssetGridElement {
  return shadow(element).querySelector('ml-asset-grid') as AssetGridElement;
}

/** Waits until the element has connected and shows a result (items, an empty state or an error). */
export async function settled(element: MediaLibraryElement): Promise<void> {
  await element.updateComplete;
  await until(
    () => !element.hasAttribute('loading') && shadow(element).querySelector('ml-asset-grid, .config-error'),
    'the listing to load',
  );
  const g = shadow(element).querySelector('ml-asset-grid') as
    | (HTMLElement & { updateComplete: Promise<unknown> })
    | null;
  await g?.updateComplete;
  await until(
    () => !g || (!shadow(g).querySelector('.skeleton') && shadow(g).querySelector('[data-index], .empty')),
    'the grid to render',
  );
}

/** The names of the items the grid shows, in order. */
export function itemNames(element: MediaLibraryElement): string[] {
  return [...shadow(grid(element)).querySelectorAll('[data-index] .name')].map((n) => n.textContent!.trim());
}

export function item(element: MediaLibraryElement, name: string): HTMLElement {
  const match = [...shadow(grid(element)).querySelectorAll<HTMLElement>('[data-index]')].find(
    (cell) => cell.querySelector('.name')?.textContent?.trim() === name,
  );
  if (!match) throw new Error(`no item named ${name}; the grid shows ${itemNames(element).join(', ')}`);
  return match;
}

export function click(
  target: Element,
  modifiers: { ctrlKey?: boolean; shiftKey?: boolean; metaKey?: boolean } = {},
) {
  target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, ...modifiers }));
}

/** Waits for the next `type` event from `target` and answers its detail. */
export function nextEvent<T>(target: EventTarget, type: string): Promise<T> {
  return new Promise((resolve) =>
    target.addEventListener(type, (event) => resolve((event as CustomEvent<T>).detail), { once: true }),
  );
}

/** The tree items, by visible name. */
export function treeItem(element: MediaLibraryElement, name: string): HTMLElement {
  const tree = shadow(shadow(element).querySelector('ml-folder-tree')!);
  const match = [...tree.querySelectorAll<HTMLElement>('[role="treeitem"]')].find(
    (row) => row.querySelector('.name')?.textContent?.trim() === name,
  );
  if (!match) throw new Error(`no folder ${name} in the tree`);
  return match;
}

export async function folderOpened(element: MediaLibraryElement, folder: string): Promise<void> {
  await until(() => element.currentFolder === folder, `folder ${folder}`);
  await settled(element);
}

/** The composed active element, inside shadow roots. */
export function activeElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** The open context menu of `element`, once it is open. */
export const openMenu = (element: MediaLibraryElement): Promise<HTMLElement> =>
  until(
    () =>
      shadow(element)
        .querySelector('ml-context-menu')
        ?.shadowRoot?.querySelector<HTMLElement>('[role="menu"]:popover-open'),
    'the context menu',
  );

/** A real right click in the middle of `target`, scrolled into view first. */
export async function rightClick(target: Element): Promise<void> {
  target.scrollIntoView({ block: 'nearest' });
  const box = target.getBoundingClientRect();
  await sendMouse({
    type: 'click',
    position: [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)],
    button: 'right',
  });
}

/**
 * Right-clicks `target` (or what a function finds anew each try) until its context menu opens (the
 * menus chunk loads when the browser is idle, and a click before it answers nothing); answers the menu.
 */
export function menuAt(
  element: MediaLibraryElement,
  target: Element | (() => Element),
): Promise<HTMLElement> {
  return until<HTMLElement>(
    async () => {
      await rightClick(typeof target === 'function' ? target() : target);
      return (
        shadow(element)
          .querySelector('ml-context-menu')
          ?.shadowRoot?.querySelector<HTMLElement>('[role="menu"]:popover-open') ?? undefined
      );
    },
    'the context menu',
    12_000,
  );
}

/**
 * `Bearer <token>` of a session from the test token endpoint: the whole library, or acting for the
 * DAM user `user` (its `x-test-user`).
 */
export async function bearer(user?: string): Promise<string> {
  const session = await fetch(`${env.authUrl}/session`, {
    method: 'POST',
    ...(user && { headers: { 'x-test-user': user } }),
    body: '{}',
  });
  return `Bearer ${((await session.json()) as { token: string }).token}`;
}

/** What `folder` holds, folders and files, as the API lists it (not through the element). */
export async function listed(folder: string): Promise<Asset[]> {
  const response = await fetch(`${env.url}/v1/files?type=all&path=${encodeURIComponent(folder)}`, {
    headers: { authorization: await bearer() },
  });
  return (await response.json()) as Asset[];
}

/** A filled `width`×`height` PNG uploaded as `name` into `folder` with `authorization`. */
export async function uploadPng(
  folder: string,
  name: string,
  { authorization, width, height }: { authorization: string; width: number; height: number },
): Promise<MediaFile> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.fillRect(0, 0, width, height);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  const form = new FormData();
  form.set('file', blob, name);
  form.set('fileName', name);
  form.set('folder', folder);
  form.set('useUniqueFileName', 'false');
  const response = await fetch(`${env.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization },
    body: form,
  });
  if (response.status !== 200)
    throw new Error(`upload of ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as MediaFile;
}
