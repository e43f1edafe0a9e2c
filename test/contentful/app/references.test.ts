import { expect } from 'chai';
import type { StoredFile } from '../../../plugins/contentful/src/field-value.js';
import { tokenEndpointFetch } from '../../../plugins/contentful/src/token-endpoint-client.js';
import { env, fakeFieldSdk, installation, mountApp } from './fake-sdk.js';
import { buttonNamed, cleanup, shadow, until, viewIn } from './helpers.js';

afterEach(cleanup);

interface Reference {
  source: string;
  key: string;
  title: string;
  url: string | null;
}

function stored(name: string): StoredFile {
  const file = env.files[name]!;
  return { ...file, name, mime: name.endsWith('.png') ? 'image/png' : 'image/jpeg' };
}

describe('where used', () => {
  /** The places of `key` that use the file, as the real media server answers with an editor's session. */
  async function placesOf(
    sdk: Parameters<typeof tokenEndpointFetch>[1]['sdk'],
    name: string,
    key: string,
  ): Promise<Reference[]> {
    const session = await tokenEndpointFetch(env.authUrl, { sign: true, sdk })('session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = (await session.json()) as { token: string };
    const response = await fetch(`${env.mediaUrl}/_ml/files/${env.files[name]!.fileId}/references`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).to.equal(200);
    const { references } = (await response.json()) as { references: Reference[] };
    return references.filter((reference) => reference.key === key);
  }

  async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 8000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('records the two files an entry uses when the field changes, and removes them when it is emptied', async () => {
    const entryId = `entry-${Math.random().toString(36).slice(2)}`;
    const key = `entry/${entryId}`;
    const contentful = fakeFieldSdk({
      installation: installation(),
      entryId,
      title: 'Spring launch',
      dialog: async () => ({ files: [stored('red.png'), stored('blue.jpg')] }),
    });
    const view = await viewIn(mountApp(contentful.sdk), 'ml-contentful-field');
    buttonNamed(shadow(view), 'Add files')!.click();
    await until(() => contentful.writes.length === 1, 'the field to be written');
    const place = {
      source: 'contentful:space-1/master',
      key,
      title: 'Spring launch',
      url: `https://app.contentful.com/spaces/space-1/environments/master/entries/${entryId}`,
    };
    for (const name of ['red.png', 'blue.jpg']) {
      await eventually(async () => (await placesOf(contentful.sdk, name, key)).length === 1, `${name} used`);
      const [reference] = await placesOf(contentful.sdk, name, key);
      expect(reference).to.deep.include(place);
    }
    await view.updateComplete;
    buttonNamed(shadow(view), 'Remove red.png')!.click();
    await eventually(
      async () => (await placesOf(contentful.sdk, 'red.png', key)).length === 0,
      'red.png unused',
    );
    expect(await placesOf(contentful.sdk, 'blue.jpg', key)).to.have.length(1);
    await view.updateComplete;
    buttonNamed(shadow(view), 'Remove blue.jpg')!.click();
    await until(
      () => contentful.writes.at(-1) === undefined && contentful.writes.length === 3,
      'the field emptied',
    );
    await eventually(
      async () => (await placesOf(contentful.sdk, 'blue.jpg', key)).length === 0,
      'blue.jpg unused',
    );
  });

  it('keeps the files another field of the entry uses', async () => {
    const entryId = `entry-${Math.random().toString(36).slice(2)}`;
    const key = `entry/${entryId}`;
    const contentful = fakeFieldSdk({
      installation: installation(),
      entryId,
      value: { files: [stored('red.png')] },
      otherFields: { hero: { 'en-US': { files: [stored('blue.jpg')] } } },
      dialog: async () => undefined,
    });
    const view = await viewIn(mountApp(contentful.sdk), 'ml-contentful-field');
    buttonNamed(shadow(view), 'Remove red.png')!.click();
    await eventually(
      async () => (await placesOf(contentful.sdk, 'blue.jpg', key)).length === 1,
      'blue.jpg used',
    );
    const [reference] = await placesOf(contentful.sdk, 'blue.jpg', key);
    expect(reference!.title).to.equal(`Article ${entryId}`);
    expect(await placesOf(contentful.sdk, 'red.png', key)).to.have.length(0);
  });

  it('brings the stored URL of a file moved in the media library up to date when the entry opens', async () => {
    const probe = fakeFieldSdk({ installation: installation(), dialog: async () => undefined });
    const session = await tokenEndpointFetch(env.authUrl, { sign: true, sdk: probe.sdk })('session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = (await session.json()) as { token: string };
    const api = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${env.mediaUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    // Outside /brand, which the other tests list.
    const folder = `/moved-${Math.random().toString(36).slice(2)}/`;
    expect(
      (await api('/v1/files/copy', 'POST', { sourceFilePath: '/brand/red.png', destinationPath: folder }))
        .status,
    ).to.equal(204);
    const [copy] = (await (await api(`/v1/files?path=${encodeURIComponent(folder)}`)).json()) as StoredFile[];
    const before: StoredFile = {
      ...stored('red.png'),
      fileId: copy!.fileId,
      url: copy!.url,
      filePath: copy!.filePath,
    };
    expect(
      (await api('/v1/files/rename', 'PUT', { filePath: copy!.filePath, newFileName: 'crimson.png' })).status,
    ).to.equal(200);

    const contentful = fakeFieldSdk({
      installation: installation(),
      value: { files: [before, stored('blue.jpg')] },
      dialog: async () => undefined,
    });
    const view = await viewIn(mountApp(contentful.sdk), 'ml-contentful-field');
    await until(() => contentful.writes.length === 1, 'the moved file to be updated');
    const [moved, unchanged] = (contentful.writes[0] as { files: StoredFile[] }).files;
    expect(moved!.fileId).to.equal(copy!.fileId);
    expect(moved!.filePath).to.equal(`${folder}crimson.png`);
    expect(moved!.name).to.equal('crimson.png');
    expect(moved!.url).to.include(`${folder}crimson.png`);
    expect(unchanged).to.deep.equal(stored('blue.jpg'));
    await view.updateComplete;
    expect(shadow(view).querySelector('[role="status"]')?.textContent).to.match(
      /moved or renamed.*Publish the entry/s,
    );
  });
});
