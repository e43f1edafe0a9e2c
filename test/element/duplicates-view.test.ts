// Duplicates in the element, against the built script-tag file (dist/, `npm run build:browser`):
// the dialog before an upload (use the existing file / keep both / replace it, exact and near
// duplicates, one choice for all) and the Find duplicates view (keep one, trash the others).
import { expect } from 'chai';
import { bundle, env, fetchAuth, shadow, until } from './bundle-helpers.js';
import { listed, mount, picture, token } from './duplicates-helpers.js';

await import(/* @vite-ignore */ bundle);

describe('the Find duplicates view', function () {
  // Uploads through Uppy, twice a test, on a shared machine.
  this.timeout(90_000);
  afterEach(() => {
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('finds duplicates in the folder and keeps the one chosen, trashing the others', async () => {
    const folder = `/dup-view-${Date.now()}`;
    const bytes = await picture('a.png', 6, 48);
    const auth = { authorization: `Bearer ${await token()}` };
    for (const name of ['a.png', 'b.png']) {
      const form = new FormData();
      form.append('file', bytes, name);
      form.append('fileName', name);
      form.append('folder', folder);
      form.append('useUniqueFileName', 'false');
      const signed = await (await fetchAuth()('upload-auth', { method: 'GET' })).json();
      for (const [k, v] of Object.entries(signed as Record<string, string>)) form.append(k, String(v));
      const response = await fetch(`${env.url}/api/v1/files/upload`, { method: 'POST', body: form });
      expect(response.status, await response.clone().text()).to.equal(200);
    }
    void auth;
    const element = await mount(folder);
    const entry = await until(
      () => shadow(element).querySelector<HTMLButtonElement>('button.duplicates-entry'),
      'Find duplicates',
    );
    expect(entry.textContent?.trim()).to.equal('Find duplicates');
    entry.click();
    const view = await until(() => shadow(element).querySelector('ml-duplicates-view'), 'the view');
    await until(() => view.shadowRoot?.querySelector('.group'), 'a group');
    const heading = view.shadowRoot!.querySelector('h3')!;
    expect(view.shadowRoot!.activeElement).to.equal(heading);
    const files = [...view.shadowRoot!.querySelectorAll('.group li.file')];
    // The group's first file is the one with the lower id: either.
    expect(files.map((f) => f.querySelector('strong')?.textContent).sort()).to.deep.equal(['a.png', 'b.png']);
    for (const file of files)
      expect(file.textContent).to.contain('Identical').and.contain('Used in 0 places');
    const rowB = files.find((f) => f.querySelector('strong')?.textContent === 'b.png')!;
    const keepB = rowB.querySelector<HTMLButtonElement>('[data-action=keep]')!;
    expect(keepB.textContent?.trim()).to.equal('Keep b.png, trash the others');
    keepB.click();
    await until(
      () => view.shadowRoot?.textContent?.includes('Kept b.png; moved 1 other files to the trash.'),
      'kept',
    );
    expect(view.shadowRoot!.querySelector('.group')).to.equal(null);
    expect((await listed(folder)).map((f) => f.name)).to.deep.equal(['b.png']);
    view.shadowRoot!.querySelector<HTMLButtonElement>('[data-action=back]')!.click();
    await until(() => !shadow(element).querySelector('ml-duplicates-view'), 'back to the files');
  });
});
