// Browser-side helpers for the Contentful app's tests: wait for things, look inside shadow roots
// as a user would (by role, label and text), and drive the element the dialog shows.
import type { MediaLibraryElement } from 'media-library';
import { until as waitUntil } from '../../element/until.js';

/** Resolves once `check` answers something truthy; the dialog loads the element, so 8 s by default. */
export const until = <T>(check: () => T | undefined | null | false, what = 'condition', timeout = 8000) =>
  waitUntil(check, what, timeout);

export function shadow(element: Element): ShadowRoot {
  if (!element.shadowRoot) throw new Error(`${element.localName} has no shadow root`);
  return element.shadowRoot;
}

/** Removes every app the tests put on the page. */
export function cleanup(): void {
  for (const element of document.querySelectorAll('[data-test-container]')) element.remove();
}

/** The location's view (`ml-contentful-config`, …) once the app has rendered it into `root`. */
export async function viewIn<K extends keyof HTMLElementTagNameMap>(
  root: HTMLElement,
  tag: K,
): Promise<HTMLElementTagNameMap[K]> {
  const view = await until(() => root.querySelector(tag), tag);
  await (view as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return view;
}

/** Every element under `root`, shadow roots included. */
export function deepElements(root: ParentNode): Element[] {
  const found: Element[] = [];
  for (const element of root.querySelectorAll('*')) {
    found.push(element);
    if (element.shadowRoot) found.push(...deepElements(element.shadowRoot));
  }
  return found;
}

/** Buttons (and inputs) by their accessible name: aria-label, else text. */
export function buttonNamed(root: ParentNode, name: string | RegExp): HTMLButtonElement | undefined {
  return [...root.querySelectorAll('button')].find((button) => {
    const label = button.getAttribute('aria-label') ?? button.textContent?.trim() ?? '';
    return typeof name === 'string' ? label === name : name.test(label);
  });
}

/** The `<media-library>` inside the dialog, once its first listing has rendered. */
export async function libraryIn(dialogRoot: HTMLElement): Promise<MediaLibraryElement> {
  const dialog = await viewIn(dialogRoot, 'ml-contentful-dialog');
  // A plain string selector: typecheck also sees src/element's declaration of the tag, from the element tests.
  const tag: string = 'media-library';
  const library = await until(
    () => shadow(dialog).querySelector<MediaLibraryElement>(tag),
    'the media library in the dialog',
  );
  await until(
    () =>
      !library.hasAttribute('loading') &&
      (shadow(library).querySelector('.config-error') ||
        shadow(shadow(library).querySelector('ml-asset-grid')!).querySelector('[data-index]')),
    'the library to list files',
  );
  return library;
}

/** A cell of the element's grid, by the name it shows. */
export function cell(library: MediaLibraryElement, name: string): HTMLElement {
  const grid = shadow(shadow(library).querySelector('ml-asset-grid')!);
  const match = [...grid.querySelectorAll<HTMLElement>('[data-index]')].find(
    (item) => item.querySelector('.name')?.textContent?.trim() === name,
  );
  if (!match) throw new Error(`no item named ${name} in the grid`);
  return match;
}

export function click(target: Element, modifiers: { ctrlKey?: boolean } = {}): void {
  target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, ...modifiers }));
}

/** Sets a form control as typing would (an `input` event after the value changes). */
export function type(input: HTMLInputElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}
