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
});
