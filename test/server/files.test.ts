import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { png, upload, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('file details, update, delete', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'brand', label: 'Brand', schema: { type: 'Text', maxLength: 10 } },
    });
    await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'rating', label: 'Rating', schema: { type: 'Number', minValue: 1, maxValue: 5 } },
    });
  });
  after(() => server.close());

  it('returns every field ImageKit returns', async () => {
    const uploaded = await uploadPng(server, {
      fileName: 'detail.png',
      useUniqueFileName: 'false',
      folder: '/d',
    });
    const response = await server.api(`/v1/files/${uploaded.fileId}/details`);
    assert.equal(response.status, 200);
    const file = await response.json();
    for (const key of [
      'fileId',
      'type',
      'name',
      'filePath',
      'tags',
      'AITags',
      'versionInfo',
      'isPrivateFile',
      'isPublished',
      'customCoordinates',
      'url',
      'thumbnail',
      'fileType',
      'mime',
      'width',
      'height',
      'size',
      'hasAlpha',
      'customMetadata',
      'createdAt',
      'updatedAt',
    ]) {
      assert.ok(key in file, `details carry ${key}`);
    }
    assert.equal(file.type, 'file');
    assert.equal(file.filePath, '/d/detail.png');
    assert.match(file.url, new RegExp(`^${server.url}/d/detail\\.png\\?updatedAt=\\d+$`));
    assert.equal(file.thumbnail, `${file.url}&tr=n-ik_ml_thumbnail`);
    assert.match(file.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('updates tags, customCoordinates, customMetadata and description', async () => {
    const { fileId } = await uploadPng(server);
    const response = await server.api(`/v1/files/${fileId}/details`, {
      method: 'PATCH',
      json: {
        tags: ['a', ' b ', 'a'],
        customCoordinates: '5,5,20,20',
        customMetadata: { brand: 'Nike', rating: 4 },
        description: 'Runner on a track',
      },
    });
    assert.equal(response.status, 200);
    const file = await response.json();
    assert.deepEqual(file.tags, ['a', 'b']);
    assert.equal(file.customCoordinates, '5,5,20,20');
    assert.deepEqual(file.customMetadata, { brand: 'Nike', rating: 4 });
    assert.equal(file.description, 'Runner on a track');
    assert.ok(Date.parse(file.updatedAt) >= Date.parse(file.createdAt));

    const cleared = await (
      await server.api(`/v1/files/${fileId}/details`, {
        method: 'PATCH',
        json: { tags: null, customCoordinates: null, customMetadata: { rating: null } },
      })
    ).json();
    assert.equal(cleared.tags, null);
    assert.equal(cleared.customCoordinates, null);
    assert.deepEqual(cleared.customMetadata, { brand: 'Nike' });
  });

  it('publishes and unpublishes, optionally with every version', async () => {
    await uploadPng(server, { fileName: 'pub.png', useUniqueFileName: 'false' });
    const { fileId } = await uploadPng(server, { fileName: 'pub.png', useUniqueFileName: 'false' });
    const off = await (
      await server.api(`/v1/files/${fileId}/details`, {
        method: 'PATCH',
        json: { publish: { isPublished: false, includeFileVersions: true } },
      })
    ).json();
    assert.equal(off.isPublished, false);
    const versions = (await (await server.api('/v1/files?type=file-version')).json()).filter(
      (v: { fileId: string }) => v.fileId === fileId,
    );
    assert.equal(versions.length, 1);
    assert.equal(versions[0].isPublished, false);
    assert.equal(versions[0].type, 'file-version');
    assert.match(versions[0].url, /ik-obj-version=/);
    const on = await (
      await server.api(`/v1/files/${fileId}/details`, {
        method: 'PATCH',
        json: { publish: { isPublished: true } },
      })
    ).json();
    assert.equal(on.isPublished, true);
  });

  it('refuses bad updates with the field at fault', async () => {
    const { fileId } = await uploadPng(server);
    const cases: Array<[unknown, RegExp]> = [
      [{ customMetadata: { brand: 'Much too long a brand' } }, /'brand' must be at most 10 characters/],
      [{ customMetadata: { rating: 9 } }, /'rating' must be at most 5/],
      [{ customMetadata: { nope: 1 } }, /'nope' is not a custom metadata field/],
      [{ tags: 'a,b' }, /invalid tags parameter/],
      [{ tags: ['x'.repeat(501)] }, /at most 500 characters/],
      [{ customCoordinates: 'left' }, /invalid customCoordinates/],
      [{ publish: { isPublished: 'yes' } }, /invalid publish parameter/],
      [{ publish: { isPublished: true }, tags: ['a'] }, /in a request of its own/],
      [{ tagz: ['a'] }, /unknown parameter 'tagz'/],
      [[1, 2], /JSON object/],
    ];
    for (const [json, why] of cases) {
      const response = await server.api(`/v1/files/${fileId}/details`, { method: 'PATCH', json });
      const body = await response.json();
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match(body.message, why);
    }
    const bad = await server.api(`/v1/files/${fileId}/details`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: '{"tags": [',
    });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).message, /not valid JSON/);
    const unchanged = await (await server.api(`/v1/files/${fileId}/details`)).json();
    assert.equal(unchanged.tags, null);
  });

  it('answers 404 for an unknown fileId on details, update, delete and metadata', async () => {
    for (const [method, path] of [
      ['GET', '/v1/files/000000000000000000000000/details'],
      ['PATCH', '/v1/files/000000000000000000000000/details'],
      ['DELETE', '/v1/files/000000000000000000000000'],
      ['GET', '/v1/files/000000000000000000000000/metadata'],
    ] as const) {
      const response = await server.api(path, { method, ...(method === 'PATCH' && { json: { tags: [] } }) });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal((await response.json()).message, 'The requested file does not exist.');
    }
  });

  it('deletes a file with every version and its bytes', async () => {
    await uploadPng(server, { fileName: 'gone.png', useUniqueFileName: 'false', folder: '/gone' });
    const { fileId } = await uploadPng(server, {
      fileName: 'gone.png',
      useUniqueFileName: 'false',
      folder: '/gone',
    });
    const blobsBefore = await server.blobKeys();
    const response = await server.api(`/v1/files/${fileId}`, {
      method: 'DELETE',
      headers: { accept: '*/*' },
    });
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    assert.equal((await server.api(`/v1/files/${fileId}/details`)).status, 404);
    const versions = (await (await server.api('/v1/files?type=file-version')).json()).filter(
      (v: { fileId: string }) => v.fileId === fileId,
    );
    assert.deepEqual(versions, []);
    // In the trash (trashDays 30), the bytes stay until it lets go of them.
    assert.equal((await server.blobKeys()).length, blobsBefore.length);
    await server.api('/_ml/trash', { method: 'DELETE', json: { fileIds: [fileId] } });
    const blobsAfter = await server.blobKeys();
    assert.equal(blobsBefore.length - blobsAfter.length, 2);
  });

  it('reads metadata of a stored image and by URL', async () => {
    const uploaded = await uploadPng(server, { fileName: 'meta.png', useUniqueFileName: 'false' });
    const byId = await (await server.api(`/v1/files/${uploaded.fileId}/metadata`)).json();
    assert.equal(byId.width, 40);
    assert.equal(byId.format, 'png');
    assert.equal(byId.hasTransparency, false);
    assert.match(byId.pHash, /^[0-9a-f]{16}$/);
    const url = encodeURIComponent(`${server.url}/tr:w-100/meta.png?updatedAt=1`);
    const byUrl = await (await server.api(`/v1/metadata?url=${url}`)).json();
    assert.deepEqual(byUrl, byId);
    const foreign = await server.api(
      `/v1/files/metadata?url=${encodeURIComponent('https://example.com/meta.png')}`,
    );
    assert.equal(foreign.status, 400);
  });

  it('reports storage usage for a date range, validating the dates', async () => {
    const usage = await (
      await server.api('/v1/accounts/usage?startDate=2026-01-01&endDate=2026-02-01')
    ).json();
    assert.ok(usage.mediaLibraryStorageBytes > 0);
    assert.equal(usage.bandwidthBytes, 0);
    const wide = await server.api('/v1/accounts/usage?startDate=2026-01-01&endDate=2026-06-01');
    assert.equal(wide.status, 400);
    assert.equal((await wide.json()).message, 'startDate and endDate should be within 90 days.');
  });
});

describe('listing', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  async function seed() {
    const uploads: Array<[string, string, number, number]> = [
      ['b.png', '/', 30, 30],
      ['a.png', '/', 10, 50],
      ['c.png', '/sub/', 20, 10],
    ];
    for (const [name, folder, w, h] of uploads) {
      const response = await upload(server, {
        file: { bytes: await png(w, h), name },
        fields: { fileName: name, folder, useUniqueFileName: 'false' },
      });
      assert.equal(response.status, 200);
    }
    await upload(server, {
      file: { bytes: Buffer.from('hello'), name: 'n.txt' },
      fields: { fileName: 'n.txt', useUniqueFileName: 'false' },
    });
    await server.api('/v1/folder', { method: 'POST', json: { folderName: 'empty', parentFolderPath: '/' } });
  }

  const names = (assets: Array<{ name: string }>) => assets.map((a) => a.name);

  it('lists files anywhere, in creation order, as a bare array', async () => {
    await seed();
    const response = await server.api('/v1/files');
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.ok(Array.isArray(body));
    assert.deepEqual(names(body), ['b.png', 'a.png', 'c.png', 'n.txt']);
  });

  it('keeps to one folder with path, and lists folders first with type=all', async () => {
    await seed();
    assert.deepEqual(names(await (await server.api('/v1/files?path=/sub/')).json()), ['c.png']);
    assert.deepEqual(names(await (await server.api('/v1/files?path=/&type=all&sort=ASC_NAME')).json()), [
      'empty',
      'sub',
      'a.png',
      'b.png',
      'n.txt',
    ]);
    assert.deepEqual(
      names(await (await server.api('/v1/files/?path=/&type=all&sort=ASC_NAME&skip=1&limit=2')).json()),
      ['sub', 'a.png'],
    );
    assert.deepEqual(
      names(await (await server.api('/v1/files?type=all&path=/&sort=ASC_NAME&skip=3')).json()),
      ['b.png', 'n.txt'],
    );
  });

  it('sorts by every column and filters by fileType', async () => {
    await seed();
    const list = async (query: string) => names(await (await server.api(`/v1/files?${query}`)).json());
    assert.deepEqual(await list('sort=DESC_NAME'), ['n.txt', 'c.png', 'b.png', 'a.png']);
    assert.deepEqual(await list('sort=DESC_WIDTH&fileType=image'), ['b.png', 'c.png', 'a.png']);
    assert.deepEqual(await list('sort=ASC_HEIGHT&fileType=image'), ['c.png', 'b.png', 'a.png']);
    assert.deepEqual(await list('fileType=non-image'), ['n.txt']);
    assert.deepEqual(await list('sort=DESC_CREATED&limit=2'), ['n.txt', 'c.png']);
    assert.deepEqual(await list('sort=ASC_SIZE&fileType=non-image'), ['n.txt']);
  });

  it('refuses bad parameters with ImageKit messages', async () => {
    const cases: Array<[string, string | RegExp]> = [
      ['limit=5000', 'Maximum value of limit parameter is 1000. Value sent is 5000.'],
      ['limit=0', 'Minimum value of limit parameter is 1. Value sent is 0.'],
      ['skip=-1', 'The value of skip parameter should be greater than or equal to 0. Value sent is -1.'],
      ['limit=ten', /invalid value for limit parameter/],
      ['sort=BY_MOOD', 'Your request contains invalid value for sort parameters.'],
      [
        'type=images',
        'Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.',
      ],
      ['fileType=video', /invalid value for fileType parameter/],
      ['path=/a/../b', "'.' & '..' can not be used as folder-name"],
      ['searchQuery=name%20%3D', /Invalid search query: expected a value after 'name =' at position 7/],
    ];
    for (const [query, message] of cases) {
      const response = await server.api(`/v1/files?${query}`);
      assert.equal(response.status, 400, query);
      const body = await response.json();
      if (typeof message === 'string') assert.equal(body.message, message);
      else assert.match(body.message, message);
    }
  });
});
