// The element's public events, as a host page sees them: each documented event reaches a listener
// on `document` also when <media-library> sits inside another element's shadow root (they bubble
// and are composed). Against the built script-tag file, so the upload events come from the real
// lazy chunks.
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import {
  bundle,
  drop,
  env,
  fetchAuth,
  panelOf,
  pngFile,
  shadow,
  startButton,
  until,
  uploadButton,
  uploadTo,
} from './bundle-helpers.js';

await import(/* @vite-ignore */ bundle);

/** The events the README documents. */
const documented = [
  'ml-insert',
  'insert',
  'ml-select',
  'ml-error',
  'ml-close',
  'ml-navigate',
  'ml-upload',
  'ml-upload-progress',
  'ml-upload-success',
  'ml-upload-error',
] as const;

/** The events of `types` that reach `doc`, in the order they came. */
function heardOn(doc: Document, types: readonly string[]): string[] {
  const heard: string[] = [];
  for (const type of types) doc.addEventListener(type, () => heard.push(type));
  return heard;
}

/** A `<media-library>` inside another element's shadow root, in `doc`, once its listing has loaded. */
async function mountInShadowRoot(
  doc: Document,
  attributes: Record<string, string>,
  properties: Partial<MediaLibraryElement> = {},
): Promise<MediaLibraryElement> {
  const container = doc.createElement('div');
  container.dataset.testContainer = '';
  doc.body.append(container);
  const element = doc.createElement('media-library') as MediaLibraryElement;
  element.setAttribute('endpoint', env.url);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.fetchAuth = fetchAuth();
  Object.assign(element, properties);
  element.style.cssText = 'display:block;width:1100px;height:700px';
  container.attachShadow({ mode: 'open' }).append(element);
  await until(
    () => !element.hasAttribute('loading') && shadow(element).querySelector('ml-asset-grid'),
    'the listing',
  );
  return element;
}

/** A grid item by name, once the grid shows it. */
const item = (element: MediaLibraryElement, name: string) =>
  until(
    () =>
      [
        ...shadow(shadow(element).querySelector('ml-asset-grid')!).querySelectorAll<HTMLElement>(
          '[data-index]',
        ),
      ].find((cell) => cell.querySelector('.name')?.textContent?.trim() === name),
    `the item ${name}`,
  );

const click = (target: Element) =>
  target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));

/** Drops files on the element and sends them to `folder` from the upload panel. */
async function upload(element: MediaLibraryElement, files: File[], folder: string): Promise<void> {
  await uploadButton(element);
  drop(element, files);
  const panel = await panelOf(element);
  await uploadTo(panel, folder);
  (await startButton(panel)).click();
}

before(async () => {
  if (window.innerWidth < 1280) await setViewport({ width: 1280, height: 900 });
});

afterEach(async () => {
  for (const element of document.querySelectorAll('[data-test-container], iframe')) element.remove();
  // Golden Retriever saves the last batch at most every 500 ms; let it land before clearing it.
  await new Promise((resolve) => setTimeout(resolve, 600));
  localStorage.clear();
});

describe('public events', () => {
  it('reach document from inside a shadow root, every documented one', async () => {
    const heard = heardOn(document, documented);

    // Picking in the modal: select, navigate, insert (which closes it).
    const picker = await mountInShadowRoot(document, { mode: 'modal', open: '', 'initial-folder': '/alpha' });
    click(await item(picker, 'red-dress.png'));
    click(await item(picker, 'nested'));
    await until(() => picker.currentFolder === '/alpha/nested', 'the nested folder');
    shadow(picker).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    await until(() => heard.includes('ml-close'), 'the dialog to close');

    // A call that fails: a query the server refuses.
    await mountInShadowRoot(document, { mode: 'inline', 'initial-query': 'size > 1mb AND' });
    await until(() => heard.includes('ml-error'), 'ml-error');

    // Uploads: one that lands, one the session's folder refuses.
    const uploader = await mountInShadowRoot(
      document,
      { mode: 'inline' },
      { fetchAuth: fetchAuth({ folder: '/inbox/', access: 'readwrite' }) },
    );
    await upload(uploader, [await pngFile('heard.png')], `/inbox/events-${Date.now()}`);
    await until(() => heard.includes('ml-upload'), 'ml-upload');
    await upload(uploader, [await pngFile('refused.png')], '/elsewhere');
    await until(() => heard.includes('ml-upload-error'), 'ml-upload-error');

    expect([...new Set(heard)].sort()).to.deep.equal([...documented].sort());
  });

  it('reach document when the Upload button cannot load the upload panel', async () => {
    // A page of its own (the main page has loaded the panel already), whose panel chunk fails to load.
    const frame = document.createElement('iframe');
    frame.style.cssText = 'width:1200px;height:800px';
    frame.srcdoc = `<!doctype html><script type="module" src="${bundle}"></script>`;
    document.body.append(frame);
    const doc = await until(
      () => frame.contentWindow?.customElements.get('media-library') && frame.contentDocument,
      'the element in the frame',
    );
    await executeServerCommand('fail-requests', 'media-library.upload-panel-');
    const errors: { message: string; status: number; source: string }[] = [];
    doc.addEventListener('ml-error', (event) => errors.push((event as CustomEvent).detail));
    const element = await mountInShadowRoot(doc, { mode: 'inline' });
    (await uploadButton(element)).click();
    const [error] = await until(() => errors.length > 0 && errors, 'ml-error on the document');
    expect(error).to.include({ status: 0, source: 'network' });
    expect(error!.message).to.match(/upload/i);
  });
});
