// The element follows the library's upload rules (GET /_ml/upload-rules), against the built
// script-tag file: under an enforced "new version" naming rule the name-conflict list offers only
// replacing and skipping, starts on replacing, and the upload becomes a new version.
import { setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import { appFetch } from '../../src/app/screens/api.js';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import {
  bundle,
  drop,
  env,
  fetchAuth,
  nextUpload,
  panelOf,
  pngFile,
  shadow,
  startButton,
  until,
  uploadButton,
} from './bundle-helpers.js';

await import(/* @vite-ignore */ bundle);

const noRules = { naming: null, allowedTypes: null, maxSize: null, folderTags: null };

describe('upload rules in the element', function () {
  this.timeout(90_000);
  before(async () => {
    const response = await fetch('/_ml/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify((env as unknown as { admin: object }).admin),
    });
    expect(response.status, await response.clone().text()).to.equal(200);
    await appFetch('/_ml/settings', {
      method: 'PATCH',
      json: { uploadRules: { ...noRules, naming: { policy: 'version', mode: 'enforced' } } },
    });
  });
  after(async () => {
    await appFetch('/_ml/settings', { method: 'PATCH', json: { uploadRules: noRules } });
    for (const element of document.querySelectorAll('media-library')) element.remove();
  });

  it('offers only what an enforced naming rule allows, and uploads a new version', async () => {
    if (window.innerWidth < 1280) await setViewport({ width: 1280, height: 900 });
    const folder = `/rules-${Date.now()}`;
    const element = document.createElement('media-library') as MediaLibraryElement;
    element.setAttribute('endpoint', env.url);
    element.setAttribute('mode', 'inline');
    element.setAttribute('initial-folder', folder);
    element.fetchAuth = fetchAuth();
    element.style.cssText = 'display:block;width:1100px;height:800px';
    document.body.append(element);
    await until(
      () => !element.hasAttribute('loading') && shadow(element).querySelector('ml-asset-grid'),
      'the listing',
    );
    await uploadButton(element);

    const uploaded = () => nextUpload(element);
    drop(element, [await pngFile('cover.png', 9, 9, '#258')]);
    const panel = await panelOf(element);
    let done = uploaded();
    (await startButton(panel)).click();
    const [first] = await done;
    // A free name under an enforced rule: no naming fields are sent, so the server takes it as named.
    expect(first!.filePath).to.equal(`${folder}/cover.png`);

    drop(element, [await pngFile('cover.png', 10, 9, '#852')]);
    (await startButton(panel)).click();
    const select = await until(
      () => shadow(panel).querySelector<HTMLSelectElement>('select[name=conflict]'),
      'the name conflict',
    );
    expect([...select.options].map((o) => o.value)).to.deep.equal(['replace', 'skip']);
    expect(select.value).to.equal('replace');
    done = uploaded();
    shadow(panel).querySelector<HTMLButtonElement>('footer .btn.primary')!.click();
    const [second] = await done;
    expect(second!.fileId).to.equal(first!.fileId);
  });
});
