// Upload `transformation`: `pre` applied to the bytes before they are stored, `post` renditions
// rendered into the cache once the file is; `extensions` this server does not run are refused naming the extension (docs/ai.md).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ImageKit, { toFile } from '@imagekit/nodejs';
import { png, upload } from '../helpers/fixtures.js';
import { decode, fetchImage } from '../helpers/images.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

interface Uploaded {
  fileId: string;
  filePath: string;
  width: number;
  height: number;
  size: number;
}

describe('upload transformations', () => {
  let server: TestServer;
  let client: ImageKit;
  before(async () => {
    server = await startTestServer();
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
  });
  after(() => server.close());

  const put = async (fields: Record<string, string>, bytes?: Buffer, name = 'big.png') =>
    upload(server, {
      file: { bytes: bytes ?? (await png(400, 300)), name, type: 'image/png' },
      fields: { fileName: name, folder: '/pre', ...fields },
    });

  it('applies pre before storing: the stored original is the transformed image', async () => {
    const response = await put({ transformation: JSON.stringify({ pre: 'w-100' }) });
    const file = (await response.json()) as Uploaded;
    assert.equal(response.status, 200, JSON.stringify(file));
    assert.deepEqual([file.width, file.height], [100, 75]);
    const original = await fetchImage(`${server.url}${file.filePath}`);
    assert.deepEqual([original.width, original.height], [100, 75]);
    assert.equal(original.meta.format, 'png');
    assert.equal(Number(original.response.headers.get('content-length')), file.size);
  });

  it('takes pre and post from @imagekit/nodejs, named transformations included', async () => {
    const named = await server.api('/v1/named-transformations', {
      method: 'POST',
      json: { name: 'square', transformation: 'w-80,h-80' },
    });
    assert.equal(named.status, 201);
    const ctx = server.server.context;
    const before = ctx.derivedImages.renders;
    const file = await client.files.upload({
      file: await toFile(await png(400, 300), 'sdk.png'),
      fileName: 'sdk.png',
      folder: '/pre/sdk',
      transformation: {
        pre: 'n-square:f-webp',
        post: [
          { type: 'transformation', value: 'w-40' },
          { type: 'transformation', value: 'h-20' },
        ],
      },
    });
    assert.deepEqual([file.width, file.height], [80, 80]);
    const stored = await decode(
      Buffer.from(await (await fetch(`${server.url}${file.filePath}`)).arrayBuffer()),
    );
    assert.equal(stored.meta.format, 'webp');
    assert.equal(ctx.derivedImages.renders, before + 2, 'both post renditions rendered with the upload');
    const small = await fetchImage(`${server.url}/tr:w-40${file.filePath}`);
    const short = await fetchImage(`${server.url}${file.filePath}?tr=h-20`);
    assert.deepEqual([small.width, short.height], [40, 20]);
    assert.equal(ctx.derivedImages.renders, before + 2, 'delivery served the pre-rendered ones');
  });

  it('refuses bad transformation fields with 400 naming what is wrong, and stores nothing', async () => {
    // The last test's renditions may still be on their way to storage: count once they are there.
    await server.server.context.derivedImages.settled();
    const blobs = (await server.blobKeys()).length;
    const cases: Array<[string, RegExp]> = [
      ['not json', /transformation.*valid JSON/],
      ['"w-100"', /JSON object/],
      ['{"pre":"zz-1"}', /pre: .*zz/],
      ['{"pre":"w-10","middle":"x"}', /'middle' is not one of pre, post/],
      ['{"post":[{"type":"abs","value":"sr-240_360","protocol":"hls"}]}', /'abs' is not available/],
      ['{"post":[{"type":"gif-to-video"}]}', /'gif-to-video' is not available/],
      ['{"post":[{"type":"transformation"}]}', /post\[0\]\.value/],
      ['{"post":[{"type":"transformation","value":"n-missing"}]}', /post\[0\]: .*n-missing/],
      ['{"pre":"l-text,i-hi,l-end"}', /layers/],
    ];
    for (const [transformation, why] of cases) {
      const response = await put({ transformation });
      const body = (await response.json()) as { message: string; help: string };
      assert.equal(response.status, 400, transformation);
      assert.match(body.message, why);
      assert.equal(typeof body.help, 'string');
    }
    const text = await upload(server, {
      file: { bytes: Buffer.from('hello'), name: 'a.txt', type: 'text/plain' },
      fields: { fileName: 'a.txt', transformation: '{"pre":"w-10"}' },
    });
    assert.equal(text.status, 400);
    assert.match(((await text.json()) as { message: string }).message, /pre applies to images/);
    assert.equal((await server.blobKeys()).length, blobs);
  });

  it('keeps refusing extensions this server does not run, naming the extension', async () => {
    const response = await put({ extensions: JSON.stringify([{ name: 'ai-auto-description' }]) });
    assert.equal(response.status, 400);
    assert.match(
      ((await response.json()) as { message: string }).message,
      /'ai-auto-description' is not available/,
    );
  });
});
