import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ImageKit from '@imagekit/nodejs';
import type { Transformation } from '@imagekit/nodejs/resources/shared';
import LegacyImageKit from 'imagekit';
import { jpeg, png, upload } from '../helpers/fixtures.js';
import { fetchImage } from '../helpers/images.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

async function put(server: TestServer, bytes: Buffer, fileName: string, fields: Record<string, string> = {}) {
  const response = await upload(server, {
    file: { bytes, name: fileName },
    fields: { fileName, useUniqueFileName: 'false', ...fields },
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body as { url: string; fileId: string; filePath: string };
}

/**
 * URLs built by ImageKit's own helpers (`@imagekit/nodejs` v7 `helper.buildSrc`, legacy v6
 * `url()`), signed and unsigned, in query and path form, must resolve against our server.
 */
describe('ImageKit SDK URL builders against our delivery', () => {
  let server: TestServer;
  let client: ImageKit;
  let legacy: LegacyImageKit;

  before(async () => {
    server = await startTestServer();
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
    legacy = new LegacyImageKit({ ...testKeys, urlEndpoint: server.url });
    await put(server, await jpeg(640, 480), 'photo.jpg', { folder: '/compat' });
    await put(server, await png(300, 200), 'secret.png', {
      folder: '/compat/private',
      isPrivateFile: 'true',
    });
  });
  after(() => server.close());

  const src = (options: Omit<Parameters<ImageKit['helper']['buildSrc']>[0], 'urlEndpoint'>) =>
    client.helper.buildSrc({ urlEndpoint: server.url, ...options });

  it('resolves v7 transformations in query and path form, one step or chained', async () => {
    const cases: Array<[Transformation[], 'query' | 'path', number, number, string?]> = [
      [[{ width: 200 }], 'query', 200, 150],
      [[{ width: 200, height: 100 }], 'path', 200, 100],
      [[{ width: 200 }, { rotation: 90 }], 'query', 150, 200],
      [[{ width: 200 }, { rotation: 90 }], 'path', 150, 200],
      [[{ height: 0.5 }], 'query', 320, 240],
      [[{ width: 300, aspectRatio: '1-1' }], 'query', 300, 300],
      [[{ width: 100, height: 100, crop: 'at_max' }], 'query', 100, 75],
      [[{ width: 100, height: 100, crop: 'force' }], 'query', 100, 100],
      [[{ width: 100, height: 100, cropMode: 'pad_resize', background: 'FF0000' }], 'query', 100, 100],
      [[{ width: 50, height: 50, cropMode: 'extract', focus: 'top_left' }], 'query', 50, 50],
      [[{ width: 50, height: 50, cropMode: 'extract', x: 10, y: 10 }], 'path', 50, 50],
      [[{ width: 100, height: 100, focus: 'auto' }], 'query', 100, 100],
      [[{ width: 100, dpr: 2 }], 'query', 200, 150],
      [[{ width: 120, format: 'webp', quality: 60 }], 'query', 120, 90, 'webp'],
      [[{ width: 120, format: 'png' }], 'path', 120, 90, 'png'],
      [[{ width: 120, blur: 10, grayscale: true, flip: 'h' }], 'query', 120, 90],
      [[{ width: 120, border: '5_FF0000' }], 'query', 130, 100],
      [[{ width: 120, progressive: true, metadata: false, colorProfile: true }], 'query', 120, 90, 'jpeg'],
      [[{ rotation: 'auto' }, { width: 64 }], 'query', 64, 48],
      [[{ named: 'ik_ml_thumbnail' }], 'query', 400, 300, 'webp'],
      [[{ width: 10, original: true }], 'query', 640, 480],
      [[{ raw: 'w-80,h-60' }], 'path', 80, 60],
    ];
    for (const [transformation, transformationPosition, width, height, format = 'jpeg'] of cases) {
      const url = src({ src: '/compat/photo.jpg', transformation, transformationPosition });
      const image = await fetchImage(url);
      assert.deepEqual([image.width, image.height, image.meta.format], [width, height, format], url);
    }
  });

  it('resolves v7 layers, shapes and effects in query and path form (issue 24)', async () => {
    const cases: Array<[Transformation[], 'query' | 'path', number, number]> = [
      [
        [{ width: 320, overlay: { type: 'text', text: 'Hello, world', transformation: [{ fontSize: 30 }] } }],
        'query',
        320,
        240,
      ],
      [
        [{ overlay: { type: 'image', input: 'compat/private/secret.png', transformation: [{ width: 50 }] } }],
        'path',
        640,
        480,
      ],
      [
        [
          {
            overlay: {
              type: 'solidColor',
              color: 'red',
              transformation: [{ width: 100, height: 20, radius: 'max' }],
            },
          },
        ],
        'query',
        640,
        480,
      ],
      [[{ width: 200, radius: 'max', rotation: 'N30' }], 'path', 248, 230],
      [
        [{ width: 'iw_div_4', shadow: 'bl-5_st-40', gradient: true, colorize: 'co-blue_in-30' }],
        'query',
        160,
        120,
      ],
      [[{ width: 100, distort: 'a-45', unsharpMask: '1-1-0.5-0.01' }], 'query', 100, 85],
    ];
    for (const [transformation, transformationPosition, width, height] of cases) {
      const private_ = JSON.stringify(transformation).includes('secret');
      const url = src({ src: '/compat/photo.jpg', transformation, transformationPosition, signed: private_ });
      const image = await fetchImage(url);
      assert.ok(
        Math.abs(image.width - width) <= 2 && Math.abs(image.height - height) <= 2,
        `${url}: ${image.width}×${image.height}`,
      );
    }
  });

  it('resolves signed v7 URLs for private files, with and without expiresIn, and refuses unsigned ones', async () => {
    const unsigned = src({ src: '/compat/private/secret.png' });
    assert.equal((await fetch(unsigned)).status, 401);
    for (const options of [
      { signed: true },
      { signed: true, expiresIn: 300 },
      { signed: true, transformation: [{ width: 50 }] },
      { signed: true, transformation: [{ width: 50 }], transformationPosition: 'path' as const },
      { signed: true, expiresIn: 60, transformation: [{ width: 50 }, { rotation: 90 }] },
      { signed: true, queryParameters: { v: '2', campaign: 'spring sale' } },
    ]) {
      const url = src({ src: '/compat/private/secret.png', ...options });
      assert.match(url, /ik-s=[0-9a-f]{40}/);
      if ('expiresIn' in options) assert.match(url, /ik-t=\d+/);
      const image = await fetchImage(url);
      assert.ok(image.width === 300 || image.width === 50 || image.height === 50, url);
    }
    const named = src({ src: '/compat/private/secret.png', transformation: [{ named: 'ik_ml_thumbnail' }] });
    assert.equal((await fetchImage(named)).width, 300, 'named transformations need no signature');
  });

  it('resolves a signed v7 URL built from a File’s own url (absolute src, with updatedAt)', async () => {
    const [file] = await client.assets.list({ path: '/compat/private/' });
    assert.ok(file && 'url' in file && file.url);
    const url = client.helper.buildSrc({
      urlEndpoint: server.url,
      src: file.url,
      signed: true,
      transformation: [{ width: 30 }],
    });
    assert.match(url, /updatedAt=\d+/);
    assert.equal((await fetchImage(url)).width, 30);
  });

  it('resolves legacy v6 url() in path and query form, signed and with expireSeconds', async () => {
    const cases: Array<[Parameters<LegacyImageKit['url']>[0], number]> = [
      [{ path: '/compat/photo.jpg', transformation: [{ height: '240', width: '320' }] }, 320],
      [{ path: '/compat/photo.jpg', transformation: [{ width: '100' }, { rotation: '90' }] }, 75],
      [
        { path: '/compat/photo.jpg', transformation: [{ width: '160' }], transformationPosition: 'query' },
        160,
      ],
      [{ path: '/compat/private/secret.png', signed: true }, 300],
      [{ path: '/compat/private/secret.png', signed: true, expireSeconds: 120 }, 300],
      [{ path: '/compat/private/secret.png', signed: true, transformation: [{ width: '40' }] }, 40],
      [
        {
          path: '/compat/private/secret.png',
          signed: true,
          transformation: [{ width: '40', height: '20', crop: 'force' }],
          transformationPosition: 'query',
          queryParameters: { v: '1' },
        },
        40,
      ],
    ];
    for (const [options, width] of cases) {
      const url = legacy.url(options);
      assert.equal((await fetchImage(url)).width, width, url);
    }
  });
});

describe('a urlEndpoint with a path, as behind a CDN', () => {
  const endpoint = 'https://cdn.example.com/media';
  let server: TestServer;
  let client: ImageKit;
  before(async () => {
    server = await startTestServer({ urlEndpoint: endpoint });
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
  });
  after(() => server.close());

  /** What the CDN does: forward the path to our origin. */
  const viaCdn = (url: string) => url.replace('https://cdn.example.com', server.url);

  it('serves and verifies URLs made for the endpoint, and purges by them', async () => {
    const uploaded = await put(server, await png(90, 60), 'banner.png', {
      folder: '/cdn',
      isPrivateFile: 'true',
    });
    assert.equal(uploaded.url, `${endpoint}/cdn/banner.png`);
    const signed = client.helper.buildSrc({
      urlEndpoint: endpoint,
      src: '/cdn/banner.png',
      signed: true,
      transformation: [{ width: 45 }],
      transformationPosition: 'path',
    });
    assert.match(signed, /^https:\/\/cdn\.example\.com\/media\/tr:w-45\/cdn\/banner\.png\?ik-s=/);
    assert.equal((await fetchImage(viaCdn(signed))).width, 45);
    assert.equal((await fetch(viaCdn(`${endpoint}/cdn/banner.png`))).status, 401);

    const purge = await client.cache.invalidation.create({ url: `${endpoint}/cdn/*` });
    assert.match(purge.requestId!, /^[0-9a-f]{24}$/);
    const status = await client.cache.invalidation.get(purge.requestId!);
    assert.equal(status.status, 'Completed');
    const elsewhere = await server.api('/v1/files/purge', {
      method: 'POST',
      json: { url: 'https://other.example.com/cdn/banner.png' },
    });
    assert.equal(elsewhere.status, 400);
    assert.match((await elsewhere.json()).message, /urlEndpoint, https:\/\/cdn\.example\.com\/media/);
  });
});
