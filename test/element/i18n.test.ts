import { expect } from 'chai';
import { registerLocale } from '../../src/element/i18n/localize.js';
import { cleanup, grid, mount, shadow, until } from './helpers.js';

afterEach(cleanup);

describe('languages and direction', () => {
  it('ships German, loaded on demand, with English for anything missing', async () => {
    const element = await mount({ locale: 'de-AT', 'initial-folder': '/beta' });
    await until(() => shadow(element).querySelector('.top h2')!.textContent === 'Mediathek', 'German');
    expect(shadow(grid(element)).querySelector('.empty')!.textContent).to.contain('Dieser Ordner ist leer');
    expect(shadow(element).querySelector('.shell')!.getAttribute('dir')).to.equal('ltr');
  });

  it('loads any other language the host registers, and lays out right to left', async () => {
    registerLocale('he', async () => ({ title: 'ספריית מדיה', insert: 'הוספה' }));
    const element = await mount({ locale: 'he', 'initial-folder': '/alpha' });
    await until(() => shadow(element).querySelector('.top h2')!.textContent === 'ספריית מדיה', 'Hebrew');
    const shell = shadow(element).querySelector('.shell')!;
    expect(shell.getAttribute('dir')).to.equal('rtl');
    // Missing messages fall back to English.
    expect(shadow(element).querySelector('[part="insert-button"]')!.textContent!.trim()).to.equal('הוספה');
    expect(shadow(element).querySelector('[aria-label="Show details"]')).to.not.equal(null);
    // The tree sits on the right, and the grid's first item at its right edge.
    const sidebar = shadow(element).querySelector('.sidebar')!.getBoundingClientRect();
    const content = shadow(element).querySelector('.content')!.getBoundingClientRect();
    expect(sidebar.left).to.be.greaterThan(content.left);
    const cells = [...shadow(grid(element)).querySelectorAll('[data-index]')] as HTMLElement[];
    const first = cells.find((c) => c.dataset.index === '0')!.getBoundingClientRect();
    const second = cells.find((c) => c.dataset.index === '1')!.getBoundingClientRect();
    expect(first.left).to.be.greaterThan(second.left);
    const scroller = shadow(grid(element)).querySelector('.scroller')!.getBoundingClientRect();
    expect(first.right, 'the first cell sits at the right edge, inside the grid').to.be.within(
      scroller.right - 40,
      scroller.right,
    );
    expect(second.left).to.be.greaterThan(scroller.left);
  });

  it('formats sizes and dates for the locale', async () => {
    const element = await mount({ locale: 'de', 'initial-folder': '/alpha', view: 'list' });
    const size = await until(
      () => shadow(grid(element)).querySelector('[data-index]:not(.folder) .c-size')?.textContent,
      'sizes',
    );
    expect(size).to.match(/^\d+(,\d)? (Byte|kB)/);
  });
});
