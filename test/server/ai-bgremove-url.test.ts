// `e-bgremove` (and `e-removedotbg`) in delivery URLs: the server's background remover, run in the
// render queue, cached like any rendition; a 400 where no remover runs (docs/ai.md).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signUrl } from '../security/signing.js';

const require = createRequire(import.meta.url);

/** A person's head and shoulders from Human's own sample picture (shipped in its package), 292×320. */
async function portrait(format: 'png' | 'jpeg'): Promise<Buffer> {
  const sample = join(dirname(dirname(require.resolve('@vladmandic/human'))), 'assets', 'samples.jpg');
  return sharp(sample)
    .extract({ left: 170, top: 0, width: 146, height: 160 })
    .resize(292, 320)
    .toFormat(format)
    .toBuffer();
}

async function put(
  server: TestServer,
  name: string,
  format: 'png' | 'jpeg',
  fields: Record<string, string> = {},
): Promise<string> {
  const response = await upload(server, {
    file: { bytes: await portrait(format), name, type: `image/${format}` },
    fields: { fileName: name, useUniqueFileName: 'false', ...fields },
  });
  assert.equal(response.status, 200, await response.clone().text());
  return `${server.url}${(await response.json()).filePath}`;
}

const at = (url: string, tr: string) => `${url}?tr=${tr}`;

async function pixels(response: Response) {
  assert.equal(response.status, 200, response.status === 200 ? '' : await response.clone().text());
  const bytes = Buffer.from(await response.arrayBuffer());
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * 4;
    return { r: data[i]!, g: data[i + 1]!, b: data[i + 2]!, alpha: data[i + 3]! };
  };
  return { info, pixel, type: response.headers.get('content-type') };
}

/** The top corners are background; her dress (the middle, low in the picture) is the subject. */
function assertCutOut(p: Awaited<ReturnType<typeof pixels>>) {
  const { width, height } = p.info;
  assert.ok(p.pixel(2, 2).alpha < 64, `top-left alpha ${p.pixel(2, 2).alpha}`);
  assert.ok(p.pixel(width - 3, 2).alpha < 64, `top-right alpha ${p.pixel(width - 3, 2).alpha}`);
  assert.ok(p.pixel(width / 2, height * 0.75).alpha > 192, 'the person is kept');
}

describe('e-bgremove in delivery URLs', () => {
  let server: TestServer;
  const renders = () => server.server.context.derivedImages.renders;
  before(async () => {
    server = await startTestServer({
      aiConcurrency: 1,
      namedTransforms: { cutout_small: 'e-bgremove,w-146' },
    });
  });
  after(() => server.close());

  it('makes the image transparent outside the person, and a second request renders nothing', async () => {
    const url = await put(server, 'person.png', 'png');
    const before = renders();
    const first = await pixels(await fetch(at(url, 'e-bgremove')));
    assert.equal(first.type, 'image/png');
    assert.equal(first.info.width, 292);
    assertCutOut(first);
    // The rendition and the cut-out it was made from.
    assert.equal(renders(), before + 2);
    await server.server.context.derivedImages.settled();
    const second = await fetch(at(url, 'e-bgremove'));
    assertCutOut(await pixels(second));
    assert.equal(renders(), before + 2, 'no second render, so no second model run');
    // ImageKit's remove.bg effect is the same remover here: the same rendition.
    assertCutOut(await pixels(await fetch(at(url, 'e-removedotbg'))));
    assert.equal(renders(), before + 2);
  });

  it('chains with resizing, in one step, in chained steps and through a named transformation', async () => {
    const url = await put(server, 'chain.png', 'png');
    const before = renders();
    const small = await pixels(await fetch(at(url, 'e-bgremove,w-146')));
    assert.deepEqual([small.info.width, small.info.height], [146, 160]);
    assertCutOut(small);
    // Another size from the same pixels reuses the cut-out: only the new rendition renders.
    const large = await pixels(await fetch(at(url, 'e-bgremove,w-200')));
    assert.equal(large.info.width, 200);
    assertCutOut(large);
    assert.equal(renders(), before + 3);
    const chained = await pixels(await fetch(at(url, 'w-146:e-bgremove:w-100')));
    assert.equal(chained.info.width, 100);
    assertCutOut(chained);
    const named = await pixels(await fetch(at(url, 'n-cutout_small')));
    assert.deepEqual([named.info.width, named.info.height], [146, 160]);
    assertCutOut(named);
    // Cut out inside an image layer: the red base shows around the person.
    const red = await upload(server, {
      file: {
        bytes: await sharp({ create: { width: 146, height: 160, channels: 3, background: '#ff0000' } })
          .png()
          .toBuffer(),
        name: 'red.png',
        type: 'image/png',
      },
      fields: { fileName: 'red.png', useUniqueFileName: 'false' },
    });
    assert.equal(red.status, 200);
    const layered = await pixels(
      await fetch(at(`${server.url}/red.png`, 'l-image,i-chain.png,e-bgremove,w-146,t-false,l-end')),
    );
    const corner = layered.pixel(2, 2);
    assert.ok(corner.r > 200 && corner.g < 60, `the base shows: ${JSON.stringify(corner)}`);
    const dress = layered.pixel(73, 120);
    assert.ok(!(dress.r > 200 && dress.g < 60), `the person is drawn: ${JSON.stringify(dress)}`);
  });

  it('keeps alpha with f-auto, and gives a JPEG a white or bg- background', async () => {
    const url = await put(server, 'person.jpg', 'jpeg');
    const jpeg = await pixels(await fetch(at(url, 'e-bgremove')));
    assert.equal(jpeg.type, 'image/jpeg');
    const corner = jpeg.pixel(2, 2);
    assert.ok(corner.r > 240 && corner.g > 240 && corner.b > 240, JSON.stringify(corner));
    const red = (await pixels(await fetch(at(url, 'e-bgremove,bg-FF0000')))).pixel(2, 2);
    assert.ok(red.r > 200 && red.g < 60 && red.b < 60, JSON.stringify(red));
    const png = await pixels(await fetch(at(url, 'e-bgremove,f-auto'), { headers: { accept: 'image/png' } }));
    assert.equal(png.type, 'image/png');
    assertCutOut(png);
    const webp = await pixels(
      await fetch(at(url, 'e-bgremove,f-auto'), { headers: { accept: 'image/webp,image/*' } }),
    );
    assert.equal(webp.type, 'image/webp');
    assertCutOut(webp);
    const avif = await pixels(await fetch(at(url, 'e-bgremove,f-avif')));
    assert.equal(avif.type, 'image/avif');
    assertCutOut(avif);
  });

  it('pre-renders e-bgremove as a post transformation of an upload, and refuses it as pre', async () => {
    const before = renders();
    const response = await upload(server, {
      file: { bytes: await portrait('png'), name: 'post.png', type: 'image/png' },
      fields: {
        fileName: 'post.png',
        useUniqueFileName: 'false',
        transformation: JSON.stringify({ post: [{ type: 'transformation', value: 'e-bgremove,w-146' }] }),
      },
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(renders(), before + 2, 'the rendition and its cut-out, with the upload');
    await server.server.context.derivedImages.settled();
    assertCutOut(await pixels(await fetch(at(`${server.url}/post.png`, 'e-bgremove,w-146'))));
    assert.equal(renders(), before + 2, 'delivery served the pre-rendered one');
    const pre = await upload(server, {
      file: { bytes: await portrait('png'), name: 'pre.png', type: 'image/png' },
      fields: { fileName: 'pre.png', transformation: JSON.stringify({ pre: 'e-bgremove' }) },
    });
    assert.equal(pre.status, 400);
    assert.match((await pre.json()).message, /pre: e-bgremove .*remove-bg extension/);
  });

  it('keeps the signed-URL rules of private files: signed, or through a named transformation', async () => {
    const url = await put(server, 'private.png', 'png', { isPrivateFile: 'true' });
    const unsigned = await fetch(at(url, 'e-bgremove'));
    assert.equal(unsigned.status, 401);
    assert.match((await unsigned.json()).message, /must be signed/);
    assertCutOut(await pixels(await fetch(signUrl(server.url, at(url, 'e-bgremove')))));
    assertCutOut(await pixels(await fetch(at(url, 'n-cutout_small'))));
  });

  it('refuses e-bgremove with a value', async () => {
    const url = await put(server, 'value.png', 'png');
    const response = await fetch(at(url, 'e-bgremove-10'));
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /e-bgremove takes no value/);
  });
});

describe('e-bgremove and the render budget', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ aiConcurrency: 1, renderBudget: { limit: 1, intervalMs: 60_000 } });
  });
  after(() => server.close());

  it('spends the address’s render budget once per new rendition, never for a cached one', async () => {
    const url = await put(server, 'budget.png', 'png');
    assertCutOut(await pixels(await fetch(at(url, 'e-bgremove'))));
    await server.server.context.derivedImages.settled();
    assertCutOut(await pixels(await fetch(at(url, 'e-bgremove'))));
    const over = await fetch(at(url, 'e-bgremove,w-100'));
    assert.equal(over.status, 429);
    assert.equal((await over.json()).reason, 'RENDER_BUDGET_EXCEEDED');
  });
});

describe('e-bgremove on a node without a background remover', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ ai: false });
  });
  after(() => server.close());

  it('answers 400 {message, help} naming e-bgremove, whatever the chain', async () => {
    const url = await put(server, 'none.png', 'png');
    for (const tr of ['e-bgremove', 'w-100:e-bgremove', 'e-removedotbg,w-100']) {
      const response = await fetch(at(url, tr));
      assert.equal(response.status, 400, tr);
      const body = await response.json();
      assert.match(body.message, /e-bgremove .*needs a background remover.*--no-ai/);
      assert.match(body.help, /docs\/ai\.md/);
    }
    // Other transformations still render.
    assert.equal((await fetch(at(url, 'w-100'))).status, 200);
    const post = await upload(server, {
      file: { bytes: await portrait('png'), name: 'post.png', type: 'image/png' },
      fields: {
        fileName: 'post.png',
        transformation: JSON.stringify({ post: [{ type: 'transformation', value: 'e-bgremove' }] }),
      },
    });
    assert.equal(post.status, 400);
    assert.match((await post.json()).message, /e-bgremove .*needs a background remover/);
  });
});
