import { expect } from 'chai';
import type { MediaLibraryElement } from '../../src/element/media-library.js';
import type { MediaFile } from '../../src/shared/wire.js';
import { cleanup, click, env, item, mount, shadow, until as waitUntil } from './helpers.js';

afterEach(cleanup);

// Saves go through the real server on a shared, busy machine: allow them time.
const until = <T>(check: () => T | undefined | null | false, what?: string, timeout = 12_000) =>
  waitUntil(check, what, timeout);

async function api<T>(path: string): Promise<T> {
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const response = await fetch(`${env.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as T;
}

const fileAt = async (folder: string, name: string) =>
  (await api<MediaFile[]>(`/v1/files?path=${encodeURIComponent(folder)}`)).find((f) => f.name === name)!;

async function openVersions(element: MediaLibraryElement, name: string) {
  click(item(element, name));
  shadow(element).querySelector<HTMLButtonElement>('[aria-label="Show details"]')!.click();
  const details = await until(() => shadow(element).querySelector('ml-asset-details'), 'the panel');
  const root = await until(
    () => details.shadowRoot?.querySelector('details.versions') && details.shadowRoot,
    'versions',
  );
  root.querySelector<HTMLElement>('details.versions summary')!.click();
  const versions = await until(() => root.querySelector('ml-versions')?.shadowRoot, 'the versions part');
  await until(() => versions.querySelectorAll('li').length > 0, 'the version list');
  return { root, versions };
}

const previewSrc = (root: ShadowRoot) => root.querySelector<HTMLImageElement>('.preview img')!.src;

/** Answers the question a restore asks first, keeping the current details or not; answers what it said. */
async function confirmRestore(versions: ShadowRoot, name: string, keepCurrent = true): Promise<string> {
  const confirm = await until(
    () => versions.querySelector<HTMLElement>(`.confirm[aria-label="Restore ${name}"]`),
    'the question before restoring',
  );
  const keep = confirm.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
  if (keep.checked !== keepCurrent) keep.click();
  const said = confirm.querySelector('p')!.textContent!;
  confirm.querySelector<HTMLButtonElement>('.btn.primary')!.click();
  return said;
}

/** A canvas drawn as a PNG file. */
async function pngUpload(width: number, height: number): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.fillRect(0, 0, width, height);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], 'anything.png', { type: 'image/png' });
}

/** The details that a replacement or a restore may keep or drop. */
const detailsOf = (f: MediaFile) => ({
  tags: f.tags,
  customMetadata: f.customMetadata,
  description: f.description,
  customCoordinates: f.customCoordinates,
});

async function patch(fileId: string, json: object): Promise<void> {
  const session = await fetch(`${env.authUrl}/session`, { method: 'POST', body: '{}' });
  const { token } = (await session.json()) as { token: string };
  const response = await fetch(`${env.url}/v1/files/${fileId}/details`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(json),
  });
  expect(response.status).to.equal(200);
}

describe('versions', function () {
  this.timeout(60_000);
  it('lists versions with date and size, and restoring one changes the preview', async () => {
    const element = await mount({ 'initial-folder': '/edit/versions' });
    const before = await fileAt('/edit/versions', 'versioned.png');
    expect([before.width, before.height]).to.deep.equal([60, 40]);
    const { root, versions } = await openVersions(element, 'versioned.png');
    const rows = [...versions.querySelectorAll('li')].map((li) =>
      li.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(rows).to.have.length(2);
    expect(rows[0]).to.match(/^Version 2 · current · .+ · [\d.,]+\s?\S*B/i);
    const oldSrc = previewSrc(root);
    versions.querySelector<HTMLButtonElement>('[aria-label="Preview Version 1"]')!.click();
    await until(() => versions.querySelector('img.preview'), 'the version preview');
    versions.querySelector<HTMLButtonElement>('[aria-label="Restore Version 1"]')!.click();
    await confirmRestore(versions, 'Version 1');
    await until(() => previewSrc(root) !== oldSrc, 'the preview to change');
    const after = await fileAt('/edit/versions', 'versioned.png');
    expect(after.fileId).to.equal(before.fileId);
    expect([after.width, after.height]).to.deep.equal([30, 30]);
    expect(previewSrc(root)).to.contain(`updatedAt=`);
    expect(root.querySelector('dl')!.textContent).to.contain('30 × 30');
  });

  it('replaces the file with an upload that keeps the fileId, and deletes an old version', async () => {
    const element = await mount({ 'initial-folder': '/edit/replace' });
    const before = await fileAt('/edit/replace', 'replaced.png');
    const { root, versions } = await openVersions(element, 'replaced.png');
    const canvas = document.createElement('canvas');
    canvas.width = 48;
    canvas.height = 24;
    canvas.getContext('2d')!.fillRect(0, 0, 48, 24);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const input = versions.querySelector<HTMLInputElement>('input[type="file"]')!;
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'anything.png', { type: 'image/png' }));
    input.files = transfer.files;
    const oldSrc = previewSrc(root);
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => previewSrc(root) !== oldSrc, 'the preview to refresh', 8000);
    const after = await fileAt('/edit/replace', 'replaced.png');
    expect(after.fileId).to.equal(before.fileId);
    expect(after.url.split('?')[0]).to.equal(before.url.split('?')[0]);
    expect([after.width, after.height]).to.deep.equal([48, 24]);
    await until(() => versions.querySelectorAll('li').length === 2, 'two versions');
    versions.querySelector<HTMLButtonElement>('[aria-label="Delete Version 1"]')!.click();
    await until(() => versions.querySelectorAll('li').length === 1, 'the old version gone');
    expect(await api<MediaFile[]>(`/v1/files/${before.fileId}/versions`)).to.have.length(1);
  });

  it('keeps tags, custom metadata, alt text and focus area through Replace file…, dates each version, and asks before a restore brings old details back', async () => {
    const element = await mount({ 'initial-folder': '/edit/keep' });
    const original = await fileAt('/edit/keep', 'licensed.png');
    const kept = detailsOf(original);
    expect(kept.tags).to.deep.equal(['licence-cc']);
    const { root, versions } = await openVersions(element, 'licensed.png');
    const input = versions.querySelector<HTMLInputElement>('input[type="file"]')!;
    const transfer = new DataTransfer();
    transfer.items.add(await pngUpload(48, 24));
    input.files = transfer.files;
    const oldSrc = previewSrc(root);
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => previewSrc(root) !== oldSrc, 'the preview to refresh');
    const replaced = await fileAt('/edit/keep', 'licensed.png');
    expect([replaced.width, replaced.height]).to.deep.equal([48, 24]);
    expect(detailsOf(replaced)).to.deep.equal(kept);

    // Each version says when it was made (the file's createdAt is the same for all of them).
    await until(() => versions.querySelectorAll('li time').length === 2, 'two dated versions');
    const times = [...versions.querySelectorAll('li time')].map((t) => t.getAttribute('datetime')!);
    expect(times[0], 'the new version is newer').to.not.equal(times[1]);
    expect(Date.parse(times[0]!)).to.be.greaterThan(Date.parse(times[1]!));
    expect(Date.parse(times[1]!)).to.equal(Math.floor(Date.parse(original.createdAt) / 1000) * 1000);

    // Edited since: restoring Version 1 says it brings its own details back, and does so when asked to.
    await patch(original.fileId, { tags: ['edited'], description: 'Edited alt' });
    versions.querySelector<HTMLButtonElement>('[aria-label="Restore Version 1"]')!.click();
    const said = await confirmRestore(versions, 'Version 1', false);
    expect(said).to.contain('tags, custom metadata, alt text and focus area');
    await until(async () => (await fileAt('/edit/keep', 'licensed.png')).width === 30, 'version 1 back');
    expect(detailsOf(await fileAt('/edit/keep', 'licensed.png'))).to.deep.equal(kept);

    // Restoring Version 2 keeping the current details: its pixels, today's details.
    await patch(original.fileId, { tags: ['later'] });
    const restore2 = await until(
      () => versions.querySelector<HTMLButtonElement>('[aria-label="Restore Version 2"]'),
      'Version 2 in the history',
    );
    restore2.click();
    await confirmRestore(versions, 'Version 2', true);
    await until(async () => (await fileAt('/edit/keep', 'licensed.png')).width === 48, 'version 2 back');
    // Keeping the details is a second request after the restore: wait for the element to finish.
    await until(() => !versions.querySelector('[role="status"]'), 'the restore to finish', 8000);
    expect(detailsOf(await fileAt('/edit/keep', 'licensed.png'))).to.deep.equal({ ...kept, tags: ['later'] });
  });
});
