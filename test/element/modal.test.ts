import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { CloseDetail, FilesDetail } from '../../src/element/media-library.js';
import { activeElement, cleanup, click, item, mount, nextEvent, settled, shadow, until } from './helpers.js';

afterEach(cleanup);

async function openModal(attributes: Record<string, string | boolean> = {}) {
  const opener = document.createElement('button');
  opener.textContent = 'Open';
  opener.dataset.testContainer = '';
  document.body.append(opener);
  const element = await mount({ mode: 'modal', ...attributes }, {}, false);
  opener.addEventListener('click', () => element.show());
  opener.focus();
  opener.click();
  await settled(element);
  return { element, opener };
}

describe('modal mode', () => {
  it('loads nothing until show(), then opens a modal dialog with focus in the search field', async () => {
    const element = await mount({ mode: 'modal' }, {}, false);
    await element.updateComplete;
    expect(element.hasAttribute('open')).to.equal(false);
    expect(shadow(element).querySelector('ml-asset-grid')).to.equal(null);
    element.show();
    await settled(element);
    const dialog = shadow(element).querySelector('dialog')!;
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    expect(dialog.getAttribute('aria-label')).to.equal('Media library');
    await until(() => activeElement()?.matches('input[type="search"]'), 'focus in the search field');
  });

  it('asks for the first page before it renders the dialog, when the session is already there', async () => {
    const realFetch = window.fetch;
    let sessions = 0;
    /** What was on screen when the listing's first page was asked for. */
    let atListing: { grid: boolean; shell: boolean } | undefined;
    let element: HTMLElement | undefined;
    window.fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/v1/files') && !atListing && element)
        atListing = {
          grid: shadow(element).querySelector('ml-asset-grid') !== null,
          shell: shadow(element).querySelector('.shell') !== null,
        };
      const response = await realFetch(input, init);
      // Counted once the element has read the session, not when its response starts to arrive.
      if (url.endsWith('/session')) {
        const read = response.json.bind(response);
        response.json = async () => {
          const body = await read();
          sessions++;
          return body;
        };
      }
      return response;
    };
    try {
      const library = await mount({ mode: 'modal' }, {}, false);
      element = library;
      // A closed modal fetches its session while the page is idle.
      await until(() => sessions === 1, 'the session fetched and read while idle');
      library.show();
      await settled(library);
      expect(atListing, 'the listing was asked for').to.not.equal(undefined);
      expect(atListing).to.deep.equal({ grid: false, shell: false });
      expect(shadow(library).querySelector('dialog')!.open).to.equal(true);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('closes on Escape, fires ml-close and gives focus back to the opener', async () => {
    const { element, opener } = await openModal();
    const closed = nextEvent<CloseDetail>(element, 'ml-close');
    await until(() => activeElement()?.matches('input[type="search"]'), 'focus in the search field');
    await sendKeys({ press: 'Escape' });
    expect((await closed).reason).to.equal('cancel');
    await element.updateComplete;
    expect(element.open).to.equal(false);
    expect(shadow(element).querySelector('dialog')!.open).to.equal(false);
    expect(document.activeElement).to.equal(opener);
  });

  it('keeps Tab inside the dialog', async () => {
    const { element } = await openModal();
    for (let i = 0; i < 25; i++) {
      await sendKeys({ press: 'Tab' });
      const active = document.activeElement;
      expect(
        active === element || active === document.body,
        `focus left the dialog for ${active?.outerHTML}`,
      ).to.equal(true);
    }
  });

  it('closes after an insert, with reason insert', async () => {
    const { element } = await openModal({ 'initial-folder': '/alpha' });
    const closed = nextEvent<CloseDetail>(element, 'ml-close');
    const inserted = nextEvent<FilesDetail>(element, 'ml-insert');
    click(item(element, 'logo.png'));
    await element.updateComplete;
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    expect((await inserted).files[0]!.name).to.equal('logo.png');
    expect((await closed).reason).to.equal('insert');
    expect(element.selectedFiles).to.have.length(0);
  });

  it('close() closes with reason api; Cancel with reason cancel', async () => {
    const { element } = await openModal();
    let closed = nextEvent<CloseDetail>(element, 'ml-close');
    element.close();
    expect((await closed).reason).to.equal('api');
    element.show();
    await settled(element);
    closed = nextEvent<CloseDetail>(element, 'ml-close');
    shadow(element).querySelector<HTMLButtonElement>('[part="cancel-button"]')!.click();
    expect((await closed).reason).to.equal('cancel');
  });

  it('opens when the open attribute is set', async () => {
    const element = await mount({ mode: 'modal', open: true });
    expect(shadow(element).querySelector('dialog')!.open).to.equal(true);
  });
});
