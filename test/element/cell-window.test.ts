// The grid's and list view's windowing (src/element/parts/cell-window.ts) on a bare host, then
// the element in a 10,000-file folder: jumping anywhere fetches only the pages under the view.
import { sendKeys } from '@web/test-runner-commands';
import { expect } from 'chai';
import { html, LitElement } from 'lit';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { CellWindow } from '../../src/element/parts/cell-window.js';
import { bearer, cleanup, click, env, grid, mount, settled, shadow, until, uploadPng } from './helpers.js';

afterEach(cleanup);

/** 1000 cells of at least 100 × 50 px in a 450 × 300 px scroller: CellWindow without the rest of the element. */
class WindowHost extends LitElement {
  count = 1000;
  /** Added to each cell's key: what the cells show changes with it. */
  shift = 0;
  readonly window = new CellWindow(
    this,
    () => ({ minWidth: 100, height: 50, gap: 10, padding: 10 }),
    () => undefined,
  );
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
  protected override willUpdate(): void {
    this.window.count = this.count;
  }
  override render() {
    return html`<div class="scroller" style="position:relative;overflow:auto;height:300px;width:450px">
      ${this.window.sizer()}${this.window.cells(
        (index, style) =>
          html`<div class="c" data-i=${index} style=${`position:absolute;${style}`}>${index}</div>`,
        (index) => `${this.shift + index}`,
      )}
    </div>`;
  }
  protected override updated(): void {
    this.window.attach(this.querySelector<HTMLElement>('.scroller'));
  }
}
customElements.define('test-window-host', WindowHost);

async function windowHost(dir = 'ltr'): Promise<{ host: WindowHost; scroller: HTMLElement }> {
  const host = document.createElement('test-window-host') as WindowHost;
  host.dataset.testContainer = '';
  host.dir = dir;
  document.body.append(host);
  await host.updateComplete;
  await until(() => host.querySelector('.c'), 'cells');
  return { host, scroller: host.querySelector<HTMLElement>('.scroller')! };
}

const cell = (host: WindowHost, index: number) => host.querySelector<HTMLElement>(`.c[data-i="${index}"]`);
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

describe('CellWindow', () => {
  it('gives the scroller the height of every cell and renders only those near the viewport', async () => {
    const { host, scroller } = await windowHost();
    const first = cell(host, 0)!.getBoundingClientRect();
    const columns = host.window.columns;
    expect(columns).to.be.greaterThan(1);
    // Every row is there in the scroll height, so the scrollbar's thumb says where you are.
    const rows = Math.ceil(1000 / columns);
    expect(scroller.scrollHeight).to.be.closeTo(2 * 10 + rows * (first.height + 10) - 10, 1);
    const rendered = host.querySelectorAll('.c').length;
    expect(rendered).to.be.lessThan(200);
    expect(cell(host, 999)).to.equal(null);
    scroller.scrollTop = scroller.scrollHeight;
    await until(() => cell(host, 999), 'the last cell after scrolling to the end');
    expect(host.querySelectorAll('.c').length).to.be.lessThan(200);
    expect(cell(host, 0)).to.equal(null);
  });

  it("keeps a cell's element while it stays in range, so a scroll re-renders only the rows that came in", async () => {
    const { host, scroller } = await windowHost();
    const twenty = cell(host, 20)!;
    scroller.scrollTop = 2 * host.window.rowHeight;
    await frame();
    await host.updateComplete;
    expect(cell(host, 20)).to.equal(twenty);
    expect(twenty.textContent).to.equal('20');
    // Another item at the same place (a refresh moved them): a fresh element, nothing carried over.
    twenty.classList.add('loaded');
    host.shift = 1;
    host.requestUpdate();
    await host.updateComplete;
    expect(cell(host, 20)).not.to.equal(twenty);
    expect(cell(host, 20)!.classList.contains('loaded')).to.equal(false);
  });

  it('reveal() scrolls the least that shows a cell whole, rendered or not', async () => {
    const { host, scroller } = await windowHost();
    host.window.reveal(999);
    await host.updateComplete;
    const last = await until(() => cell(host, 999), 'cell 999');
    const view = scroller.getBoundingClientRect();
    const box = last.getBoundingClientRect();
    expect(box.bottom).to.be.at.most(view.bottom + 1);
    expect(box.top).to.be.at.least(view.top - 1);
    host.window.reveal(0);
    expect(scroller.scrollTop).to.equal(0);
  });

  it('places the first cell at the inline start, on the right in right-to-left', async () => {
    const { host, scroller } = await windowHost('rtl');
    const view = scroller.getBoundingClientRect();
    const box = cell(host, 0)!.getBoundingClientRect();
    expect(view.right - box.right).to.be.closeTo(10, 1);
    expect(cell(host, 1)!.getBoundingClientRect().right).to.be.lessThan(box.left);
  });
});

/**
 * Records the listing requests (`GET /v1/files`) the page sends from now on. With `holdCounts`, answers of `GET /_ml/count` wait
 * until `releaseCounts()`, as on a server slow to count.
 */
function countListRequests({ holdCounts = false } = {}): {
  urls: string[];
  releaseCounts(): void;
  restore(): void;
} {
  const urls: string[] = [];
  const original = globalThis.fetch;
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes('/v1/files?')) urls.push(url);
    const response = await original(input, init);
    if (holdCounts && url.includes('/_ml/count?')) await released;
    return response;
  };
  return {
    urls,
    releaseCounts: release,
    restore: () => {
      globalThis.fetch = original;
    },
  };
}

const scrollerOf = (element: MediaLibraryElement) =>
  shadow(grid(element)).querySelector<HTMLElement>('.scroller')!;
const nameOf = (index: number) => `row-${String(index).padStart(5, '0')}.png`;

/** The items wholly in view, as [index, name]; undefined while any of them is a placeholder. */
function itemsInView(element: MediaLibraryElement): Array<[number, string]> | undefined {
  const scroller = scrollerOf(element);
  const view = scroller.getBoundingClientRect();
  const inView = [...scroller.querySelectorAll<HTMLElement>('.cell, .row')].filter((cell) => {
    const box = cell.getBoundingClientRect();
    return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
  });
  if (inView.length === 0 || inView.some((cell) => !cell.dataset.index)) return undefined;
  return inView.map((cell) => [Number(cell.dataset.index), cell.querySelector('.name')!.textContent!.trim()]);
}

describe('a 10,000-file folder', () => {
  let requests: ReturnType<typeof countListRequests> | undefined;
  afterEach(() => requests?.restore());

  it('End reaches the last files without fetching every page before them', async () => {
    requests = countListRequests();
    const element = await mount({ 'initial-folder': '/big' }, { pageSize: 50 });
    scrollerOf(element).focus();
    await sendKeys({ press: 'End' });
    const last = await until(
      () => shadow(grid(element)).querySelector<HTMLElement>(`[aria-posinset="${env.bigCount}"]`),
      'the last file',
    );
    expect(last.querySelector('.name')!.textContent!.trim()).to.equal(nameOf(env.bigCount - 1));
    expect(last.getAttribute('aria-setsize')).to.equal(String(env.bigCount));
    expect(last.classList.contains('active')).to.equal(true);
    // The first page, then the few under the end: not the 200 pages of 50 before it.
    expect(requests.urls.length).to.be.lessThan(8);
    // The pages under the end were asked for from the end (the opposite order, skipping the few
    // rows after them), never by a skip past the 9,900 before them, which a database walks row by row.
    expect(
      requests.urls.some((url) => /sort=ASC_CREATED/.test(url) && /skip=\d{1,3}(&|$)/.test(url)),
      requests.urls.join('\n'),
    ).to.equal(true);
    expect(
      requests.urls.some((url) => /skip=\d{4}/.test(url)),
      requests.urls.join('\n'),
    ).to.equal(false);
    // Every item in view is the one at its place.
    const inView = await until(() => itemsInView(element), 'the end loaded');
    for (const [index, name] of inView) expect(name).to.equal(nameOf(index));
    await sendKeys({ press: 'Home' });
    await until(
      () => scrollerOf(element).scrollTop === 0 && itemsInView(element)?.[0]?.[1] === nameOf(0),
      'the top',
    );
  });

  it('dragging the scrollbar to the middle shows the middle files', async () => {
    const element = await mount({ 'initial-folder': '/big' });
    const scroller = scrollerOf(element);
    scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) / 2;
    const inView = await until(() => itemsInView(element), 'the middle loaded');
    const [index] = inView[0]!;
    expect(index).to.be.within(env.bigCount / 2 - 20, env.bigCount / 2 + 20);
    for (const [at, name] of inView) expect(name).to.equal(nameOf(at));
  });

  it('keeps the loaded files and the DOM bounded while jumping through the whole folder', async function () {
    this.timeout(120_000);
    const element = await mount({ 'initial-folder': '/big' }, { pageSize: 100 });
    const scroller = scrollerOf(element);
    let cellsMax = 0;
    for (let stop = 0; stop <= 30; stop++) {
      scroller.scrollTop = ((scroller.scrollHeight - scroller.clientHeight) * stop) / 30;
      await until(() => itemsInView(element), `stop ${stop} loaded`);
      cellsMax = Math.max(cellsMax, shadow(grid(element)).querySelectorAll('.cell').length);
    }
    expect(cellsMax).to.be.lessThan(120);
    // Pages far from the view were let go: at most about 3000 files are held.
    const loaded = grid(element).items.filter(Boolean).length;
    expect(loaded).to.be.at.most(3100);
    expect(grid(element).items.length).to.equal(env.bigCount);
  });

  it('the list view shares it: End, then a sort by name the other way, then End again', async () => {
    requests = countListRequests();
    const element = await mount({ 'initial-folder': '/big', view: 'list' });
    await until(() => shadow(grid(element)).querySelector('.list-body [data-index]'), 'the list');
    scrollerOf(element).focus();
    await sendKeys({ press: 'End' });
    const row = (index: number) =>
      shadow(grid(element)).querySelector<HTMLElement>(`.list-body [aria-rowindex="${index + 2}"]`);
    await until(() => row(env.bigCount - 1)?.querySelector('.name'), 'the last row');
    expect(
      row(env.bigCount - 1)!
        .querySelector('.name')!
        .textContent!.trim(),
    ).to.equal(nameOf(env.bigCount - 1));
    const nameHeader = () =>
      shadow(grid(element)).querySelector<HTMLButtonElement>('[role="columnheader"].c-name button')!;
    click(nameHeader());
    await settled(element);
    await until(() => grid(element).sort === 'ASC_NAME', 'by name');
    click(nameHeader());
    await until(() => grid(element).sort === 'DESC_NAME', 'by name, descending');
    await settled(element);
    await until(
      () => row(0)?.querySelector('.name')?.textContent?.trim() === nameOf(env.bigCount - 1),
      'row-09999 first',
    );
    const before = requests.urls.length;
    scrollerOf(element).focus();
    await sendKeys({ press: 'End' });
    await until(
      () =>
        row(env.bigCount - 1)
          ?.querySelector('.name')
          ?.textContent?.trim() === nameOf(0),
      'row-00000 last',
    );
    expect(requests.urls.length - before).to.be.lessThan(6);
  });

  it('a search with 10,000 results jumps the same way', async () => {
    requests = countListRequests();
    const element = await mount({ 'initial-folder': '/big', 'initial-query': 'row' }, { pageSize: 50 });
    scrollerOf(element).focus();
    await sendKeys({ press: 'End' });
    const last = await until(
      () => shadow(grid(element)).querySelector<HTMLElement>(`[aria-posinset="${env.bigCount}"]`),
      'the last result',
    );
    expect(last.getAttribute('aria-setsize')).to.equal(String(env.bigCount));
    expect(last.querySelector('.name')!.textContent!.trim()).to.equal(nameOf(env.bigCount - 1));
    expect(requests.urls.length).to.be.lessThan(8);
    const summary = shadow(element).querySelector('footer [role="status"]')!.textContent!;
    expect(summary).to.contain('10,000 files');
  });
});

describe('pages near the end of a folder with subfolders', () => {
  let requests: ReturnType<typeof countListRequests> | undefined;
  afterEach(() => requests?.restore());

  it('are asked for from the end and land each file at its place, after the folders', async function () {
    this.timeout(60_000);
    const authorization = await bearer();
    const folder = `/from-end-${Date.now()}`;
    for (const name of ['f1', 'f2', 'f3']) {
      const made = await fetch(`${env.url}/v1/folder`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ folderName: name, parentFolderPath: folder }),
      });
      expect(made.status).to.equal(201);
    }
    for (let i = 0; i < 12; i++)
      await uploadPng(folder, `file-${i}.png`, { authorization, width: 4, height: 4 });
    const response = await fetch(
      `${env.url}/v1/files?type=all&path=${encodeURIComponent(folder)}&sort=DESC_CREATED&limit=1000`,
      { headers: { authorization } },
    );
    const names = ((await response.json()) as Array<{ name: string }>).map((a) => a.name);
    expect(names.length).to.equal(15);
    // End pressed before the count arrives still lands on the last file, once it has.
    requests = countListRequests({ holdCounts: true });
    const element = await mount({ 'initial-folder': folder }, { pageSize: 2 });
    scrollerOf(element).focus();
    await sendKeys({ press: 'End' });
    requests.releaseCounts();
    const inView = await until(
      () => (itemsInView(element)?.some(([index]) => index === 14) ? itemsInView(element) : undefined),
      'the end loaded',
    );
    for (const [index, name] of inView) expect(name, `item ${index}`).to.equal(names[index]);
    expect(
      requests.urls.some((url) => url.includes('sort=ASC_CREATED')),
      requests.urls.join('\n'),
    ).to.equal(true);
  });

  it('stop following the end once the user scrolls with the wheel', async () => {
    const authorization = await bearer();
    const folder = `/follow-end-${Date.now()}`;
    for (let i = 0; i < 8; i++)
      await uploadPng(folder, `file-${i}.png`, { authorization, width: 4, height: 4 });
    requests = countListRequests({ holdCounts: true });
    const element = await mount({ 'initial-folder': folder }, { pageSize: 2 });
    const scroller = scrollerOf(element);
    scroller.focus();
    await sendKeys({ press: 'End' });
    const activeIndex = () =>
      Number(scroller.getAttribute('aria-activedescendant')?.replace('item-', '') ?? -1);
    const before = await until(() => (activeIndex() >= 0 ? activeIndex() : undefined), 'End to pick a row');
    scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, bubbles: true, composed: true }));
    requests.releaseCounts();
    await until(() => grid(element).items.length === 8, 'the count');
    await settled(element);
    expect(activeIndex(), 'the row End picked before the wheel').to.equal(before);
  });
});
