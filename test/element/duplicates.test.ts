// Duplicates in the element, against the built script-tag file (dist/, `npm run build:browser`):
// the dialog before an upload (use the existing file / keep both / replace it, exact and near
// duplicates, one choice for all) and the Find duplicates view (keep one, trash the others).
import { expect } from 'chai';
import { bundle, startButton, until, uploadButton } from './bundle-helpers.js';
import { listed, mount, offered, picture, uploadThrough } from './duplicates-helpers.js';

await import(/* @vite-ignore */ bundle);

describe('duplicates before an upload', function () {
  // Uploads through Uppy, twice a test, on a shared machine.
  this.timeout(90_000);
  afterEach(() => {
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('keeps both: the same bytes are uploaded again as a second file', async () => {
    const folder = `/dup-both-${Date.now()}`;
    const element = await mount(folder);
    await uploadButton(element);
    const first = await picture('logo.png', 1, 40);
    const original = await uploadThrough(element, first);
    const { panel, select, row } = await offered(
      element,
      new File([first], 'logo-again.png', { type: 'image/png' }),
    );
    expect(row.textContent).to.contain(`logo-again.png is the same as ${original.filePath}`);
    expect(row.querySelector('img')?.getAttribute('src')).to.contain(original.filePath);
    expect([...select.options].map((o) => o.value)).to.deep.equal(['keep-both', 'use-existing', 'replace']);
    expect(select.value).to.equal('keep-both');
    (await startButton(panel)).click();
    await until(async () => (await listed(folder)).length === 2, 'two files');
    expect((await listed(folder)).map((f) => f.name).sort()).to.deep.equal(['logo-again.png', 'logo.png']);
  });
});
