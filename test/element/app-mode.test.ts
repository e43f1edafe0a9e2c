// mode="app": the DAM's full page (src/app). No dialog and no Insert; the element fills its
// container; Enter or double-click opens a file's details instead of inserting it.
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { cleanup, item, mount, shadow, until } from './helpers.js';

afterEach(cleanup);

describe('mode="app"', () => {
  it('lays out in its container with no dialog and no Insert button', async () => {
    const frame = document.createElement('div');
    frame.style.cssText = 'height: 600px; width: 1000px';
    document.body.append(frame);
    const element = await mount({ mode: 'app', 'initial-folder': '/alpha' });
    element.style.cssText = '';
    frame.append(element);
    await until(
      () => shadow(element).querySelector('[data-index], .empty') ?? item(element, 'logo.png'),
      'files',
    );
    expect(shadow(element).querySelector('dialog')).to.equal(null);
    expect(shadow(element).querySelector('[part="insert-button"]')).to.equal(null);
    expect(getComputedStyle(element).display).to.equal('block');
    expect(element.getBoundingClientRect().height).to.equal(600);
    frame.remove();
  });

  it('opens a double-clicked file’s details rather than inserting it', async () => {
    const element: MediaLibraryElement = await mount({ mode: 'app', 'initial-folder': '/alpha' });
    let inserted = false;
    element.addEventListener('ml-insert', () => {
      inserted = true;
    });
    item(element, 'logo.png').dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    const details = await until(() => shadow(element).querySelector('ml-asset-details'), 'the details panel');
    await until(
      () =>
        (details as HTMLElement & { shadowRoot: ShadowRoot }).shadowRoot?.textContent?.includes('logo.png'),
      'logo.png in the details',
    );
    expect(inserted).to.equal(false);
  });
});
