import { expect } from 'chai';
import { cleanup, env, grid, item, mount, shadow, until } from './helpers.js';

afterEach(cleanup);

/** The grid cell's picture once it has loaded (not the type icon, not a broken image). */
async function loadedThumbnail(cell: HTMLElement, name: string): Promise<HTMLImageElement> {
  return until(() => {
    const img = cell.querySelector<HTMLImageElement>('.thumb img');
    return img?.complete && img.naturalWidth > 0 ? img : undefined;
  }, `${name}'s thumbnail to load`);
}

describe('thumbnails of documents and videos', () => {
  it('shows a PDF’s first page in the grid, drawn from its ik-thumbnail.jpg', async () => {
    const element = await mount({ 'initial-folder': '/docs' });
    const cell = item(element, 'manual.pdf');
    const img = await loadedThumbnail(cell, 'manual.pdf');
    expect(img.currentSrc).to.contain('/docs/manual.pdf/ik-thumbnail.jpg?');
    expect(cell.querySelector('.type-icon')).to.equal(null);
    // The sample manual is a US Letter page: portrait, as the page is (the placeholder glyph is square).
    expect(img.naturalHeight / img.naturalWidth).to.be.closeTo(792 / 612, 0.05);
    const response = await fetch(img.currentSrc);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('image/webp');
  });

  it('shows a video’s poster frame in the grid, drawn from its ik-thumbnail.jpg', async function () {
    if (!env.videos) this.skip();
    const element = await mount({ 'initial-folder': '/media' });
    const cell = item(element, 'clip.mp4');
    const img = await loadedThumbnail(cell, 'clip.mp4');
    expect(img.currentSrc).to.contain('/media/clip.mp4/ik-thumbnail.jpg?');
    expect(img.naturalWidth / img.naturalHeight).to.be.closeTo(4 / 3, 0.05);
  });
});

describe('first paint', () => {
  it('fetches the thumbnails on screen at once and first; those rendered below the fold load lazily', async () => {
    const element = await mount({ 'initial-folder': '/many' });
    const root = shadow(grid(element));
    const scroller = await until(() => root.querySelector<HTMLElement>('.scroller'), 'the grid');
    const images = await until(() => {
      const all = [...root.querySelectorAll<HTMLImageElement>('.cell img')];
      return all.length > 0 ? all : undefined;
    }, 'thumbnails');
    const view = scroller.getBoundingClientRect();
    const shown = (img: HTMLImageElement) => {
      const box = img.closest('.cell')!.getBoundingClientRect();
      return box.bottom > view.top && box.top < view.bottom;
    };
    const onScreen = images.filter(shown);
    const below = images.filter((img) => !shown(img));
    expect(onScreen.length).to.be.greaterThan(0);
    expect(below.length, 'cells rendered in the overhang').to.be.greaterThan(0);
    for (const img of onScreen) {
      expect(img.getAttribute('fetchpriority')).to.equal('high');
      expect(img.getAttribute('loading')).to.equal('eager');
    }
    for (const img of below) {
      expect(img.getAttribute('fetchpriority')).to.equal('auto');
      expect(img.getAttribute('loading')).to.equal('lazy');
    }
  });
});
