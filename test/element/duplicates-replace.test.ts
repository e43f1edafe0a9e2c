// Duplicates in the element, against the built script-tag file (dist/, `npm run build:browser`):
// the dialog before an upload (use the existing file / keep both / replace it, exact and near
// duplicates, one choice for all) and the Find duplicates view (keep one, trash the others).
import { expect } from 'chai';
import { bundle, nextUpload, shadow, startButton, until, uploadButton } from './bundle-helpers.js';
import { choose, listed, mount, offered, picture, uploadThrough } from './duplicates-helpers.js';

await import(/* @vite-ignore */ bundle);

describe('replacing a duplicate before an upload', function () {
  // Uploads through Uppy, twice a test, on a shared machine.
  this.timeout(90_000);
  afterEach(() => {
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('replaces it: the upload becomes a new version of the library’s file', async () => {
    const folder = `/dup-replace-${Date.now()}`;
    const element = await mount(folder);
    await uploadButton(element);
    const first = await picture('hero.png', 2, 40);
    const original = await uploadThrough(element, first);
    const { panel, select } = await offered(
      element,
      new File([first], 'hero-copy.png', { type: 'image/png' }),
    );
    choose(select, 'replace');
    const done = nextUpload(element);
    (await startButton(panel)).click();
    const failed = until(
      () =>
        /fail|could not|refused/i.test(
          shadow(panel).querySelector('footer [role=status]')?.textContent ?? '',
        ),
      'a failure',
    ).then(() => shadow(panel).querySelector('footer [role=status]')?.textContent);
    const answer = await Promise.race([done, failed]);
    expect(Array.isArray(answer), String(answer)).to.equal(true);
    const files = await listed(folder);
    expect(files.length).to.equal(1);
    expect(files[0]!.versionInfo?.id).not.to.equal(original.versionInfo?.id);
    expect(files[0]!.name).to.equal('hero.png');
  });
});
