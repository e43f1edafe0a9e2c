import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { AssetDetailsElement } from '../../src/element/parts/asset-details.js';
import type { CustomMetadataField, MediaFile } from '../../src/shared/wire.js';
import {
  cleanup,
  click,
  env,
  item,
  itemNames,
  mount,
  nextEvent,
  shadow,
  testFetchAuth,
  until as waitUntil,
} from './helpers.js';

afterEach(cleanup);

// Saves go through the real server on a shared, busy machine: allow them time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

/** A session token from the test token endpoint, with this scope. */
async function token(scope: object = {}): Promise<string> {
  const response = await fetch(`${env.authUrl}/session`, {
    method: 'POST',
    headers: { 'x-test-scope': JSON.stringify(scope) },
    body: '{}',
  });
  return ((await response.json()) as { token: string }).token;
}

/** The file at `path`, as the server has it now. */
async function fileAt(folder: string, name: string): Promise<MediaFile | undefined> {
  const response = await fetch(`${env.url}/v1/files?path=${encodeURIComponent(folder)}`, {
    headers: { authorization: `Bearer ${await token()}` },
  });
  return ((await response.json()) as MediaFile[]).find((f) => f.name === name);
}

/** Opens `folder`, selects `name` and the details panel; answers the panel's shadow root. */
async function openDetails(
  folder: string,
  name: string,
  attributes: Record<string, string | boolean> = {},
  properties: Partial<MediaLibraryElement> = {},
): Promise<{ element: MediaLibraryElement; panel: AssetDetailsElement; root: ShadowRoot }> {
  const element = await mount({ 'initial-folder': folder, ...attributes }, properties);
  click(item(element, name));
  shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
  const panel = await until(
    () => shadow(element).querySelector('ml-asset-details') as AssetDetailsElement | null,
    'the details panel',
  );
  await until(() => panel.shadowRoot?.querySelector('h3')?.textContent === name, 'the file in the panel');
  return { element, panel, root: shadow(panel) };
}

function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

const saveButton = (root: ShadowRoot) => root.querySelector<HTMLButtonElement>('button[type="submit"]')!;

async function save(root: ShadowRoot): Promise<void> {
  await until(() => !saveButton(root).disabled, 'Save to be enabled');
  saveButton(root).click();
}

describe('the details panel as an editor', function () {
  this.timeout(60_000);
  it('downloads the original under its name, a private file through a signed URL, in a read-only session too', async () => {
    // The links the panel clicks, kept from navigating.
    const clicked: HTMLAnchorElement[] = [];
    const anchorClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      const { fetchAuth } = testFetchAuth({ scope: { access: 'read' } });
      const { element, root } = await openDetails('/edit/download', 'private.png', {}, { fetchAuth });
      const button = await until(
        () => root.querySelector<HTMLButtonElement>('[data-action="download"]'),
        'the Download button',
      );
      expect(button.textContent!.trim()).to.equal('Download');
      button.click();
      const link = await until(() => clicked[0], 'a download');
      expect(link.download).to.equal('private.png');
      expect(link.href).to.match(/ik-attachment=true&ik-t=\d+&ik-s=[0-9a-f]+$/);
      const signed = await fetch(link.href);
      expect(signed.status).to.equal(200);
      // (Content-Disposition is not exposed across origins: the server test reads it.)
      expect(signed.headers.get('content-type')).to.equal('image/png');
      // Without the signature the private file is not served.
      const file = (await fileAt('/edit/download', 'private.png'))!;
      expect((await fetch(`${file.url}&ik-attachment=true`)).status).to.not.equal(200);
      // A public file downloads from its own URL.
      click(item(element, 'public.png'));
      await until(() => root.querySelector('h3')?.textContent === 'public.png', 'the public file');
      root.querySelector<HTMLButtonElement>('[data-action="download"]')!.click();
      const plain = await until(() => clicked[1], 'a second download');
      expect(plain.href).to.match(/\?updatedAt=\d+&ik-attachment=true$/);
      expect((await fetch(plain.href)).status).to.equal(200);
    } finally {
      HTMLAnchorElement.prototype.click = anchorClick;
    }
  });

  it('plays videos and audio in the details panel, with the server’s poster frame for a video', async () => {
    const { element, root } = await openDetails('/edit/media', 'clip.webm');
    const video = await until(
      () => root.querySelector('.preview video') as HTMLVideoElement | null,
      'a player',
    );
    const clip = (await fileAt('/edit/media', 'clip.webm'))!;
    expect(video.controls).to.equal(true);
    expect(video.getAttribute('src')).to.equal(clip.url);
    expect(video.getAttribute('poster')).to.equal(clip.thumbnail);
    expect(video.getAttribute('aria-label')).to.equal('clip.webm');
    expect(root.querySelector('.preview img')).to.equal(null);
    const tone = (await fileAt('/edit/media', 'tone.wav'))!;
    click(item(element, 'tone.wav'));
    const audio = await until(
      () => root.querySelector('.preview audio') as HTMLAudioElement | null,
      'an audio player',
    );
    expect(audio.controls).to.equal(true);
    expect(audio.getAttribute('src')).to.equal(tone.url);
    // The server delivers it: the player reads its length.
    await until(() => audio.readyState >= HTMLMediaElement.HAVE_METADATA, 'the audio metadata');
    expect(audio.duration).to.be.closeTo(0.5, 0.05);
    // A private file plays through a signed URL from the server.
    click(item(element, 'secret-tone.wav'));
    const secret = await until(
      () => root.querySelector<HTMLAudioElement>('.preview audio[src*="ik-s="]'),
      'a signed source',
    );
    await until(() => secret.readyState >= HTMLMediaElement.HAVE_METADATA, 'the private audio metadata');
  });

  it('renames a file in place', async () => {
    const { element, root } = await openDetails('/edit/rename', 'old-name.png');
    type(root.querySelector<HTMLInputElement>('#name')!, 'new-name.png');
    await save(root);
    await until(() => root.querySelector('h3')?.textContent === 'new-name.png', 'the new name in the panel');
    await until(() => itemNames(element).includes('new-name.png'), 'the new name in the grid');
    expect(await fileAt('/edit/rename', 'new-name.png')).to.not.equal(undefined);
  });

  it('shows a rename conflict at the name and keeps the old name', async () => {
    const { element, root } = await openDetails('/edit/rename', 'taken.png');
    const others = itemNames(element).filter((n) => n !== 'taken.png');
    type(root.querySelector<HTMLInputElement>('#name')!, others[0]!);
    await save(root);
    const problem = await until(
      () => root.querySelector('#name-problem')?.textContent,
      'the conflict message',
    );
    expect(problem).to.contain('already exists');
    expect(root.querySelector('#name')!.getAttribute('aria-invalid')).to.equal('true');
    expect(root.querySelector('h3')!.textContent).to.equal('taken.png');
    await until(() => itemNames(element).includes('taken.png'), 'the old name back in the grid');
    expect(await fileAt('/edit/rename', 'taken.png')).to.not.equal(undefined);
  });

  it('keeps alt text in description, with a character count', async () => {
    const { root } = await openDetails('/edit/alt', 'photo.png');
    const alt = root.querySelector<HTMLTextAreaElement>('#alt')!;
    type(alt, 'A quiet harbour');
    await until(() => root.querySelector('#alt-count')?.textContent?.includes('15 characters'), 'the count');
    expect(root.querySelector('.save-bar [role="status"]')!.textContent).to.contain('Unsaved changes');
    await save(root);
    await until(
      () => root.querySelector('.save-bar [role="status"]')?.textContent?.includes('Saved'),
      'saved',
    );
    expect((await fileAt('/edit/alt', 'photo.png'))!.description).to.equal('A quiet harbour');
  });

  it('adds a tag picked from suggestions with the keyboard', async () => {
    const { root } = await openDetails('/edit/tags', 'tagged.png');
    const tags = root.querySelector('ml-tag-input')!;
    const input = shadow(tags).querySelector<HTMLInputElement>('input')!;
    input.focus();
    type(input, 'sugg');
    const option = await until(
      () => shadow(tags).querySelector('[role="option"]')?.textContent?.trim(),
      'a suggestion from the library',
    );
    expect(option).to.equal('suggested-tag');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await until(() => input.getAttribute('aria-activedescendant'), 'the active option');
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => shadow(tags).querySelectorAll('.chip').length === 2, 'the new chip');
    await save(root);
    await until(
      () => root.querySelector('.save-bar [role="status"]')?.textContent?.includes('Saved'),
      'saved',
    );
    expect((await fileAt('/edit/tags', 'tagged.png'))!.tags).to.deep.equal(['autumn-sale', 'suggested-tag']);
  });

  it('refuses a tag over the limits as it is typed, under the tag field, not at Save', async () => {
    const { root } = await openDetails('/edit/tags', 'suggester.png');
    const tags = root.querySelector('ml-tag-input')!;
    const input = shadow(tags).querySelector<HTMLInputElement>('input')!;
    const enter = () => input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    const problem = () => shadow(tags).querySelector('[role="alert"]')?.textContent ?? '';
    input.focus();
    // A 600-character paste: the field takes 500, and that with the tag there is still too much.
    input.setRangeText('x'.repeat(600).slice(0, Number(input.maxLength)));
    input.dispatchEvent(new Event('input'));
    await until(() => problem().includes('at most 500 characters'), 'the limit said as it is typed');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(input.getAttribute('aria-describedby')).to.equal(shadow(tags).querySelector('[role="alert"]')!.id);
    enter();
    await tags.updateComplete;
    expect(shadow(tags).querySelectorAll('.chip').length, 'not added').to.equal(1);
    expect(root.querySelector<HTMLButtonElement>('.save-bar .btn.primary')!.disabled).to.equal(true);
    type(input, '50%-off');
    await until(() => problem().includes('%'), 'the % refused');
    enter();
    await tags.updateComplete;
    expect(shadow(tags).querySelectorAll('.chip').length).to.equal(1);
    type(input, 'fine');
    await until(() => problem() === '', 'no problem');
    expect(input.hasAttribute('aria-invalid')).to.equal(false);
    enter();
    await until(() => shadow(tags).querySelectorAll('.chip').length === 2, 'the tag added');
  });

  it('enforces a custom metadata constraint at the field', async () => {
    const { root } = await openDetails('/edit/meta', 'meta.png');
    // The account's custom fields load beside the first page; the panel shows them once they are in.
    type(await until(() => root.querySelector<HTMLInputElement>('#cm-rating'), 'the custom fields'), '9');
    const problem = await until(() => root.querySelector('#cm-rating-problem')?.textContent, 'the problem');
    expect(problem).to.equal('At most 5.');
    expect(saveButton(root).disabled).to.equal(true);
    type(root.querySelector<HTMLInputElement>('#cm-rating')!, '4');
    const season = root.querySelector<HTMLSelectElement>('#cm-season')!;
    season.selectedIndex = 2;
    season.dispatchEvent(new Event('change', { bubbles: true }));
    await save(root);
    await until(
      () => root.querySelector('.save-bar [role="status"]')?.textContent?.includes('Saved'),
      'saved',
    );
    expect((await fileAt('/edit/meta', 'meta.png'))!.customMetadata).to.deep.equal({
      rating: 4,
      season: 'autumn',
    });
  });

  it("shows the server's refusal under the field that caused it", async () => {
    const { element, panel, root } = await openDetails('/edit/stale', 'stale.png');
    await until(() => root.querySelector('#cm-rating'), 'the custom fields');
    // A schema the element loaded before someone tightened it: the UI allows what the server refuses.
    const state = element as unknown as { customFields: CustomMetadataField[] };
    state.customFields = state.customFields.map((f) =>
      f.name === 'rating' ? { ...f, schema: { type: 'Number' as const } } : f,
    );
    await element.updateComplete;
    await panel.updateComplete;
    type(root.querySelector<HTMLInputElement>('#cm-rating')!, '9');
    await save(root);
    const problem = await until(() => root.querySelector('#cm-rating-problem')?.textContent, 'the message');
    expect(problem).to.contain('must be at most 5');
    expect((await fileAt('/edit/stale', 'stale.png'))!.customMetadata).to.deep.equal({});
  });

  it('does not lose unsaved changes when the selection moves on', async () => {
    const { element, root } = await openDetails('/edit/dirty', 'first.png');
    type(root.querySelector<HTMLTextAreaElement>('#alt')!, 'Draft text');
    click(item(element, 'second.png'));
    const banner = await until(() => root.querySelector('.banner')?.textContent, 'the unsaved banner');
    expect(banner).to.contain('first.png');
    expect(root.querySelector('h3')!.textContent).to.equal('first.png');
    expect(root.querySelector<HTMLTextAreaElement>('#alt')!.value).to.equal('Draft text');
    root.querySelector<HTMLButtonElement>('.banner button')!.click();
    await until(
      () => root.querySelector('h3')?.textContent === 'second.png',
      'the next file after discarding',
    );
    expect((await fileAt('/edit/dirty', 'first.png'))!.description ?? '').to.equal('');
  });

  it('Cancel puts the saved values back', async () => {
    const { root } = await openDetails('/edit/dirty', 'second.png');
    const alt = root.querySelector<HTMLTextAreaElement>('#alt')!;
    type(alt, 'Never saved');
    const cancel = root.querySelector<HTMLButtonElement>('.save-bar .btn:not(.primary)')!;
    await until(() => !cancel.disabled, 'Cancel enabled');
    cancel.click();
    await until(() => root.querySelector<HTMLTextAreaElement>('#alt')!.value === '', 'the draft reverted');
    expect(saveButton(root).disabled).to.equal(true);
  });

  it('require-alt blocks Insert naming the image, and the panel takes the alt text there', async () => {
    const element = await mount({ 'initial-folder': '/edit/require', 'require-alt': true, multiple: true });
    let inserted: MediaFile[] | undefined;
    element.addEventListener('ml-insert', (e) => {
      inserted = e.detail.files;
    });
    click(item(element, 'no-alt.png'));
    click(item(element, 'with-alt.png'), { ctrlKey: true });
    await element.updateComplete;
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    const notice = await until(() => shadow(element).querySelector('.notice')?.textContent, 'the notice');
    expect(notice).to.contain('no-alt.png');
    expect(notice).to.not.contain('with-alt.png');
    expect(inserted).to.equal(undefined);
    const panel = await until(
      () => shadow(element).querySelector('ml-asset-details') as AssetDetailsElement | null,
      'the details panel',
    );
    const alt = await until(() => shadow(panel).querySelector<HTMLTextAreaElement>('#alt'), 'the alt field');
    await until(() => shadow(panel).activeElement === alt, 'focus in the alt field');
    type(alt, 'Now described');
    await save(shadow(panel));
    await until(
      () => shadow(panel).querySelector('.save-bar [role="status"]')?.textContent?.includes('Saved'),
      'saved',
    );
    const done = nextEvent<{ files: MediaFile[] }>(element, 'ml-insert');
    shadow(element).querySelector<HTMLButtonElement>('[part="insert-button"]')!.click();
    const { files } = await done;
    expect(files.map((f) => f.description)).to.have.members(['Now described', 'Has alt']);
  });

  it('a read-only session shows no edit controls, and a crafted write is refused', async () => {
    const { fetchAuth } = testFetchAuth({ scope: { access: 'read' } });
    const { root } = await openDetails('/edit/readonly', 'locked.png', {}, { fetchAuth });
    expect(root.querySelector('form, input:not(.url), textarea, ml-tag-input')).to.equal(null);
    const file = (await fileAt('/edit/readonly', 'locked.png'))!;
    const write = await fetch(`${env.url}/v1/files/${file.fileId}/details`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${await token({ access: 'read' })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ description: 'sneaky' }),
    });
    expect(write.status).to.equal(403);
    expect((await fileAt('/edit/readonly', 'locked.png'))!.description ?? '').to.equal('');
  });
});
