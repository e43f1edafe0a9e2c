import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { createMediaLibraryWidget, type MediaLibraryWidgetPayload } from '../../src/element/widget.js';
import { cleanup, click, env, item, settled, shadow } from './helpers.js';

afterEach(cleanup);

function container(): HTMLElement {
  const div = document.createElement('div');
  div.id = 'widget-host';
  div.dataset.testContainer = '';
  document.body.append(div);
  return div;
}

describe('createMediaLibraryWidget (ImageKit widget drop-in)', () => {
  it('renders an open button and a modal, and calls back with INSERT and CLOSE payloads', async () => {
    const host = container();
    const payloads: MediaLibraryWidgetPayload[] = [];
    const widget = createMediaLibraryWidget(
      {
        container: '#widget-host',
        className: 'media-library-widget',
        dimensions: { height: '500px', width: '900px' },
        view: 'modal',
        renderOpenButton: true,
        mlSettings: { initialView: { folderPath: '/alpha' }, multiple: true, maxFiles: 2 },
        endpoint: env.url,
        authUrl: env.authUrl,
      },
      (payload) => payloads.push(payload),
    );
    const button = host.querySelector('button')!;
    expect(button.textContent).to.equal('Open Media Library');
    const element = widget.element as MediaLibraryElement;
    expect(element.className).to.equal('media-library-widget');
    expect(element.style.getPropertyValue('--ml-dialog-width')).to.equal('900px');
    button.click();
    await settled(element);
    expect(element.currentFolder).to.equal('/alpha');
    click(item(element, 'red-dress.png'));
    click(item(element, 'logo.png'), { ctrlKey: true });
    click(item(element, 'blue-sky.jpg'), { ctrlKey: true });
    expect(element.selectedFiles).to.have.length(2);
    await element.updateComplete;
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    expect(payloads).to.have.length(1);
    const insert = payloads[0]!;
    expect(insert.eventType).to.equal('INSERT');
    expect('data' in insert && insert.data.map((f) => f.name)).to.deep.equal(['red-dress.png', 'logo.png']);
    widget.open();
    await settled(element);
    widget.close();
    expect(payloads.at(-1)).to.deep.equal({ eventType: 'CLOSE_MEDIA_LIBRARY_WIDGET' });
    widget.destroy();
    expect(host.childElementCount).to.equal(0);
  });

  it('renders inline at the given size, with a search as the initial view and hidden toolbar buttons', async () => {
    const host = container();
    const widget = createMediaLibraryWidget(
      {
        container: host,
        view: 'inline',
        dimensions: { height: '480px', width: '100%' },
        mlSettings: { initialView: { searchQuery: 'tags IN ["sky"]' }, toolbar: { showInsertButton: false } },
        endpoint: env.url,
        authUrl: env.authUrl,
      },
      () => {},
    );
    const element = widget.element as MediaLibraryElement;
    expect(host.querySelector('button')).to.equal(null);
    expect(element.mode).to.equal('inline');
    expect(element.style.height).to.equal('480px');
    await settled(element);
    expect(element.getBoundingClientRect().height).to.equal(480);
    const insert = shadow(element).querySelector('[part="insert-button"]')!;
    expect(getComputedStyle(insert).display).to.equal('none');
    expect(shadow(shadow(element).querySelector('ml-asset-grid')!).textContent).to.contain('blue-sky.jpg');
  });
});
