// Duplicates in the element, against the built script-tag file (dist/, `npm run build:browser`):
// the dialog before an upload (use the existing file / keep both / replace it, exact and near
// duplicates, one choice for all) and the Find duplicates view (keep one, trash the others).
import { expect } from 'chai';
import { perceptualHash } from '../../src/element/parts/upload-duplicates.js';
import {
  bundle,
  drop,
  env,
  nextUpload,
  panelOf,
  shadow,
  startButton,
  until,
  uploadButton,
} from './bundle-helpers.js';
import { choose, listed, mount, picture, token, uploadThrough } from './duplicates-helpers.js';

await import(/* @vite-ignore */ bundle);

describe('near duplicates before an upload', function () {
  // Uploads through Uppy, twice a test, on a shared machine.
  this.timeout(90_000);
  afterEach(() => {
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('uses the existing file for an image that only looks the same, chosen for all', async () => {
    const folder = `/dup-near-${Date.now()}`;
    const element = await mount(folder);
    await uploadButton(element);
    const original = await uploadThrough(element, await picture('banner.png', 4, 96));
    // The browser's pHash of a smaller copy is within the distance of the server's of the original.
    const meta = await fetch(`${env.url}/v1/files/${original.fileId}/metadata`, {
      headers: { authorization: `Bearer ${await token()}` },
    });
    const serverHash = ((await meta.json()) as { pHash: string }).pHash;
    const browserHash = (await perceptualHash(await picture('x.png', 4, 60)))!;
    const bits = (BigInt(`0x${serverHash}`) ^ BigInt(`0x${browserHash}`))
      .toString(2)
      .replace(/0/g, '').length;
    expect(bits, `${serverHash} vs ${browserHash}`).to.be.at.most(6);
    // A smaller copy: other bytes, the same picture.
    drop(element, [await picture('banner-small.png', 4, 60), await picture('banner-mid.png', 4, 72)]);
    const panel = await panelOf(element);
    const all = await until(
      () => shadow(panel).querySelector<HTMLSelectElement>('select[name=duplicate-all]'),
      'one choice for all',
    );
    const rows = [...shadow(panel).querySelectorAll('.duplicates label.conflict span')].slice(1);
    expect(rows.map((r) => r.textContent?.trim())).to.include.members([
      `banner-small.png looks like ${original.filePath}`,
    ]);
    choose(all, 'use-existing');
    const announced = nextUpload(element);
    await (panel as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    for (const select of shadow(panel).querySelectorAll<HTMLSelectElement>('select[name=duplicate]'))
      expect(select.value).to.equal('use-existing');
    (await startButton(panel)).click();
    // Nothing is uploaded: the library's file is used (and selected, for insert, in a modal).
    await until(
      () =>
        shadow(panel)
          .querySelector('footer [role=status]')
          ?.textContent?.includes('Used the files already in the library: banner.png'),
      'the existing file used',
    );
    // The page hears of it as of an upload: the library's file, once for both of its duplicates.
    expect((await announced).map((f) => f.fileId)).to.deep.equal([original.fileId]);
    expect((await listed(folder)).map((f) => f.name)).to.deep.equal(['banner.png']);
  });
});
