import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { jpeg, upload } from '../helpers/fixtures.js';
import {
  blue,
  decode,
  fetchImage,
  green,
  near,
  orientedJpeg,
  quadrants,
  red,
  white,
} from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const yellow: [number, number, number] = [255, 255, 0];

async function put(server: TestServer, bytes: Buffer, fileName: string, fields: Record<string, string> = {}) {
  const response = await upload(server, {
    file: { bytes, name: fileName },
    fields: { fileName, useUniqueFileName: 'false', ...fields },
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body as { url: string; fileId: string; thumbnailUrl: string; filePath: string };
}

async function expectError(url: string, status: number, message: RegExp, init?: RequestInit) {
  const response = await fetch(url, init);
  const body = await response.json();
  assert.equal(response.status, status, `${url}: ${JSON.stringify(body)}`);
  assert.match(body.message, message);
  assert.equal(typeof body.help, 'string');
}

describe('URL transformations', () => {
  let server: TestServer;
  let quad: string;

  before(async () => {
    server = await startTestServer({ namedTransforms: { card: 'w-60,h-40,c-force,f-jpg' } });
    quad = (await put(server, await quadrants(200, 100), 'quad.png', { folder: '/t' })).url.split('?')[0]!;
  });
  after(() => server.close());

  const tr = (text: string, base = () => quad) => `${base()}?tr=${text}`;

  it('resizes by pixels, by fraction, by aspect ratio and by dpr', async () => {
    for (const [text, width, height] of [
      ['w-100', 100, 50],
      ['h-0.5', 100, 50],
      ['w-80,ar-2-1', 80, 40],
      ['h-30,ar-1-1', 30, 30],
      ['w-50,dpr-2', 100, 50],
      ['w-100,h-100,c-force', 100, 100],
    ] as const) {
      const image = await fetchImage(tr(text));
      assert.deepEqual([image.width, image.height], [width, height], text);
    }
  });

  it('crops to the exact size around the focus with c-maintain_ratio, the default', async () => {
    const centre = await fetchImage(tr('w-100,h-100'));
    assert.deepEqual([centre.width, centre.height], [100, 100]);
    assert.ok(near(centre.pixel(10, 10), red) && near(centre.pixel(90, 10), green));
    assert.ok(near(centre.pixel(10, 90), blue) && near(centre.pixel(90, 90), white));
    const left = await fetchImage(tr('w-100,h-100,fo-left'));
    assert.ok(near(left.pixel(90, 10), red), 'fo-left keeps the left half');
    const right = await fetchImage(tr('w-100,h-100,fo-right'));
    assert.ok(near(right.pixel(10, 10), green), 'fo-right keeps the right half');
    const bottom = await fetchImage(tr('w-200,h-50,fo-bottom'));
    assert.ok(near(bottom.pixel(10, 10), blue) && near(bottom.pixel(190, 40), white));
    const auto = await fetchImage(tr('w-50,h-50,fo-auto'));
    assert.deepEqual([auto.width, auto.height], [50, 50]);
  });

  it('stretches with c-force and fits with c-at_max, c-at_max_enlarge and c-at_least', async () => {
    const forced = await fetchImage(tr('w-50,h-100,c-force'));
    assert.deepEqual([forced.width, forced.height], [50, 100]);
    assert.ok(near(forced.pixel(40, 10), green) && near(forced.pixel(10, 90), blue));
    for (const [text, width, height] of [
      ['w-400,h-400,c-at_max', 200, 100],
      ['w-100,h-100,c-at_max', 100, 50],
      ['w-400,h-400,c-at_max_enlarge', 400, 200],
      ['w-100,h-100,c-at_least', 200, 100],
      ['w-300,h-50,c-at_least', 300, 150],
    ] as const) {
      const image = await fetchImage(tr(text));
      assert.deepEqual([image.width, image.height], [width, height], text);
    }
  });

  it('pads with cm-pad_resize in the bg colour, placing the image by fo', async () => {
    const centred = await fetchImage(tr('w-100,h-100,cm-pad_resize,bg-FFFF00'));
    assert.deepEqual([centred.width, centred.height], [100, 100]);
    assert.ok(near(centred.pixel(50, 5), yellow), 'padding above');
    assert.ok(near(centred.pixel(10, 30), red), 'image in the middle');
    const top = await fetchImage(tr('w-100,h-100,cm-pad_resize,bg-FFFF00,fo-top'));
    assert.ok(near(top.pixel(10, 10), red) && near(top.pixel(50, 90), yellow));
  });

  it('extracts regions with cm-extract by position, coordinates and centre', async () => {
    const byPosition = await fetchImage(tr('cm-extract,w-50,h-50,fo-top_right'));
    assert.deepEqual([byPosition.width, byPosition.height], [50, 50]);
    assert.ok(near(byPosition.pixel(25, 25), green));
    const byXY = await fetchImage(tr('cm-extract,w-50,h-50,x-0,y-50'));
    assert.ok(near(byXY.pixel(25, 25), blue));
    const byCentre = await fetchImage(tr('cm-extract,w-20,h-20,xc-150,yc-75'));
    assert.ok(near(byCentre.pixel(10, 10), white));
    const padded = await fetchImage(tr('cm-pad_extract,w-300,h-100,bg-FFFF00'));
    assert.deepEqual([padded.width, padded.height], [300, 100]);
    assert.ok(near(padded.pixel(10, 50), yellow) && near(padded.pixel(60, 10), red));
  });

  it('focuses on the file’s customCoordinates with fo-custom', async () => {
    const { url } = await put(server, await quadrants(200, 100), 'custom.png', {
      folder: '/t',
      customCoordinates: '150,50,50,50',
    });
    const base = url.split('?')[0]!;
    const zoomed = await fetchImage(`${base}?tr=w-40,h-40,fo-custom`);
    assert.ok(near(zoomed.pixel(20, 20), white));
    const extracted = await fetchImage(`${base}?tr=cm-extract,fo-custom`);
    assert.deepEqual([extracted.width, extracted.height], [50, 50]);
    assert.ok(near(extracted.pixel(5, 5), white) && near(extracted.pixel(45, 45), white));
  });

  it('rotates, flips, blurs, greys, sharpens, stretches contrast, trims and adds borders', async () => {
    const rotated = await fetchImage(tr('rt-90'));
    assert.deepEqual([rotated.width, rotated.height], [100, 200]);
    assert.ok(near(rotated.pixel(10, 10), blue), 'clockwise: bottom-left comes to the top-left');
    assert.ok(near((await fetchImage(tr('rt-N90'))).pixel(10, 10), green));
    assert.ok(near((await fetchImage(tr('rt-180'))).pixel(10, 10), white));
    assert.ok(near((await fetchImage(tr('fl-h'))).pixel(10, 10), green));
    assert.ok(near((await fetchImage(tr('fl-v'))).pixel(10, 10), blue));
    assert.ok(near((await fetchImage(tr('fl-h_v'))).pixel(10, 10), white));
    const blurred = (await fetchImage(tr('bl-10'))).pixel(100, 25);
    assert.ok(
      blurred[0]! > 40 && blurred[0]! < 215 && blurred[1]! > 40 && blurred[1]! < 215,
      `blurred edge ${blurred}`,
    );
    const grey = (await fetchImage(tr('e-grayscale'))).pixel(10, 10);
    assert.ok(grey[0] === grey[1] && grey[1] === grey[2] && grey[0]! > 20 && grey[0]! < 200, `grey ${grey}`);
    const bordered = await fetchImage(tr('b-5_FFFF00'));
    assert.deepEqual([bordered.width, bordered.height], [210, 110]);
    assert.ok(near(bordered.pixel(1, 1), yellow) && near(bordered.pixel(10, 10), red));
    for (const text of ['e-sharpen', 'e-sharpen-5', 'e-contrast'])
      assert.equal((await fetchImage(tr(text))).width, 200);
    const framed = await sharp(await quadrants(200, 100))
      .extend({ top: 20, bottom: 20, left: 20, right: 20, background: '#000000' })
      .png()
      .toBuffer();
    const { url } = await put(server, framed, 'framed.png', { folder: '/t' });
    const trimmed = await fetchImage(`${url}?tr=t-true`);
    assert.deepEqual([trimmed.width, trimmed.height], [200, 100]);
  });

  it('chains steps with `:`, each applied to the previous result', async () => {
    const resizeThenRotate = await fetchImage(tr('w-100:rt-90'));
    assert.deepEqual([resizeThenRotate.width, resizeThenRotate.height], [50, 100]);
    const rotateThenResize = await fetchImage(tr('rt-90:w-50'));
    assert.deepEqual([rotateThenResize.width, rotateThenResize.height], [50, 100]);
    const rotateThenWidth = await fetchImage(tr('rt-90:w-100'));
    assert.deepEqual([rotateThenWidth.width, rotateThenWidth.height], [100, 200]);
    const pathAndQuery = await fetchImage(`${server.url}/tr:w-100/t/quad.png?tr=rt-90`);
    assert.deepEqual(
      [pathAndQuery.width, pathAndQuery.height],
      [50, 100],
      'path step first, then query step',
    );
  });

  it('encodes as asked with f and q, and picks AVIF or WebP from Accept with f-auto', async () => {
    assert.equal((await fetchImage(tr('f-webp'))).meta.format, 'webp');
    assert.equal((await fetchImage(tr('f-avif'))).meta.format, 'heif');
    assert.equal((await fetchImage(tr('f-jpg'))).meta.format, 'jpeg');
    assert.equal((await fetchImage(tr('w-10'))).meta.format, 'png', 'no f keeps the format');
    const avif = await fetchImage(tr('f-auto'), { headers: { accept: 'image/avif,image/webp,*/*' } });
    assert.equal(avif.response.headers.get('content-type'), 'image/avif');
    assert.equal(avif.response.headers.get('vary'), 'Accept');
    const webp = await fetchImage(tr('f-auto'), { headers: { accept: 'image/webp,*/*' } });
    assert.equal(webp.response.headers.get('content-type'), 'image/webp');
    const fallback = await fetchImage(tr('f-auto'), { headers: { accept: '*/*' } });
    assert.equal(fallback.response.headers.get('content-type'), 'image/png');

    const noise = await sharp(Buffer.from(Array.from({ length: 120 * 80 * 3 }, (_, i) => (i * 7919) % 251)), {
      raw: { width: 120, height: 80, channels: 3 },
    })
      .jpeg({ quality: 95 })
      .toBuffer();
    const { url } = await put(server, noise, 'noise.jpg', { folder: '/t' });
    const low = (await fetchImage(`${url}?tr=q-10`)).bytes.length;
    const high = (await fetchImage(`${url}?tr=q-95`)).bytes.length;
    assert.ok(low < high / 2, `q-10 (${low} bytes) is much smaller than q-95 (${high} bytes)`);
  });

  it('flattens transparency on white when converting to JPEG', async () => {
    const transparent = await sharp({
      create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const { url } = await put(server, transparent, 'clear.png', { folder: '/t' });
    assert.ok(near((await fetchImage(`${url}?tr=f-jpg`)).pixel(10, 10), white));
  });

  it('orients by EXIF: dimensions, rt-auto and transformations all see the upright image', async () => {
    const { url, fileId } = await put(server, await orientedJpeg(200, 100, 6), 'sideways.jpg', {
      folder: '/t',
    });
    const file = await (await server.api(`/v1/files/${fileId}/details`)).json();
    assert.deepEqual([file.width, file.height], [100, 200]);
    const upright = await fetchImage(`${url}?tr=rt-auto`);
    assert.deepEqual([upright.width, upright.height], [100, 200]);
    assert.ok(near(upright.pixel(10, 10), blue, 60));
    const small = await fetchImage(`${url}?tr=w-50`);
    assert.deepEqual([small.width, small.height], [50, 100]);
  });

  it('resolves named transformations: the built-in thumbnails and configured ones', async () => {
    const { url, thumbnailUrl } = await put(server, await jpeg(1200, 800), 'big.jpg', { folder: '/t' });
    for (const thumbnail of [
      thumbnailUrl,
      `${url}?tr=n-ik_ml_thumbnail`,
      `${url}?tr=n-media_library_thumbnail`,
    ]) {
      const image = await fetchImage(thumbnail);
      assert.deepEqual([image.width, image.height, image.meta.format], [400, 267, 'webp'], thumbnail);
    }
    const card = await fetchImage(`${url}?tr=n-card`);
    assert.deepEqual([card.width, card.height, card.meta.format], [60, 40, 'jpeg']);
    const chained = await fetchImage(`${url}?tr=n-card:rt-90`);
    assert.deepEqual([chained.width, chained.height], [40, 60]);
    await expectError(`${url}?tr=n-nope`, 400, /no named transformation `nope`/);
  });

  it('refuses unknown, invalid and unsupported parameters with a 400 that names them', async () => {
    for (const [text, message] of [
      ['w-abc', /Invalid transformation parameter `w-abc`/],
      ['w-0', /`w-0`/],
      ['w', /key-value/],
      ['zz-3', /`zz` is not a transformation parameter/],
      ['c-zoom', /crop must be one of maintain_ratio/],
      ['cm-squash', /crop mode must be one of/],
      ['rt-abc', /use a number, with N for minus/],
      ['q-0', /quality must be a whole number from 1 to 100/],
      ['bl-500', /blur must be a whole number from 1 to 100/],
      ['bg-notacolour', /colours are 6 hex digits/],
      ['ar-4-3', /ar needs w or h/],
      ['dpr-9,w-10', /dpr must be from 0.1 to 5/],
      ['fl-x', /flip must be one of/],
      ['f-svg', /f-svg serves SVG files as they are/],
      ['f-mp4', /`f-mp4` is not supported: it applies to videos/],
      ['so-2', /`so-2` is not supported: it applies to videos/],
      ['fo-unicorn,w-10,h-10', /face, or an object's COCO label/],
      ['e-upscale', /AI effects/],
      ['e-sepia', /the effect `sepia` is not available on this server/],
      ['e-usm-2-2', /e-usm-<radius>-<sigma>-<amount>-<threshold>/],
      ['e-shadow-zz-3', /options are bl-…, st-…, x-…, y-…/],
      ['l-text,i-Hello', /close the layer with l-end/],
      ['l-end', /has no opening l-<type>/],
      ['l-video,i-clip.mp4,l-end', /video and subtitle layers/],
      ['l-image,i-logo.png,lm-displace,l-end', /a displacement map needs lx or ly/],
      ['fs-20', /`fs` belongs inside a layer/],
      ['w-iw_foo_2', /`foo` is not an operator/],
      ['w-zz_div_2', /`zz` is neither a number nor one of iw, ih/],
      ['if-zz_gt_1,w-10,if-end', /`zz` is not a property a condition can test/],
      ['if-w_gt_1,w-10', /close the if block with if-end/],
      ['w-10,if-w_gt_1,w-10,if-end', /an if block is a step of its own/],
      ['z-2', /zoom needs face or object detection/],
      ['pg-2-4', /ranges and named layers are not available/],
      ['bg-gradient_dominant', /gradient and generative-fill backgrounds/],
      ['w-10,bg-blurred', /a blurred background goes with cm-pad_resize/],
      ['cm-extract,w-10,h-10,fo-auto', /fo-auto works with resizing crops/],
      [Array.from({ length: 11 }, () => 'rt-90').join(':'), /at most 10 steps; this one has 11/],
    ] as const) {
      await expectError(tr(text), 400, message);
    }
  });

  it('caps the output size, before decoding anything', async () => {
    await expectError(tr('w-9000'), 400, /up to 8000 pixels/);
    await expectError(tr('w-5000,dpr-2'), 400, /10000×/);
    const { url } = await put(server, await jpeg(10, 1000), 'tall.jpg', { folder: '/t' });
    await expectError(`${url}?tr=w-8000,h-10,c-at_least`, 400, /8000×800000 image/);
  });

  it('rasterises SVG for transformations, at the size asked for', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="10" height="10" fill="#ff0000"/><rect x="10" width="10" height="10" fill="#0000ff"/></svg>',
    );
    const { url } = await put(server, svg, 'logo.svg', { folder: '/t' });
    const raster = await fetchImage(`${url}?tr=w-400`);
    assert.deepEqual([raster.width, raster.height, raster.meta.format], [400, 200, 'png']);
    assert.ok(near(raster.pixel(100, 100), red) && near(raster.pixel(300, 100), blue));
    assert.ok(near(raster.pixel(199, 100), red, 60), 'a crisp edge: rendered at size, not upscaled');
  });

  it('answers 400, never 500, for a truncated image', async () => {
    const whole = await sharp(await quadrants(400, 300))
      .jpeg()
      .toBuffer();
    const { url } = await put(server, whole.subarray(0, Math.floor(whole.length * 0.6)), 'cut.jpg', {
      folder: '/t',
    });
    const response = await fetch(`${url}?tr=w-100`);
    assert.ok([200, 400].includes(response.status), `status ${response.status}`);
    if (response.status === 400) assert.match((await response.json()).message, /could not be processed/);
    else assert.equal((await decode(Buffer.from(await response.arrayBuffer()))).width, 100);
  });

  it('draws a placeholder thumbnail for PDFs and other documents', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const { thumbnailUrl, url } = await put(server, pdf, 'report.pdf', { folder: '/t' });
    const icon = await fetchImage(thumbnailUrl);
    assert.deepEqual([icon.width, icon.height, icon.meta.format], [400, 400, 'webp']);
    assert.ok(near(icon.pixel(5, 5), [241, 243, 245], 10), 'placeholder background');
    assert.ok(near(icon.pixel(200, Math.round((358 * 400) / 512)), [224, 49, 49], 30), 'the red PDF band');
    const original = await fetch(url);
    assert.equal(original.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await original.arrayBuffer()), pdf);
    const text = await put(server, Buffer.from('hello'), 'notes.txt', { folder: '/t' });
    const doc = await fetchImage(`${text.url}?tr=w-64`);
    assert.deepEqual([doc.width, doc.height], [64, 64]);
  });

  const ffmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

  it(`gives videos ${ffmpeg ? 'a poster frame (ffmpeg is installed)' : 'a placeholder (no ffmpeg here)'}`, async () => {
    if (!ffmpeg) {
      const fake = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(80)]);
      const { thumbnailUrl } = await put(server, fake, 'clip.mp4', { folder: '/t' });
      const icon = await fetchImage(thumbnailUrl);
      assert.deepEqual([icon.width, icon.height], [400, 400]);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'media-video-'));
    try {
      const path = join(dir, 'clip.mp4');
      const made = spawnSync('ffmpeg', [
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'color=c=red:s=160x120:d=2',
        '-pix_fmt',
        'yuv420p',
        path,
      ]);
      assert.equal(made.status, 0, String(made.stderr));
      const { thumbnailUrl } = await put(server, await readFile(path), 'clip.mp4', { folder: '/t' });
      const poster = await fetchImage(thumbnailUrl);
      assert.deepEqual([poster.width, poster.height], [160, 120], 'the frame, not a 400×400 placeholder');
      assert.ok(near(poster.pixel(80, 60), red, 50));
      // A file that only looks like a video still gets a thumbnail: the placeholder.
      const fake = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(80)]);
      const broken = await put(server, fake, 'broken.mp4', { folder: '/t' });
      const icon = await fetchImage(broken.thumbnailUrl);
      assert.deepEqual([icon.width, icon.height], [400, 400]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('transformation limits on a stricter server', () => {
  it('refuses to decode an image over the pixel limit, though its original is still served', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'media-limits-'));
    try {
      const first = await startTestServer({ dataDir });
      const { url } = await put(first, await jpeg(400, 300), 'wide.jpg');
      await first.close();
      const strict = await startTestServer({ dataDir, maxImagePixels: 10_000 });
      try {
        const path = new URL(url).pathname;
        await expectError(`${strict.url}${path}?tr=w-10`, 400, /more pixels than this server processes/);
        const original = await fetch(`${strict.url}${path}`);
        assert.equal(original.status, 200);
        assert.equal((await decode(Buffer.from(await original.arrayBuffer()))).width, 400);
      } finally {
        await strict.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a 50000 × 50000 PNG bomb at upload without decoding it', async () => {
    const server = await startTestServer();
    try {
      const bomb = await sharp({ create: { width: 1, height: 1, channels: 3, background: 'black' } })
        .png()
        .toBuffer();
      // Rewrite the IHDR size (and its CRC) so a few hundred bytes claim 2.5 gigapixels.
      const forged = Buffer.from(bomb);
      forged.writeUInt32BE(50_000, 16);
      forged.writeUInt32BE(50_000, 20);
      const { crc32 } = await import('node:zlib');
      forged.writeUInt32BE(crc32(forged.subarray(12, 29)) >>> 0, 29);
      const started = performance.now();
      const response = await upload(server, {
        file: { bytes: forged, name: 'bomb.png' },
        fields: { fileName: 'bomb.png' },
      });
      assert.equal(response.status, 400);
      assert.match((await response.json()).message, /50000×50000 pixels/);
      assert.ok(performance.now() - started < 2000, 'refused from the header, not by decoding');
    } finally {
      await server.close();
    }
  });
});
