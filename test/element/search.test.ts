import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import { SessionAuthorizer } from '../../src/client/auth.js';
import { MediaClient, type RequestOptions } from '../../src/client/media-client.js';
import type { MediaLibraryElement, NavigateDetail } from '../../src/element/media-library.js';
import {
  cleanup,
  click,
  env,
  grid,
  itemNames,
  mount,
  nextEvent,
  settled,
  shadow,
  testFetchAuth,
  until,
} from './helpers.js';

afterEach(cleanup);

const searchBar = (element: MediaLibraryElement) => shadow(shadow(element).querySelector('ml-search-bar')!);

async function results(element: MediaLibraryElement, what: string, check: (names: string[]) => boolean) {
  await element.updateComplete;
  await settled(element);
  return until(() => check(itemNames(element)) && itemNames(element), what);
}

/** Opens a filter chip's popover and answers the popover, once its lazy content is there. */
async function openMenu(element: MediaLibraryElement, id: string): Promise<HTMLElement> {
  const bar = searchBar(element);
  bar.querySelector<HTMLButtonElement>(`[popovertarget="${id}-menu"]`)!.click();
  const menu = bar.getElementById(`${id}-menu`)!;
  await until(
    () => menu.matches(':popover-open') && menu.querySelector('input, ml-tag-input'),
    `the ${id} menu`,
  );
  return menu;
}

function pick(menu: HTMLElement, label: string): void {
  const option = [...menu.querySelectorAll('label')].find((l) => l.textContent!.trim() === label);
  if (!option) throw new Error(`no option ${label}`);
  option.querySelector('input')!.click();
}

/** The list requests this page has sent since the timings were last cleared, decoded. */
const listRequests = () =>
  performance
    .getEntriesByType('resource')
    .map((entry) => decodeURIComponent(entry.name))
    .filter((url) => url.includes('/v1/files?'));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('search', () => {
  it('searches names and tags as the user types, within the folder and below it', async () => {
    const element = await mount({ 'initial-folder': '/' });
    const input = searchBar(element).querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ type: 'red' });
    expect(await results(element, 'red results', (n) => n.includes('red-dress.png'))).to.deep.equal([
      'red-dress.png',
    ]);
    expect(shadow(element).querySelector('.note')!.textContent).to.contain('Search results in All files');
    // "summer" is only a tag.
    input.select();
    await sendKeys({ type: 'summer' });
    await sendKeys({ press: 'Enter' });
    expect(await results(element, 'tag results', (n) => n.length === 1)).to.deep.equal(['red-dress.png']);
  });

  it('filters by type, tags, size and date from the chips, and clears them', async () => {
    const element = await mount({ 'initial-folder': '/alpha' });
    pick(await openMenu(element, 'type'), 'PDFs');
    await results(element, 'no PDFs in /alpha', () => !!shadow(grid(element)).querySelector('.empty'));
    expect(shadow(grid(element)).querySelector('.empty')!.textContent).to.contain('No files match');

    // "Clear filters" in the empty state brings the folder back.
    shadow(grid(element)).querySelector<HTMLButtonElement>('.empty button')!.click();
    await results(element, 'the folder again', (n) => n.includes('nested'));

    pick(await openMenu(element, 'type'), 'Images');
    expect(await results(element, 'images', (n) => n.length === 4)).to.have.members([
      'red-dress.png',
      'blue-sky.jpg',
      'logo.png',
      'deep.png',
    ]);
    const tags = await openMenu(element, 'tags');
    tags.querySelector('ml-tag-input')!.focus();
    await sendKeys({ type: 'sky' });
    await sendKeys({ press: 'Enter' });
    expect(await results(element, 'sky', (n) => n.length === 1)).to.deep.equal(['blue-sky.jpg']);
    const chips = searchBar(element).querySelectorAll('.chip.on > button:first-child');
    expect([...chips].map((c) => c.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Type: Images',
      'Tags: sky',
    ]);
    pick(await openMenu(element, 'size'), 'Over 10 MB');
    await results(element, 'nothing that large', () => !!shadow(grid(element)).querySelector('.empty'));
    searchBar(element).querySelector<HTMLButtonElement>('button.link')!.click();
    await results(element, 'cleared', (n) => n.includes('nested'));
    pick(await openMenu(element, 'date'), 'Last 24 hours');
    // Folders match on their dates too.
    expect(await results(element, 'recent files', (n) => n.includes('deep.png'))).to.have.members([
      'nested',
      'red-dress.png',
      'blue-sky.jpg',
      'logo.png',
      'deep.png',
    ]);
  });

  it('suggests the library’s tags in the Tags filter, picked with the keyboard', async () => {
    const element = await mount({ 'initial-folder': '/' });
    const menu = await openMenu(element, 'tags');
    const field = menu.querySelector('ml-tag-input')!;
    field.focus();
    await sendKeys({ type: 'sk' });
    // Once both letters are in: after "s" alone, other test files' tags on this server (sea) come first.
    const option = await until(() => {
      const options = [...shadow(field).querySelectorAll('[role="option"]')];
      return options.length > 0 && options.every((o) => o.textContent!.trim().startsWith('sk')) && options[0];
    }, 'the suggestions for "sk" under the field');
    expect(option.textContent!.trim()).to.equal('sky');
    expect(shadow(field).querySelector('input')!.getAttribute('aria-expanded')).to.equal('true');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    expect(await results(element, 'files tagged sky', (n) => n.length === 1)).to.deep.equal(['blue-sky.jpg']);
    const chip = searchBar(element).querySelector('.chip.on > button:first-child')!;
    expect(chip.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Tags: sky');
  });

  it('keeps words typed a moment before a filter is picked', async () => {
    const element = await mount({ 'initial-folder': '/' });
    const menu = await openMenu(element, 'type');
    const input = searchBar(element).querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ type: 'red' });
    // Within the typing delay: the words have not been searched for yet.
    pick(menu, 'Images');
    expect(await results(element, 'red images', (n) => n.length === 1)).to.deep.equal(['red-dress.png']);
    const sent = await until(() => shadow(element).querySelector('ml-search-bar')!.query, 'the query');
    expect(sent).to.contain('red').and.contain('image');
  });

  it('shows the query it sends and lets the user edit it, with the server error at its position', async () => {
    const element = await mount({ 'initial-folder': '/' });
    searchBar(element).querySelector<HTMLButtonElement>('[aria-controls="advanced"]')!.click();
    const builder = await until(() => searchBar(element).querySelector('ml-query-builder'), 'the builder');
    const textarea = await until(() => shadow(builder).querySelector('textarea'), 'the query editor');
    textarea.value = 'size > AND name : "x"';
    textarea.form!.requestSubmit();
    await settled(element);
    const error = await until(() => shadow(builder).querySelector('#query-error'), 'the query error');
    expect(error.textContent).to.match(/position \d+/);
    expect(error.querySelector('mark')).to.not.equal(null);
    expect(textarea.getAttribute('aria-invalid')).to.equal('true');
    // The grid points there, with no Retry that would fail the same way.
    const state = shadow(grid(element)).querySelector('.empty')!;
    expect(state.getAttribute('role')).to.equal('status');
    expect(state.textContent).to.not.contain('Something went wrong');
    expect([...state.querySelectorAll('button')].map((b) => b.textContent!.trim())).to.deep.equal([
      'Clear filters',
    ]);

    textarea.value = '"customMetadata.price" >= 100';
    const navigated = nextEvent<NavigateDetail>(element, 'ml-navigate');
    textarea.form!.requestSubmit();
    expect((await navigated).query).to.equal('"customMetadata.price" >= 100');
    expect(await results(element, 'the priced file', (n) => n.length === 1)).to.deep.equal(['red-dress.png']);
    expect(searchBar(element).querySelector('.chip.on')!.textContent).to.contain('Custom query');
  });

  it('builds conditions in the advanced builder (custom metadata fields included)', async () => {
    const element = await mount({ 'initial-folder': '/' });
    searchBar(element).querySelector<HTMLButtonElement>('[aria-controls="advanced"]')!.click();
    const builder = await until(() => searchBar(element).querySelector('ml-query-builder'), 'the builder');
    await until(() => shadow(builder).querySelector('section'), 'the builder to render');
    shadow(builder).querySelector<HTMLButtonElement>('section > button')!.click();
    const [field, operator] = await until(() => {
      const selects = shadow(builder).querySelectorAll('li select');
      return selects.length === 2 && [...selects];
    }, 'a condition row');
    // The account's custom fields load beside the first page; the builder offers them once they are in.
    const priceOption = await until(
      () => [...field!.querySelectorAll('option')].find((o) => o.textContent!.trim() === 'Price'),
      'the Price custom field',
    );
    expect(priceOption, 'the Price custom field is offered').to.not.equal(undefined);
    (field as HTMLSelectElement).value = 'customMetadata.price';
    field!.dispatchEvent(new Event('change'));
    await until(() => shadow(builder).querySelector('li input[type="number"]'), 'a number input');
    const op = shadow(builder).querySelectorAll<HTMLSelectElement>('li select')[1]!;
    op.value = '>';
    op.dispatchEvent(new Event('change'));
    await element.updateComplete;
    const value = shadow(builder).querySelector<HTMLInputElement>('li input')!;
    value.value = '100';
    value.dispatchEvent(new Event('change'));
    expect(await results(element, 'price > 100', (n) => n.length === 1)).to.deep.equal(['red-dress.png']);
    expect(shadow(builder).querySelector('textarea')!.value).to.equal('"customMetadata.price" > 100');
    expect(operator).to.not.equal(undefined);
  });

  it('offers "With open comments" in the builder only where the server is the media server', async () => {
    /** The builder's field choice, in a new condition row. */
    async function fieldSelect(element: MediaLibraryElement): Promise<HTMLSelectElement> {
      searchBar(element).querySelector<HTMLButtonElement>('[aria-controls="advanced"]')!.click();
      const builder = await until(() => searchBar(element).querySelector('ml-query-builder'), 'the builder');
      await until(() => shadow(builder).querySelector('section'), 'the builder to render');
      shadow(builder).querySelector<HTMLButtonElement>('section > button')!.click();
      return until(() => shadow(builder).querySelector('li select'), 'a condition row');
    }
    const labels = (select: Element) =>
      [...select.querySelectorAll('option')].map((o) => o.textContent!.trim());
    const ours = await fieldSelect(await mount({ 'initial-folder': '/' }));
    await until(
      () => labels(ours).includes('With open comments'),
      'the open comments field against the media server',
    );
    cleanup();
    // ImageKit has none of the media server's /_ml/ routes.
    class ImageKitLike extends MediaClient {
      override request<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
        if (path.startsWith('/_ml/')) return Promise.reject(new Error('404 Not Found'));
        return super.request<T>(method, path, options);
      }
    }
    const { fetchAuth } = testFetchAuth();
    const client = new ImageKitLike({ endpoint: env.url, auth: new SessionAuthorizer({ fetchAuth }) });
    const theirs = await mount({ 'initial-folder': '/', 'auth-url': false, endpoint: false }, { client });
    const select = await fieldSelect(theirs);
    // Time for the builder's question to the server to be answered (refused).
    await pause(300);
    const options = labels(select);
    expect(options).to.include('Name');
    expect(options).to.not.include('With open comments');
  });

  it('starts with initial-query, plain words or the query language', async () => {
    const words = await mount({ 'initial-folder': '/', 'initial-query': 'dress' });
    expect(itemNames(words)).to.deep.equal(['red-dress.png']);
    expect(searchBar(words).querySelector<HTMLInputElement>('input[type="search"]')!.value).to.equal('dress');
    const query = await mount({ 'initial-folder': '/', 'initial-query': 'tags IN ["docs"]' });
    expect(itemNames(query)).to.deep.equal(['manual.pdf']);
  });

  it('opening a folder from the results clears the search', async () => {
    const element = await mount({ 'initial-folder': '/', 'initial-query': 'nested' });
    expect(itemNames(element)).to.deep.equal(['nested']);
    click(shadow(grid(element)).querySelector('[data-index="0"]')!);
    await until(() => element.currentFolder === '/alpha/nested', 'the folder');
    await settled(element);
    expect(itemNames(element)).to.deep.equal(['deep.png']);
    expect(searchBar(element).querySelector<HTMLInputElement>('input[type="search"]')!.value).to.equal('');
  });

  it('sorts from the sort menu and the list headers', async () => {
    const element = await mount({ 'initial-folder': '/alpha', view: 'list' });
    const header = await until(
      () => shadow(grid(element)).querySelector('[role="columnheader"].c-name button'),
      'headers',
    );
    (header as HTMLButtonElement).click();
    const byName = await results(element, 'name order', (n) => n[1] === 'blue-sky.jpg');
    expect(byName).to.deep.equal(['nested', 'blue-sky.jpg', 'logo.png', 'red-dress.png']);
    expect(shadow(grid(element)).querySelector('.c-name')!.getAttribute('aria-sort')).to.equal('ascending');
    shadow(grid(element)).querySelector<HTMLButtonElement>('.c-size button')!.click();
    await until(
      () => shadow(grid(element)).querySelector('.c-size')!.getAttribute('aria-sort') === 'descending',
      'size sort',
    );
    const session = await (await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' })).json();
    const bySize = await fetch(`${env.url}/v1/files?path=/alpha&type=all&sort=DESC_SIZE`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    const expected = (await bySize.json()).map((a: { name: string }) => a.name);
    expect(await results(element, 'size order', (n) => n.join() === expected.join())).to.deep.equal(expected);
    shadow(grid(element)).querySelector<HTMLButtonElement>('.c-type button')!.click();
    await until(
      () => shadow(grid(element)).querySelector('.c-type')!.getAttribute('aria-sort') === 'ascending',
      'type sort',
    );
    // Folders first, then by MIME type (image/jpeg before image/png), then by name.
    const byType = await results(element, 'type order', (n) => n[1] === 'blue-sky.jpg');
    expect(byType).to.deep.equal(['nested', 'blue-sky.jpg', 'logo.png', 'red-dress.png']);
    const root = shadow(element);
    root.querySelector<HTMLButtonElement>('[popovertarget="sort-menu"]')!.click();
    const menu = await until(
      () => root.getElementById('sort-menu')?.querySelector('input') && root.getElementById('sort-menu'),
      'the sort menu',
    );
    pick(menu, 'Name, Z to A');
    expect(await results(element, 'Z to A', (n) => n[1] === 'red-dress.png')).to.deep.equal([
      'nested',
      'red-dress.png',
      'logo.png',
      'blue-sky.jpg',
    ]);
  });

  it('sends each list request once: the first page, and a search typed then confirmed with Enter', async () => {
    performance.clearResourceTimings();
    const auth = testFetchAuth();
    const element = await mount({ 'initial-folder': '/alpha' }, { fetchAuth: auth.fetchAuth });
    await pause(300);
    expect(auth.calls, 'one session').to.deep.equal(['session']);
    expect(listRequests().filter((url) => url.includes('type=all'))).to.have.length(1);
    performance.clearResourceTimings();
    const input = searchBar(element).querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ type: 'red' });
    await results(element, 'red results', (n) => n.join() === 'red-dress.png');
    // Enter after the results are in, and a filter picked that changes nothing, send nothing new.
    await sendKeys({ press: 'Enter' });
    pick(await openMenu(element, 'type'), 'Any type');
    await pause(600);
    expect(listRequests().filter((url) => url.includes('"red"'))).to.have.length(1);
  });

  it('runs query syntax typed into the search field as a query, and says why one cannot run under it', async () => {
    const element = await mount({ 'initial-folder': '/' });
    const input = searchBar(element).querySelector<HTMLInputElement>('input[type="search"]')!;
    input.focus();
    await sendKeys({ type: 'tags IN ["summer"]' });
    await sendKeys({ press: 'Enter' });
    expect(await results(element, 'the summer file', (n) => n.length === 1)).to.deep.equal(['red-dress.png']);
    expect(element.shadowRoot!.querySelector('ml-search-bar')!.query).to.equal('tags IN ["summer"]');

    input.select();
    await sendKeys({ type: 'tags IN ["summer"' });
    await sendKeys({ press: 'Enter' });
    const note = await until(() => searchBar(element).querySelector('#search-error'), 'the error');
    expect(note.getAttribute('role')).to.equal('alert');
    expect(note.textContent).to.contain('Invalid search query');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    // The editor stays closed: the message is where the query was written.
    expect(searchBar(element).querySelector('#advanced')!.hasAttribute('hidden')).to.equal(true);
    const state = await until(() => shadow(grid(element)).querySelector('.empty'), 'the grid');
    expect(state.textContent).to.not.contain('Something went wrong');
    expect(state.querySelector('button')!.textContent!.trim()).to.equal('Clear filters');
    // Words with brackets stay words.
    input.select();
    await sendKeys({ type: 'dress (1)' });
    await sendKeys({ press: 'Enter' });
    await results(element, 'no match', () => !!shadow(grid(element)).querySelector('.empty'));
    expect(searchBar(element).querySelector('#search-error')).to.equal(null);
    expect(shadow(grid(element)).querySelector('.empty')!.textContent).to.contain('No files match');
  });

  it('shows its placeholder at 4.5:1 contrast or more', async () => {
    const element = await mount({ 'initial-folder': '/', theme: 'light' });
    const input = searchBar(element).querySelector<HTMLInputElement>('input[type="search"]')!;
    const rgb = (color: string) =>
      color
        .match(/[\d.]+/g)!
        .slice(0, 3)
        .map(Number);
    const luminance = (color: string) => {
      const [r, g, b] = rgb(color).map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = () => {
      const text = luminance(getComputedStyle(input, '::placeholder').color);
      const background = luminance(getComputedStyle(input).backgroundColor);
      return (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05);
    };
    expect(contrast()).to.be.at.least(4.5);
    input.focus();
    expect(contrast()).to.be.at.least(4.5);
  });
});
