import 'axe-core';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import { cleanup, click, grid, item, mount, settled, shadow, until } from './helpers.js';

afterEach(cleanup);

const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } })
  .axe;

/** Runs axe-core over the element (into its shadow roots) and fails with what it found. */
async function expectNoViolations(target: Element, state: string): Promise<void> {
  const results = await axe.run(target, { resultTypes: ['violations'] });
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(found, `axe-core violations with ${state}:\n  ${found.join('\n  ')}`).to.deep.equal([]);
}

async function openAdvanced(element: MediaLibraryElement) {
  const bar = shadow(shadow(element).querySelector('ml-search-bar')!);
  bar.querySelector<HTMLButtonElement>('[aria-controls="advanced"]')!.click();
  const builder = await until(() => bar.querySelector('ml-query-builder'), 'the builder');
  await until(() => shadow(builder).querySelector('textarea'), 'the builder to render');
  shadow(builder).querySelector<HTMLButtonElement>('section > button')!.click();
  await until(() => shadow(builder).querySelector('li'), 'a condition');
}

describe('accessibility (axe-core)', () => {
  it('has no violations in the grid, with a selection and keyboard focus', async () => {
    const element = await mount({ 'initial-folder': '/alpha', multiple: true });
    click(item(element, 'red-dress.png'));
    shadow(grid(element)).querySelector<HTMLElement>('.scroller')!.focus();
    await sendKeys({ press: 'ArrowRight' });
    await expectNoViolations(element, 'the grid');
  });

  it('has no violations in the list view with the details panel and advanced search open', async () => {
    const element = await mount({ 'initial-folder': '/alpha', view: 'list' });
    click(await until(() => item(element, 'red-dress.png'), 'the list'));
    shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
    await until(
      () => shadow(element).querySelector('ml-asset-details')?.shadowRoot?.querySelector('h3'),
      'the details',
    );
    await openAdvanced(element);
    await expectNoViolations(element, 'list, details and advanced search');
  });

  it('has no violations in the dark theme, compact, right to left', async () => {
    const element = await mount({
      'initial-folder': '/alpha',
      theme: 'dark',
      density: 'compact',
      locale: 'ar',
    });
    click(item(element, 'logo.png'));
    await element.updateComplete;
    await expectNoViolations(element, 'dark, compact, rtl');
  });

  it('has no violations in the empty and error states', async () => {
    const empty = await mount({ 'initial-folder': '/beta' });
    await expectNoViolations(empty, 'an empty folder');
    cleanup();
    const broken = await mount({ 'initial-query': 'size > 1mb AND' });
    const bar = shadow(broken).querySelector('ml-search-bar')!;
    await until(() => shadow(bar).querySelector('[role="alert"]'), 'the error under the search field');
    await expectNoViolations(broken, 'a query error');
  });

  it('has no violations in the open modal, with a filter menu open', async () => {
    const element = await mount({ mode: 'modal', 'initial-folder': '/alpha' }, {}, false);
    element.show();
    await settled(element);
    const bar = shadow(shadow(element).querySelector('ml-search-bar')!);
    bar.querySelector<HTMLButtonElement>('[popovertarget="date-menu"]')!.click();
    await until(() => bar.querySelector('#date-menu input'), 'the date menu');
    await expectNoViolations(element, 'the modal');
  });
});
