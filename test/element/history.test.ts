import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bearer,
  cleanup,
  click,
  env,
  item,
  mount,
  shadow,
  testFetchAuth,
  uploadPng as uploadShared,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

// Writes go through the real server on a shared, busy machine: allow them time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

/** A PNG uploaded as the test token endpoint's user (`sub: element-tests`). */
const uploadPng = async (folder: string, name: string): Promise<MediaFile> =>
  uploadShared(folder, name, { authorization: await bearer(), width: 24, height: 16 });

async function tag(fileId: string, tags: string[]): Promise<void> {
  const response = await fetch(`${env.url}/v1/files/${fileId}/details`, {
    method: 'PATCH',
    headers: { authorization: await bearer(), 'content-type': 'application/json' },
    body: JSON.stringify({ tags }),
  });
  expect(response.status).to.equal(200);
}

async function openDetails(
  element: MediaLibraryElement,
  name: string,
  showDetails = 'Show details',
): Promise<ShadowRoot> {
  click(item(element, name));
  shadow(element).querySelector<HTMLButtonElement>(`[aria-label="${showDetails}"]`)!.click();
  const details = await until(() => shadow(element).querySelector('ml-asset-details'), 'the panel');
  return until(() => details.shadowRoot?.querySelector('h3') && details.shadowRoot, 'the file details');
}

const rows = (history: ShadowRoot) =>
  [...history.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());

describe('the History tab', function () {
  this.timeout(90_000);

  it('shows who changed what and when, newest first, and loads more', async () => {
    const file = await uploadPng('/scratch/history', 'tracked.png');
    // 21 changes and the upload: more than one page of 20.
    for (let i = 1; i <= 21; i++) await tag(file.fileId, [`t${i}`]);
    const element = await mount({ 'initial-folder': '/scratch/history' });
    const root = await openDetails(element, 'tracked.png');
    // The Comments and History tabs each come with their own answer from the server.
    const tabs = await until(
      () =>
        root.querySelectorAll('[role="tablist"] [role="tab"]').length === 3 &&
        root.querySelector('[role="tablist"]'),
      'the three tabs',
    );
    const [details, comments, history] = [...tabs.querySelectorAll<HTMLElement>('[role="tab"]')];
    expect(details!.textContent!.trim()).to.equal('Details');
    expect(comments!.textContent!.trim()).to.equal('Comments');
    expect(history!.textContent!.trim()).to.equal('History');
    expect(details!.getAttribute('aria-selected')).to.equal('true');

    // The keyboard moves between tabs (the tabs pattern) and selects History, the last.
    details!.focus();
    details!.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true, composed: true }));
    await until(() => history!.getAttribute('aria-selected') === 'true', 'History selected');
    expect(root.activeElement).to.equal(history);
    expect(root.querySelector<HTMLElement>('#panel-details')!.hidden).to.equal(true);

    const panel = await until(
      () => root.querySelector('ml-asset-history')?.shadowRoot,
      'the history part (a lazy chunk)',
    );
    await until(() => panel.querySelectorAll('li').length === 20, 'the first page');
    const first = rows(panel);
    expect(first[0]).to.match(/^Details changed by element-tests · .+Tags: t20 → t21$/);
    expect(first[19]).to.contain('Tags: t1 → t2');
    const time = panel.querySelector('li time')!;
    expect(Date.now() - Date.parse(time.getAttribute('datetime')!)).to.be.lessThan(10 * 60_000);

    const more = panel.querySelector<HTMLButtonElement>('button.more')!;
    expect(more.textContent!.trim()).to.equal('Load more');
    more.click();
    await until(() => panel.querySelectorAll('li').length === 22, 'the second page');
    const all = rows(panel);
    expect(all[20]).to.contain('Tags: none → t1');
    expect(all[21]).to.match(/^Uploaded by element-tests · /);
    expect(panel.querySelector('button.more'), 'nothing more to load').to.equal(null);
  });

  it('speaks German', async () => {
    const file = await uploadPng('/scratch/history-de', 'verlauf.png');
    await tag(file.fileId, ['a']);
    const element = await mount({ 'initial-folder': '/scratch/history-de', locale: 'de' });
    await until(() => shadow(element).querySelector('.top h2')?.textContent === 'Mediathek', 'German');
    const root = await openDetails(element, 'verlauf.png', 'Details anzeigen');
    const history = await until(() => root.querySelector<HTMLElement>('#tab-history'), 'the tabs');
    expect(history.textContent!.trim()).to.equal('Verlauf');
    history.click();
    const panel = await until(() => root.querySelector('ml-asset-history')?.shadowRoot, 'the history part');
    await until(() => panel.querySelectorAll('li').length === 2, 'two entries');
    expect(rows(panel)[0]).to.match(/^Details geändert von element-tests · .+Tags: keine → a$/);
    expect(rows(panel)[1]).to.match(/^Hochgeladen von element-tests/);
  });

  it('is absent where the session may not read the audit log (403)', async () => {
    await uploadPng('/scratch/history-narrow', 'private.png');
    const { fetchAuth } = testFetchAuth({ scope: { folder: '/scratch/' } });
    const element = await mount({ 'initial-folder': '/scratch/history-narrow' }, { fetchAuth });
    const root = await openDetails(element, 'private.png');
    // The probe has answered once the details would show; give it the same time the tab would need.
    const audit = await fetch(`${env.url}/_ml/audit?limit=1`, {
      headers: {
        authorization: `Bearer ${((await (await fetchAuth('session', { method: 'POST', body: '{}' })).json()) as { token: string }).token}`,
      },
    });
    expect(audit.status).to.equal(403);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Comments remain (any session that sees the file may read them); History does not.
    await until(() => root.querySelector('#tab-comments'), 'the Comments tab');
    expect(root.querySelector('#tab-history')).to.equal(null);
    expect(root.querySelector('ml-asset-history')).to.equal(null);
    expect(root.querySelector('h3')!.textContent).to.equal('private.png');
  });
});
