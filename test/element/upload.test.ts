// Upload in the element, against the built script-tag file (dist/, built by `npm run build:browser`)
// so the lazy chunks are the real ones: Uppy is not fetched until the first upload; dropped files
// upload (small ones to the upload API, big ones resumably) and appear in the grid; name conflicts;
// the server's errors; progress events.
import 'axe-core';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bundle,
  drop,
  env,
  fetchAuth,
  mountInline as mount,
  panelOf,
  pngFile,
  shadow,
  startButton,
  until,
  uploadButton,
  uploadTo,
} from './bundle-helpers.js';

await import(/* @vite-ignore */ bundle);
// The tests read which endpoints were called from resource timing; its default buffer (250 entries)
// fills up over this file (listings, usage counts, duplicate checks) and then drops new entries.
performance.setResourceTimingBufferSize(10_000);
const fetched = (part: string) =>
  performance.getEntriesByType('resource').some((entry) => entry.name.includes(`media-library.${part}-`));

/** Bytes that differ everywhere, as a file. */
function binaryFile(name: string, size: number): File {
  const bytes = new Uint8Array(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return new File([bytes], name, { type: 'application/octet-stream' });
}

function events<T>(target: EventTarget, type: string): T[] {
  const seen: T[] = [];
  target.addEventListener(type, (event) => seen.push((event as CustomEvent<T>).detail));
  return seen;
}

const next = <T>(target: EventTarget, type: string) =>
  new Promise<T>((resolve) =>
    target.addEventListener(type, (e) => resolve((e as CustomEvent<T>).detail), { once: true }),
  );

async function api<T>(path: string, json?: object): Promise<T> {
  const session = (await (await fetchAuth()('session', { method: 'POST', body: '{}' })).json()) as {
    token: string;
  };
  const response = await fetch(`${env.url}${path}`, {
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    ...(json && { method: 'PATCH', body: JSON.stringify(json) }),
  });
  return (await response.json()) as T;
}

const names = (element: MediaLibraryElement) =>
  [...shadow(shadow(element).querySelector('ml-asset-grid')!).querySelectorAll('[data-index] .name')].map(
    (n) => n.textContent!.trim(),
  );

/** The focused element, inside shadow roots. */
function activeElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Whether focus is inside the upload panel of `element`. */
const focusInPanel = (element: MediaLibraryElement) =>
  document.activeElement === element && shadow(element).activeElement?.localName === 'ml-upload-panel';

/** Opens the panel from the Upload button with the keyboard; answers the panel and the button. */
async function openWithKeyboard(element: MediaLibraryElement) {
  const button = await uploadButton(element);
  button.focus();
  await sendKeys({ press: 'Enter' });
  const panel = await panelOf(element);
  await until(() => shadow(panel).querySelector('dialog:modal .uppy-Dashboard'), 'the modal panel');
  return { panel, button, dialog: shadow(panel).querySelector('dialog')! };
}

const axe = (window as unknown as { axe: { run(context: Element, options?: object): Promise<AxeResults> } })
  .axe;

afterEach(async () => {
  for (const element of document.querySelectorAll('media-library, [data-test-container]')) element.remove();
  // Golden Retriever would bring the last test's batch back: it saves at most every 500 ms, so a
  // removed panel's last save may still be on its way.
  await new Promise((resolve) => setTimeout(resolve, 600));
  localStorage.clear();
});

describe('upload', () => {
  it('does not fetch Uppy until the first upload, then drops, uploads and shows the files', async () => {
    const folder = `/up-${Date.now()}`;
    const element = await mount(folder);
    await uploadButton(element);
    expect(fetched('upload-button'), 'the button chunk').to.equal(true);
    expect(fetched('upload-panel'), 'Uppy before any upload').to.equal(false);

    const files = [await pngFile('one.png'), await pngFile('two.png', 16, 8, '#3c3')];
    const progress = events<{ percent: number; bytesTotal: number }>(element, 'ml-upload-progress');
    drop(element, files);
    const panel = await panelOf(element);
    expect(fetched('upload-panel'), 'Uppy on the first upload').to.equal(true);
    const folderInput = await until(
      () => shadow(panel).querySelector<HTMLInputElement>('input[name=folder]'),
      'folder',
    );
    expect(folderInput.value, 'the folder on screen').to.equal(folder);
    const tags = shadow(panel).querySelector<HTMLInputElement>('input[name=tags]')!;
    tags.value = 'dropped, test';
    tags.dispatchEvent(new Event('change'));
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const { files: uploaded } = await done;

    expect(uploaded.map((f) => f.filePath).sort()).to.deep.equal([`${folder}/one.png`, `${folder}/two.png`]);
    expect(uploaded[0]!.tags).to.deep.equal(['dropped', 'test']);
    expect(progress.length).to.be.greaterThan(0);
    expect(progress.at(-1)!.percent).to.equal(100);
    // The new files are in the grid without a reload.
    await until(() => names(element).length === 2, 'the new files in the grid');
    expect(names(element).sort()).to.deep.equal(['one.png', 'two.png']);
    // Bytes intact.
    const original = await fetch(`${env.url}${folder}/two.png`);
    expect(new Uint8Array(await original.arrayBuffer())).to.deep.equal(
      new Uint8Array(await files[1]!.arrayBuffer()),
    );
  });

  it('opens the panel with pasted files, and from the Upload button', async () => {
    const element = await mount('/');
    const button = await uploadButton(element);
    const data = new DataTransfer();
    data.items.add(await pngFile('pasted.png'));
    shadow(element)
      .querySelector('ml-asset-grid')!
      .dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, composed: true, cancelable: true }),
      );
    const panel = await panelOf(element);
    await until(
      () => shadow(panel).querySelector('footer .btn.primary')?.textContent?.trim() === 'Upload 1 file',
      'the pasted file',
    );
    shadow(panel).querySelector<HTMLButtonElement>('header button')!.click();
    await until(() => panel.hidden, 'the panel closed');
    button.click();
    await until(() => !panel.hidden, 'the panel open again');
    expect(shadow(panel).querySelector('.uppy-Dashboard')).to.not.equal(null);
  });

  it('is a modal: focus moves in, Tab and Shift+Tab cycle inside it, Escape closes it and focus returns to Upload', async () => {
    const before = Object.assign(document.createElement('button'), { textContent: 'Before' });
    const after = Object.assign(document.createElement('button'), { textContent: 'After' });
    before.dataset.testContainer = after.dataset.testContainer = '';
    const element = await mount('/');
    element.before(before);
    element.after(after);
    // Everything that takes focus outside the panel: the page around the element, and the element's own parts.
    const strayed: string[] = [];
    document.addEventListener('focusin', (event) => {
      const target = event.composedPath()[0] as Element;
      if (!(event.composedPath() as Element[]).some((node) => node.localName === 'ml-upload-panel'))
        strayed.push(target.outerHTML.slice(0, 80));
    });
    const { panel, button, dialog } = await openWithKeyboard(element);
    strayed.length = 0;
    await until(() => focusInPanel(element), 'focus in the panel');
    expect(dialog.matches(':modal'), 'a modal dialog').to.equal(true);
    expect(dialog.getAttribute('aria-labelledby')).to.equal('upload-title');

    // Tab round the panel: every stop is inside it, and it comes back to the first. Chromium lets
    // Tab leave a modal dialog for its own toolbar (here: nothing focused), never for the page.
    const inside = () => focusInPanel(element) || document.activeElement === document.body;
    const first = activeElement();
    const stops: (Element | null)[] = [];
    for (let i = 0; i < 40 && (stops.length === 0 || activeElement() !== first); i++) {
      await sendKeys({ press: 'Tab' });
      expect(inside(), `Tab stop ${i + 1} in the panel`).to.equal(true);
      if (focusInPanel(element)) stops.push(activeElement());
    }
    expect(activeElement(), 'Tab from the last control wraps to the first').to.equal(first);
    expect(stops.length, 'several controls on the way').to.be.greaterThan(3);
    const last = stops.at(-2)!;
    for (let i = 0; i < 2 && (i === 0 || !focusInPanel(element)); i++) {
      await sendKeys({ press: 'Shift+Tab' });
      expect(inside(), 'Shift+Tab stays in the panel').to.equal(true);
    }
    expect(activeElement(), 'Shift+Tab from the first goes to the last').to.equal(last);
    expect(strayed, 'nothing outside the panel took focus').to.deep.equal([]);

    await sendKeys({ press: 'Escape' });
    await until(() => panel.hidden, 'the panel closed on Escape');
    expect(dialog.open).to.equal(false);
    await until(() => activeElement() === button, 'focus back on the Upload button');
    expect(element.isConnected).to.equal(true);
  });

  it('closes on Escape inside the modal library without closing the library; files wait for next time', async () => {
    const element = await mount('/', { mode: 'modal', open: true });
    const closes = events(element, 'ml-close');
    const { panel, button } = await openWithKeyboard(element);
    drop(element, [await pngFile('waiting.png')]);
    await until(
      () => shadow(panel).querySelector('footer .btn.primary')?.textContent?.trim() === 'Upload 1 file',
      'the dropped file',
    );
    await sendKeys({ press: 'Escape' });
    await until(() => panel.hidden, 'the panel closed');
    expect(element.open, 'the library stays open').to.equal(true);
    expect(shadow(element).querySelector('dialog')!.matches(':modal')).to.equal(true);
    expect(closes).to.deep.equal([]);
    await until(() => activeElement() === button, 'focus back on the Upload button');
    await sendKeys({ press: 'Enter' });
    await until(() => !panel.hidden && shadow(panel).querySelector('dialog:modal'), 'the panel open again');
    expect(shadow(panel).querySelector('footer .btn.primary')!.textContent!.trim()).to.equal('Upload 1 file');
  });

  it('moves Tab through the controls of Uppy’s Add more overlay, round and round', async () => {
    const element = await mount('/');
    const { panel } = await openWithKeyboard(element);
    drop(element, [await pngFile('first.png')]);
    const addMore = await until(
      () => shadow(panel).querySelector<HTMLButtonElement>('.uppy-DashboardContent-addMore'),
      'Add more',
    );
    addMore.focus();
    await sendKeys({ press: 'Enter' });
    const overlay = await until(
      () => shadow(panel).querySelector('[data-uppy-paneltype="AddFiles"]'),
      'the overlay',
    );
    const seen = new Set<Element | null>();
    for (let i = 0; i < 12; i++) {
      await sendKeys({ press: 'Tab' });
      expect(overlay.contains(activeElement()), `Tab stop ${i + 1} in the overlay`).to.equal(true);
      seen.add(activeElement());
    }
    // Back, browse, My Device, Webcam, Link: more than the one control Uppy's own trap would pin focus to.
    expect(seen.size).to.be.greaterThan(3);
  });

  it('speaks the element’s language, Uppy’s dashboard included: German with locale="de"', async () => {
    const element = await mount('/', { locale: 'de' });
    const { panel } = await openWithKeyboard(element);
    await until(() => shadow(panel).querySelector('h3')?.textContent === 'Dateien hochladen', 'German');
    expect(shadow(panel).querySelector('dialog')!.getAttribute('aria-labelledby')).to.equal('upload-title');
    expect(shadow(panel).querySelector('header button')!.getAttribute('aria-label')).to.equal('Schließen');
    expect(shadow(panel).querySelector('.options label')!.textContent).to.contain('In Ordner');
    // Uppy's dashboard too (its own German), and it follows a change of language.
    const browse = () => shadow(panel).querySelector('.uppy-Dashboard-browse')?.textContent;
    await until(() => browse() === 'Dateien durchsuchen', 'Uppy in German');
    element.locale = 'en';
    await until(() => browse() === 'browse files', 'Uppy back in English');
    expect(shadow(panel).querySelector('h3')!.textContent).to.equal('Upload files');
    element.locale = 'de';
    await until(() => browse() === 'Dateien durchsuchen', 'Uppy in German again');
    drop(element, [await pngFile('eins.png'), await pngFile('zwei.png')]);
    await until(
      () => shadow(panel).querySelector('footer .btn.primary')?.textContent?.trim() === '2 Dateien hochladen',
      'the Upload button in German',
    );
  });

  it('has no axe-core violations with the panel open', async () => {
    const element = await mount('/');
    const { panel } = await openWithKeyboard(element);
    drop(element, [await pngFile('checked.png')]);
    await until(() => shadow(panel).querySelector('.uppy-Dashboard-Item'), 'the file in the dashboard');
    const results = await axe.run(element, { resultTypes: ['violations'] });
    // Uppy's virtual file list puts an unnamed wrapper between its list and its items (Uppy's markup).
    const ours = results.violations
      .map((v) => ({
        ...v,
        nodes: v.nodes.filter(
          (n) => !(v.id === 'aria-required-parent' && String(n.target.flat().at(-1)).startsWith('#uppy_')),
        ),
      }))
      .filter((v) => v.nodes.length > 0);
    const found = ours.map(
      (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
    );
    expect(found, `axe-core violations:\n  ${found.join('\n  ')}`).to.deep.equal([]);
  });

  it('asks about names already taken: replace makes a version, keep both a new name, skip sends nothing', async () => {
    const folder = `/conflict-${Date.now()}`;
    const element = await mount('/');
    await uploadButton(element);
    const first = [await pngFile('a.png'), await pngFile('b.png'), await pngFile('c.png')];
    drop(element, first);
    const panel = await panelOf(element);
    await uploadTo(panel, folder);
    let done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const before = (await done).files;
    // a.png gets details an editor would not want to lose.
    const details = { tags: ['licence-cc'], customMetadata: { caption: 'By Ann' }, description: 'A harbour' };
    await api(`/v1/files/${before.find((f) => f.name === 'a.png')!.fileId}/details`, {
      ...details,
      customCoordinates: '2,2,8,8',
    });

    drop(element, [
      await pngFile('a.png', 20, 20, '#00f'),
      await pngFile('b.png', 20, 20, '#0f0'),
      await pngFile('c.png', 20, 20, '#f00'),
      await pngFile('d.png'),
    ]);
    (await startButton(panel)).click();
    const selects = await until(() => {
      const found = shadow(panel).querySelectorAll<HTMLSelectElement>('select[name=conflict]');
      return found.length === 3 && found;
    }, 'the conflict choices');
    const choose = (name: string, value: string) => {
      const select = [...selects].find((s) => s.dataset.file === name)!;
      select.value = value;
      select.dispatchEvent(new Event('change'));
    };
    choose('a.png', 'replace');
    choose('b.png', 'keep-both');
    choose('c.png', 'skip');
    const keep = await until(
      () => shadow(panel).querySelector<HTMLInputElement>('input[name="keep-details"]'),
      'the choice to keep details',
    );
    expect(keep.checked, 'kept unless the user says otherwise').to.equal(true);
    done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    await until(() => shadow(panel).querySelector('.conflicts'), 'conflicts');
    shadow(panel).querySelector<HTMLButtonElement>('footer .btn.primary')!.click();
    const after = (await done).files;

    const byName = Object.fromEntries(after.map((f) => [f.name, f]));
    const a = before.find((f) => f.name === 'a.png')!;
    expect(byName['a.png']?.fileId, 'replaced in place').to.equal(a.fileId);
    expect(byName['a.png']?.versionInfo?.id).to.not.equal(a.versionInfo?.id);
    const replaced = await api<MediaFile>(`/v1/files/${a.fileId}/details`);
    expect({
      tags: replaced.tags,
      customMetadata: replaced.customMetadata,
      description: replaced.description,
      customCoordinates: replaced.customCoordinates,
    }).to.deep.equal({ ...details, customCoordinates: '2,2,8,8' });
    expect(byName['d.png']?.filePath).to.equal(`${folder}/d.png`);
    const kept = after.find((f) => f.name.startsWith('b_'));
    expect(kept, `b.png kept under a new name; got ${Object.keys(byName).join(', ')}`).to.not.equal(
      undefined,
    );
    expect(
      after.some((f) => f.name === 'c.png' || f.name.startsWith('c_')),
      'c.png skipped',
    ).to.equal(false);
    const listed = await api<MediaFile[]>(`/v1/files?path=${encodeURIComponent(folder)}&type=file`);
    expect(listed.map((f) => f.name).sort()).to.have.members([
      'a.png',
      'b.png',
      kept!.name,
      'c.png',
      'd.png',
    ]);
  });

  it('signs each file through <auth-url>/upload-auth with upload-auth="signature"', async () => {
    const calls: string[] = [];
    const signing = fetchAuth();
    const element = await mount('/', {
      fetchAuth: (path, init) => {
        calls.push(path);
        return signing(path, init);
      },
    });
    element.setAttribute('upload-auth', 'signature');
    const folder = `/signed-${Date.now()}`;
    await uploadButton(element);
    drop(element, [await pngFile('s1.png'), await pngFile('s2.png', 9, 9)]);
    const panel = await panelOf(element);
    await uploadTo(panel, folder);
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const { files } = await done;
    expect(files.map((f) => f.filePath).sort()).to.deep.equal([`${folder}/s1.png`, `${folder}/s2.png`]);
    expect(calls.filter((call) => call === 'upload-auth')).to.have.length(2);
  });

  it('signs again and retries once when the server says a signature has expired', async () => {
    let signatures = 0;
    const signing = fetchAuth();
    const element = await mount('/', {
      fetchAuth: async (path, init) => {
        const response = await signing(path, init);
        if (path !== 'upload-auth' || ++signatures > 1) return response;
        // The first signature is already out of date when it arrives.
        const body = { ...(await response.json()), expire: Math.floor(Date.now() / 1000) - 60 };
        return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
      },
    });
    element.setAttribute('upload-auth', 'signature');
    await uploadButton(element);
    drop(element, [await pngFile('late.png')]);
    const panel = await panelOf(element);
    await uploadTo(panel, `/late-${Date.now()}`);
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const { files } = await done;
    expect(files.map((f) => f.name)).to.deep.equal(['late.png']);
    expect(signatures).to.equal(2);
  });

  it('selects the new files in the modal picker, and keeps out what accept and max-files do not allow', async () => {
    const folder = `/picked-${Date.now()}`;
    const element = await mount(folder, {
      mode: 'modal',
      open: true,
      multiple: true,
      maxFiles: 2,
      accept: 'image/*',
    });
    await uploadButton(element);
    drop(element, [await pngFile('p1.png'), binaryFile('notes.bin', 1000), await pngFile('p2.png', 4, 4)]);
    const panel = await panelOf(element);
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const { files } = await done;
    // The panel refused the type that accept leaves out; the images went up and are now picked.
    expect(files.map((f) => f.name).sort()).to.deep.equal(['p1.png', 'p2.png']);
    await until(() => element.selectedFiles.length === 2, 'the new files selected');
    expect(element.selectedFiles.map((f) => f.name).sort()).to.deep.equal(['p1.png', 'p2.png']);
    // max-files: a third file is not taken into the batch.
    drop(element, [await pngFile('p3.png'), await pngFile('p4.png'), await pngFile('p5.png')]);
    await until(() => shadow(panel).querySelector('footer .btn.primary:not([disabled])'), 'files added');
    expect(shadow(panel).querySelector('footer .btn.primary')!.textContent!.trim()).to.equal(
      'Upload 2 files',
    );
  });

  it('shows the server’s refusal on the file and tells the host', async () => {
    const element = await mount('/', { fetchAuth: fetchAuth({ folder: '/inbox/', access: 'readwrite' }) });
    await uploadButton(element);
    const errors = events<{ name: string; message: string }>(element, 'ml-upload-error');
    drop(element, [await pngFile('outside.png')]);
    const panel = await panelOf(element);
    await uploadTo(panel, '/elsewhere');
    (await startButton(panel)).click();
    const refusal = await until(() => errors[0], 'the upload error');
    expect(refusal.name).to.equal('outside.png');
    expect(refusal.message).to.match(/folder|scope|outside/i);
    // The dashboard shows it on the file (its error button's label).
    await until(
      () =>
        shadow(panel).querySelector('.uppy-Dashboard-Item-errorDetails')?.getAttribute('aria-label') ===
        refusal.message,
      'the error in the dashboard',
    );
  });

  it('shows the uploads on the Upload button while the panel is closed: a progress ring and the count', async () => {
    const element = await mount('/');
    const button = await uploadButton(element);
    const root = button.getRootNode() as ShadowRoot;
    // The uploads wait until the test has looked at the button.
    const send = XMLHttpRequest.prototype.send;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body) {
      void held.then(() => send.call(this, body));
    };
    try {
      drop(element, [await pngFile('ring-a.png'), await pngFile('ring-b.png')]);
      const panel = await panelOf(element);
      await uploadTo(panel, '/ring');
      (await startButton(panel)).click();
      // The panel says the same: no "Upload 2 files" for files already going up.
      const start = shadow(panel).querySelector<HTMLButtonElement>('footer .btn.primary')!;
      await until(() => start.textContent!.trim() === 'Uploading 2 files', 'the files going up');
      expect(start.disabled).to.equal(true);
      shadow(panel).querySelector<HTMLButtonElement>('header button')!.click();
      await until(() => panel.hidden, 'the panel closed');
      const ring = await until(() => root.querySelector('[role="progressbar"]'), 'the progress ring');
      expect(ring.getAttribute('aria-label')).to.equal('Uploading 2 files');
      expect(ring.getAttribute('aria-valuenow')).to.equal('0');
      expect(ring.getAttribute('aria-valuetext')).to.equal('0% uploaded');
      // Drawn (its colours resolve), at the button's corner.
      expect(getComputedStyle(ring).backgroundImage).to.include('conic-gradient');
      const box = ring.getBoundingClientRect();
      const face = button.getBoundingClientRect();
      expect(box.width).to.equal(16);
      expect(box.right).to.be.greaterThan(face.right);
      expect(button.title).to.equal('Uploading 2 files: 0% uploaded');
    } finally {
      XMLHttpRequest.prototype.send = send;
      release();
    }
    await until(() => !root.querySelector('[role="progressbar"]'), 'no ring once the files are up');
    expect(button.title).to.equal('Upload');
  });

  it('says in plain words which file was refused and why, and shows one state after a failure', async () => {
    const element = await mount('/', {
      accept: 'image/*',
      fetchAuth: fetchAuth({ folder: '/inbox/', access: 'readwrite' }),
    });
    await uploadButton(element);
    const errors = events<{ name: string; message: string }>(element, 'ml-upload-error');
    // Not an image: refused in the panel, by name and in words rather than MIME types.
    drop(element, [new File(['just text'], 'notes.txt', { type: 'text/plain' })]);
    const panel = await panelOf(element);
    const informer = await until(
      () => shadow(panel).querySelector('.uppy-Informer')?.textContent?.trim(),
      'the refusal',
    );
    expect(informer).to.equal('notes.txt was not added: only images can be uploaded here.');
    // An image the server cannot read: "invalid file parameter" becomes a sentence about the file.
    drop(element, [new File(['not a png'], 'broken.png', { type: 'image/png' })]);
    await uploadTo(panel, '/inbox');
    (await startButton(panel)).click();
    const refusal = await until(() => errors[0], 'the upload error');
    expect(refusal.message).to.match(
      /^broken\.png could not be uploaded\. The file is not a valid png image\.$/i,
    );
    expect(refusal.message).to.not.include('parameter');
    await until(
      () =>
        shadow(panel).querySelector('.uppy-Dashboard-Item-errorDetails')?.getAttribute('aria-label') ===
        refusal.message,
      'the plain message on the file',
    );
    // One state: the failure, not "Upload 1 file" and "100% uploaded" beside Uppy's "Upload failed".
    const footer = shadow(panel).querySelector('footer')!;
    await until(
      () => footer.querySelector('[role="status"]')!.textContent!.trim() === '1 file could not be uploaded.',
      'the failure in the footer',
    );
    expect(footer.textContent).to.not.match(/%|Upload 1 file/);
    expect(footer.querySelector('.btn.primary')!.textContent!.trim()).to.equal('Retry 1 file');
    expect(shadow(panel).querySelector('.uppy-StatusBar')!.textContent).to.include('Upload failed');
  });

  it('turns a refused file name into a sentence about the name', async () => {
    const { plainUploadError } = await import('../../src/element/parts/upload-messages.js');
    const { Localizer } = await import('../../src/element/i18n/localize.js');
    await import('../../src/element/i18n/en-upload.js');
    const l = new Localizer('en');
    expect(
      plainUploadError(
        l,
        'a/b.png',
        "Your request contains invalid fileName parameter. It must not contain '/' or '\\'.",
      ),
    ).to.equal("The name “a/b.png” cannot be used. It must not contain '/' or '\\'.");
    expect(
      plainUploadError(
        l,
        'big.mov',
        'Your request contains invalid file parameter. The file size exceeds limits.',
      ),
    ).to.equal('big.mov is larger than this server accepts.');
    expect(plainUploadError(l, 'x.png', 'Outside your folder.')).to.equal('Outside your folder.');
  });

  it('saves the batch for after a reload at most twice a second, not on every progress event', async () => {
    // Golden Retriever keeps the batch in localStorage; @uppy/golden-retriever 5.2.1 (pinned) would
    // save it on every change of Uppy's state unless the panel restores its half-second throttle.
    const element = await mount('/');
    await uploadButton(element);
    const setItem = Storage.prototype.setItem;
    const saves: number[] = [];
    Storage.prototype.setItem = function (this: Storage, key: string, value: string) {
      if (key.startsWith('uppyState:')) saves.push(performance.now());
      setItem.call(this, key, value);
    };
    try {
      const files = await Promise.all(Array.from({ length: 12 }, (_, i) => pngFile(`saved-${i}.png`, 8 + i)));
      const started = performance.now();
      drop(element, files);
      const panel = await panelOf(element);
      await uploadTo(panel, `/saved-${Date.now()}`);
      const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
      (await startButton(panel)).click();
      expect((await done).files).to.have.length(12);
      const elapsed = performance.now() - started;
      expect(saves.length, 'saved at all').to.be.greaterThan(0);
      expect(saves.length, `${saves.length} saves in ${Math.round(elapsed)} ms`).to.be.at.most(
        Math.ceil(elapsed / 500) + 2,
      );
    } finally {
      Storage.prototype.setItem = setItem;
    }
  });

  it('imports from a link: Enter in Uppy’s link field and its Import button both add the file, which uploads', async () => {
    const element = await mount('/');
    const { panel } = await openWithKeyboard(element);
    const link = await until(
      () => shadow(panel).querySelector<HTMLButtonElement>('[data-uppy-acquirer-id="Url"] button'),
      'the Link tab',
    );
    link.click();
    const input = await until(
      () => shadow(panel).querySelector<HTMLInputElement>('.uppy-Url-input'),
      'the link field',
    );
    // A link to this (local) server: the test server opens its private-network guard for it.
    input.focus();
    input.value = `${env.url}/edit/link/linked-one.png`;
    await sendKeys({ press: 'Enter' });
    const fileNames = () =>
      [...shadow(panel).querySelectorAll('.uppy-Dashboard-Item-name')].map((n) => n.textContent!.trim());
    await until(() => fileNames().includes('linked-one.png'), 'the file from the link, after Enter');

    // The Import button too, from Add more.
    shadow(panel).querySelector<HTMLButtonElement>('.uppy-DashboardContent-addMore')!.click();
    (
      await until(
        () => shadow(panel).querySelector<HTMLButtonElement>('[data-uppy-acquirer-id="Url"] button'),
        'the Link tab again',
      )
    ).click();
    const again = await until(
      () => shadow(panel).querySelector<HTMLInputElement>('.uppy-Url-input'),
      'the field',
    );
    again.value = `${env.url}/edit/link/linked-two.png`;
    shadow(panel).querySelector<HTMLButtonElement>('.uppy-Url-importButton')!.click();
    await until(() => fileNames().includes('linked-two.png'), 'the file from the link, after Import');

    const folder = `/linked-${Date.now()}`;
    await uploadTo(panel, folder);
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(panel)).click();
    const { files } = await done;
    expect(files.map((f) => f.filePath).sort()).to.deep.equal([
      `${folder}/linked-one.png`,
      `${folder}/linked-two.png`,
    ]);
    const original = new Uint8Array(await (await fetch(`${env.url}/edit/link/linked-one.png`)).arrayBuffer());
    const imported = new Uint8Array(await (await fetch(`${env.url}${folder}/linked-one.png`)).arrayBuffer());
    expect(imported).to.deep.equal(original);
  });

  it('sends files over the server’s threshold to the resumable endpoint, bytes intact', async () => {
    const element = await mount('/', { fetchAuth: fetchAuth({ folder: '/inbox/', access: 'readwrite' }) });
    await uploadButton(element);
    const big = binaryFile('big.bin', 1_500_000);
    drop(element, [big]);
    const second = await panelOf(element);
    await uploadTo(second, '/inbox/big');
    const done = next<{ files: MediaFile[] }>(element, 'ml-upload');
    (await startButton(second)).click();
    const [file] = (await done).files;
    expect(file?.filePath).to.equal('/inbox/big/big.bin');
    expect(
      performance.getEntriesByType('resource').some((entry) => entry.name.includes('/_ml/tus')),
      'went through /_ml/tus',
    ).to.equal(true);
    const stored = new Uint8Array(await (await fetch(`${env.url}${file!.filePath}`)).arrayBuffer());
    expect(stored).to.deep.equal(new Uint8Array(await big.arrayBuffer()));
  });
});
