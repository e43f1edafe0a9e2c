import { expect } from 'chai';
import type { MediaFile } from '../../src/shared/wire.js';
import {
  bundle,
  cellNamed,
  env,
  mountInline as mount,
  openDetails,
  panelOf,
  shadow,
  until,
  uploadButton,
} from './bundle-helpers.js';

await import(/* @vite-ignore */ bundle);

const fakeAltText = 'A blue square on a white background.';

/** Uploads a PNG with the test token endpoint's session. */
async function uploadPng(
  folder: string,
  name: string,
  fields: Record<string, string> = {},
): Promise<MediaFile> {
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const canvas = new OffscreenCanvas(64, 48);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#2050a0';
  context.fillRect(0, 0, 64, 48);
  const form = new FormData();
  form.set('file', await canvas.convertToBlob({ type: 'image/png' }), name);
  form.set('fileName', name);
  form.set('folder', folder);
  form.set('useUniqueFileName', 'false');
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  const response = await fetch(`${env.url}/api/v1/files/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (response.status !== 200) throw new Error(`upload: ${response.status} ${await response.text()}`);
  return (await response.json()) as MediaFile;
}

const suggestButton = (root: ShadowRoot) =>
  until(
    () => root.querySelector('ml-alt-suggest')?.shadowRoot?.querySelector<HTMLButtonElement>('button'),
    'Suggest alt text',
  );

afterEach(async () => {
  for (const element of document.querySelectorAll('media-library')) element.remove();
  await new Promise((resolve) => setTimeout(resolve, 600));
  localStorage.clear();
});

describe('Suggest alt text', function () {
  this.timeout(60_000);

  it('fills the alt text field with the suggestion, for the user to review and save', async () => {
    const folder = `/alt-${Date.now()}`;
    await uploadPng(folder, 'blue.png');
    const element = await mount(folder);
    const root = await openDetails(element, 'blue.png');
    const button = await suggestButton(root);
    expect(button.textContent?.trim()).to.equal('Suggest alt text');
    button.focus();
    button.click();
    const alt = root.querySelector<HTMLTextAreaElement>('#alt')!;
    await until(() => alt.value === fakeAltText, 'the suggestion in the field');
    const suggest = root.querySelector('ml-alt-suggest')!.shadowRoot!;
    expect(suggest.querySelector('[role=status]')?.textContent).to.match(/Review it, then save/);
    await until(() => root.activeElement === alt, 'focus in the field, to review it');
    // Not saved until the user saves.
    const save = root.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    await until(() => !save.disabled, 'Save enabled');
    save.click();
    await until(async () => {
      const listed = await fetch(`${env.url}/v1/files?path=${encodeURIComponent(folder)}`, {
        headers: {
          authorization: `Bearer ${((await (await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' })).json()) as { token: string }).token}`,
        },
      });
      return ((await listed.json()) as MediaFile[])[0]?.description === fakeAltText;
    }, 'the alt text saved');
  });

  it('says at the field why a private file is not sent to the provider', async () => {
    const folder = `/alt-private-${Date.now()}`;
    await uploadPng(folder, 'secret.png', { isPrivateFile: 'true' });
    const element = await mount(folder);
    const root = await openDetails(element, 'secret.png');
    const button = await suggestButton(root);
    button.click();
    const suggest = root.querySelector('ml-alt-suggest')!.shadowRoot!;
    const alert = await until(() => suggest.querySelector('[role=alert]'), 'the error at the field');
    expect(alert.textContent).to.match(/private/);
    expect(button.getAttribute('aria-describedby')).to.equal(alert.id);
    expect(root.querySelector<HTMLTextAreaElement>('#alt')!.value).to.equal('');
  });
});

describe('Generate an image', function () {
  this.timeout(60_000);

  it('generates from a prompt into the panel folder, and the image appears in the grid like an upload', async () => {
    const folder = `/gen-${Date.now()}`;
    const element = await mount(folder);
    const uploads: MediaFile[][] = [];
    element.addEventListener('ml-upload', (event) =>
      uploads.push((event as CustomEvent<{ files: MediaFile[] }>).detail.files),
    );
    (await uploadButton(element)).click();
    const panel = await panelOf(element);
    const open = await until(
      () =>
        [...shadow(panel).querySelectorAll<HTMLButtonElement>('.generate > button')].find(
          (b) => b.textContent?.trim() === 'Generate an image',
        ),
      'Generate an image',
    );
    expect(open.getAttribute('aria-expanded')).to.equal('false');
    open.click();
    const form = await until(
      () => shadow(panel).querySelector('ml-generate-image')?.shadowRoot?.querySelector('form'),
      'the Generate form',
    );
    expect(open.getAttribute('aria-expanded')).to.equal('true');
    const prompt = form.querySelector('textarea')!;
    await until(
      () =>
        form.getRootNode() instanceof ShadowRoot &&
        (form.getRootNode() as ShadowRoot).activeElement === prompt,
      'focus in the prompt',
    );
    // An empty prompt is refused at the field.
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => prompt.getAttribute('aria-invalid') === 'true', 'the prompt marked');
    prompt.value = 'A lighthouse at dusk';
    prompt.dispatchEvent(new Event('input'));
    const size = form.querySelector('select')!;
    size.selectedIndex = 3;
    size.dispatchEvent(new Event('change'));
    const name = form.querySelector<HTMLInputElement>('input[name=fileName]')!;
    await until(() => name.value === 'a-lighthouse-at-dusk.png', 'a name from the prompt');
    form.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => form.getAttribute('aria-busy') === 'true' || uploads.length > 0, 'generating');
    await until(() => uploads.length === 1, 'ml-upload');
    const [file] = uploads[0]!;
    expect(file!.name).to.equal('a-lighthouse-at-dusk.png');
    expect(file!.filePath).to.equal(`${folder}/a-lighthouse-at-dusk.png`);
    expect(file!.description).to.equal('A lighthouse at dusk');
    expect(form.querySelector('[role=status]')?.textContent).to.match(/Generated a-lighthouse-at-dusk.png/);
    await until(() => cellNamed(element, 'a-lighthouse-at-dusk.png'), 'the image in the grid');
  });
});
