import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { buildSrc, type Transformation } from '@imagekit/javascript';
import { writePsdBuffer } from 'ag-psd';
import sharp from 'sharp';
import { pdfOfColours } from '../helpers/documents.js';
import { upload } from '../helpers/fixtures.js';
import { blue, type Decoded, fetchImage, green, near, quadrants, red, white } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { signUrl } from '../security/signing.js';

/**
 * Issue 24: every transformation key this server supports, built with ImageKit's own URL builder
 * (`@imagekit/javascript`'s `buildSrc`) in query and path form, fetched from the real server and
 * checked by decoding the image: sizes and sample pixels, not just the status.
 */

const yellow: [number, number, number] = [255, 255, 0];
const black: [number, number, number] = [0, 0, 0];

type Rgb = [number, number, number];
type TextOverlay = Extract<NonNullable<Transformation['overlay']>, { type: 'text' }>;
type TextStyle = NonNullable<TextOverlay['transformation']>[number];

async function flat(width: number, height: number, colour: Rgb, alpha = 1): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: colour[0], g: colour[1], b: colour[2], alpha } },
  })
    .png()
    .toBuffer();
}

/** A transparent canvas with an opaque square of `colour` in its middle. */
async function squareOnClear(size: number, square: number, colour: Rgb): Promise<Buffer> {
  const inset = (size - square) / 2;
  return sharp(await flat(size, size, [0, 0, 0], 0))
    .composite([{ input: await flat(square, square, colour), left: inset, top: inset }])
    .png()
    .toBuffer();
}

/** A TrueType font wrapped as WOFF 1.0: each table deflated where that makes it smaller. */
function woffOf(sfnt: Buffer): Buffer {
  const count = sfnt.readUInt16BE(4);
  const directory = Buffer.alloc(44 + count * 20);
  const parts: Buffer[] = [directory];
  let offset = directory.length;
  for (let i = 0; i < count; i++) {
    const record = 12 + i * 16;
    const data = sfnt.subarray(
      sfnt.readUInt32BE(record + 8),
      sfnt.readUInt32BE(record + 8) + sfnt.readUInt32BE(record + 12),
    );
    const deflated = deflateSync(data);
    const stored = deflated.length < data.length ? deflated : data;
    const at = 44 + i * 20;
    sfnt.copy(directory, at, record, record + 4);
    directory.writeUInt32BE(offset, at + 4);
    directory.writeUInt32BE(stored.length, at + 8);
    directory.writeUInt32BE(data.length, at + 12);
    directory.writeUInt32BE(sfnt.readUInt32BE(record + 4), at + 16);
    const padded = (stored.length + 3) & ~3;
    parts.push(stored, Buffer.alloc(padded - stored.length));
    offset += padded;
  }
  directory.write('wOFF', 0, 'latin1');
  directory.writeUInt32BE(sfnt.readUInt32BE(0), 4);
  directory.writeUInt32BE(offset, 8);
  directory.writeUInt16BE(count, 12);
  directory.writeUInt32BE(sfnt.length, 16);
  directory.writeUInt16BE(1, 20);
  return Buffer.concat(parts);
}

/** The box holding every pixel `is` picks, and how many it picks. */
function boxOf(image: Decoded, is: (p: number[]) => boolean) {
  let [left, top, right, bottom, count] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, -1, -1, 0];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!is(image.pixel(x, y))) continue;
      count++;
      left = Math.min(left, x);
      top = Math.min(top, y);
      right = Math.max(right, x);
      bottom = Math.max(bottom, y);
    }
  }
  return { left, top, right, bottom, count, width: right - left + 1, height: bottom - top + 1 };
}

const ink = (p: number[]) => p[0]! < 200 || p[1]! < 200 || p[2]! < 200;
const reddish = (p: number[]) => p[0]! > 150 && p[1]! < 100 && p[2]! < 100;
const isColour =
  (colour: Rgb, tolerance = 40) =>
  (p: number[]) =>
    near(p, colour, tolerance);
const alphaOf = (p: number[]) => p[3] ?? 255;

describe('transformation matrix (ImageKit buildSrc against the real server)', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const put = async (bytes: Buffer, fileName: string, fields: Record<string, string> = {}) => {
      const response = await upload(server, {
        file: { bytes, name: fileName },
        fields: { fileName, useUniqueFileName: 'false', folder: '/m', ...fields },
      });
      assert.equal(response.status, 200, await response.text());
    };
    await put(await quadrants(200, 100), 'quad.png');
    await put(await flat(400, 200, white), 'white.png');
    await put(await flat(40, 20, red), 'logo.png');
    await put(await flat(20, 20, blue), 'dot.png');
    await put(await squareOnClear(100, 50, blue), 'clear.png');
    // A logo on a white frame: image layers trim it off by default, as ImageKit's do.
    await put(
      await sharp(await flat(40, 20, red))
        .extend({ top: 10, bottom: 10, left: 10, right: 10, background: '#ffffff' })
        .png()
        .toBuffer(),
      'framed-logo.png',
    );
    await put(await flat(20, 20, green), 'secret.png', { isPrivateFile: 'true' });
    await put(
      pdfOfColours([
        [1, 0, 0],
        [0, 0, 1],
      ]),
      'doc.pdf',
    );
    await put(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10" fill="#f00"/></svg>',
      ),
      'mark.svg',
    );
    // Roboto under another family name: drawn only if the uploaded file itself is used.
    const roboto = await readFile(new URL('../../fonts/roboto/Roboto-Regular.ttf', import.meta.url));
    const renamed = Buffer.from(
      roboto
        .toString('latin1')
        .replaceAll('Roboto', 'Zoboto')
        .replaceAll('\0R\0o\0b\0o\0t\0o', '\0Z\0o\0b\0o\0t\0o'),
      'latin1',
    );
    await put(renamed, 'Zoboto.ttf', { folder: '/m/fonts' });
    await put(woffOf(renamed), 'Zoboto.woff', { folder: '/m/fonts' });
  });
  after(() => server.close());

  const src = (path: string, transformation: Transformation[], position: 'query' | 'path' = 'query') =>
    buildSrc({ urlEndpoint: server.url, src: path, transformation, transformationPosition: position });
  const get = (
    path: string,
    transformation: Transformation[],
    position: 'query' | 'path' = 'query',
    init?: RequestInit,
  ) => fetchImage(src(path, transformation, position), init);
  const text = (value: string, style: TextStyle = {}, more: Partial<TextOverlay> = {}): TextOverlay => ({
    type: 'text',
    text: value,
    transformation: [style],
    ...more,
  });

  async function expectError(url: string, status: number, message: RegExp) {
    const response = await fetch(url);
    const body = await response.json();
    assert.equal(response.status, status, `${url}: ${JSON.stringify(body)}`);
    assert.match(body.message, message);
  }

  describe('shape and colour', () => {
    it('rounds corners with r-<n> and r-max: transparent outside, or the bg colour', async () => {
      const rounded = await get('/m/quad.png', [{ radius: 20 }]);
      assert.equal(alphaOf(rounded.pixel(0, 0)), 0, 'the corner is cut away');
      assert.equal(alphaOf(rounded.pixel(20, 20)), 255);
      assert.ok(near(rounded.pixel(20, 20), red));
      const circle = await get('/m/quad.png', [{ width: 100, height: 100 }, { radius: 'max' }], 'path');
      assert.equal(alphaOf(circle.pixel(5, 5)), 0);
      assert.equal(alphaOf(circle.pixel(50, 2)), 255, 'the ellipse touches the edge midway');
      const onYellow = await get('/m/quad.png', [{ radius: 30, background: 'FFFF00', format: 'jpg' }]);
      assert.ok(near(onYellow.pixel(1, 1), yellow), `corner ${onYellow.pixel(1, 1)}`);
      const corners = await get('/m/quad.png', [{ radius: '0_0_40_0' }]);
      assert.equal(alphaOf(corners.pixel(0, 0)), 255, 'only the bottom-right corner is rounded');
      assert.equal(alphaOf(corners.pixel(199, 99)), 0);
    });

    it('makes the image translucent with o-, or blends it on bg', async () => {
      const half = await get('/m/quad.png', [{ opacity: 50 }]);
      assert.ok(Math.abs(alphaOf(half.pixel(20, 20)) - 128) <= 2, `alpha ${half.pixel(20, 20)}`);
      const onBlack = await get('/m/quad.png', [{ opacity: 50, background: '000000' }], 'path');
      assert.ok(
        near(onBlack.pixel(150, 80), [128, 128, 128], 10),
        `white at 50% on black ${onBlack.pixel(150, 80)}`,
      );
    });

    it('adds borders, the width also as an expression', async () => {
      const bordered = await get('/m/quad.png', [{ border: 'ih_div_20_FF00FF' }]);
      assert.deepEqual([bordered.width, bordered.height], [210, 110]);
      assert.ok(near(bordered.pixel(2, 50), [255, 0, 255]));
    });

    it('pads with named colours, dominant, and blurred backgrounds', async () => {
      const named = await get('/m/quad.png', [
        { width: 200, height: 200, cropMode: 'pad_resize', background: 'yellow' },
      ]);
      assert.ok(near(named.pixel(100, 10), yellow));
      const dominant = await get('/m/logo.png', [
        { width: 40, height: 40, cropMode: 'pad_resize', background: 'dominant' },
      ]);
      assert.ok(near(dominant.pixel(20, 2), red), `dominant padding ${dominant.pixel(20, 2)}`);
      const blurred = await get(
        '/m/quad.png',
        [{ width: 200, height: 200, cropMode: 'pad_resize', background: 'blurred_10' }],
        'path',
      );
      const padding = blurred.pixel(20, 10);
      assert.ok(padding[0]! > 150 && padding[1]! < 120, `blurred padding shows the red quadrant: ${padding}`);
      const darker = await get('/m/quad.png', [
        { width: 200, height: 200, cropMode: 'pad_resize', background: 'blurred_10_N100' },
      ]);
      assert.ok(
        darker.pixel(180, 190)[0]! < blurred.pixel(180, 190)[0]! - 50,
        'N brightness darkens the background',
      );
    });

    it('applies bg to a transparent image', async () => {
      const filled = await get('/m/clear.png', [{ background: 'red' }]);
      assert.ok(near(filled.pixel(2, 2), red));
      assert.equal(alphaOf(filled.pixel(2, 2)), 255);
      assert.ok(near(filled.pixel(50, 50), blue));
    });

    it('rotates by any angle, clockwise or counter-clockwise with N, on a larger canvas', async () => {
      const clockwise = await get('/m/quad.png', [{ rotation: 40 }]);
      const expected = [
        Math.round(200 * Math.cos(0.698) + 100 * Math.sin(0.698)),
        Math.round(200 * Math.sin(0.698) + 100 * Math.cos(0.698)),
      ];
      assert.ok(
        Math.abs(clockwise.width - expected[0]!) <= 2 && Math.abs(clockwise.height - expected[1]!) <= 2,
        `${clockwise.width}×${clockwise.height}`,
      );
      assert.equal(alphaOf(clockwise.pixel(0, 0)), 0, 'the corners of the canvas are clear');
      const topmost = (image: Decoded) => {
        const box = boxOf(image, (p) => alphaOf(p) === 255);
        for (let x = 0; x < image.width; x++)
          if (alphaOf(image.pixel(x, box.top + 2)) === 255) return image.pixel(x + 2, box.top + 2);
        return [];
      };
      assert.ok(
        near(topmost(clockwise), red, 60),
        `clockwise lifts the top-left corner: ${topmost(clockwise)}`,
      );
      const counter = await get('/m/quad.png', [{ rotation: 'N40' }], 'path');
      assert.ok(near(topmost(counter), green, 60), `N40 lifts the top-right corner: ${topmost(counter)}`);
    });

    it('pads without enlarging (cm-pad_resize_no_enlarge) and without shrinking (cm-pad_extract_no_shrink)', async () => {
      const boxed = await get('/m/quad.png', [
        { width: 400, height: 400, cropMode: 'pad_resize_no_enlarge', background: 'FFFF00' },
      ]);
      assert.deepEqual([boxed.width, boxed.height], [400, 400]);
      assert.ok(near(boxed.pixel(50, 200), yellow), 'the image keeps its 200 px width, padded');
      assert.ok(near(boxed.pixel(110, 160), red));
      const enlarged = await get('/m/quad.png', [
        { width: 400, height: 400, cropMode: 'pad_resize', background: 'FFFF00' },
      ]);
      assert.ok(near(enlarged.pixel(50, 150), red, 60), 'pad_resize does enlarge');
      const tall = await get(
        '/m/quad.png',
        [{ width: 100, height: 300, cropMode: 'pad_extract_no_shrink', background: 'FFFF00' }],
        'path',
      );
      assert.deepEqual([tall.width, tall.height], [200, 300], 'never narrower than the image');
      assert.ok(near(tall.pixel(10, 10), yellow) && near(tall.pixel(10, 110), red));
    });
  });

  describe('effects', () => {
    it('e-shadow casts a shadow under the opaque pixels of a transparent image', async () => {
      const plain = await get('/m/clear.png', []);
      assert.equal(alphaOf(plain.pixel(78, 78)), 0);
      const shadowed = await get('/m/clear.png', [{ shadow: 'bl-2_st-80_x-5_y-5' }]);
      assert.ok(alphaOf(shadowed.pixel(78, 78)) > 100, `shadow below-right ${shadowed.pixel(78, 78)}`);
      assert.ok(near(shadowed.pixel(78, 78), black, 30));
      assert.equal(alphaOf(shadowed.pixel(20, 20)), 0, 'nothing above-left');
      const defaults = await get('/m/clear.png', [{ shadow: true }], 'path');
      assert.ok(alphaOf(defaults.pixel(76, 76)) > 0);
    });

    it('e-gradient overlays a linear gradient, by default white at the top to black at the bottom', async () => {
      const gradient = await get('/m/white.png', [{ gradient: 'ld-180_from-FFFFFF_to-000000' }]);
      assert.ok(
        gradient.pixel(200, 2)[0]! > 240 && gradient.pixel(200, 197)[0]! < 20,
        `${gradient.pixel(200, 2)} ${gradient.pixel(200, 197)}`,
      );
      const sideways = await get(
        '/m/white.png',
        [{ gradient: 'ld-right_from-FF0000_to-0000FF_sp-0.5' }],
        'path',
      );
      assert.ok(near(sideways.pixel(2, 100), red, 20) && near(sideways.pixel(300, 100), blue, 20));
    });

    it('e-colorize tints towards a colour by an intensity', async () => {
      const tinted = await get('/m/white.png', [{ colorize: 'co-0000FF_in-50' }]);
      assert.ok(near(tinted.pixel(10, 10), [128, 128, 255], 6), `${tinted.pixel(10, 10)}`);
      const opaque = await get('/m/quad.png', [{ colorize: 'co-0000FF_in-50', format: 'jpg' }], 'path');
      assert.ok(
        near(opaque.pixel(150, 80), [128, 128, 255], 8),
        `an image without alpha ${opaque.pixel(150, 80)}`,
      );
      const silhouette = await get('/m/clear.png', [{ colorize: 'co-red' }]);
      assert.ok(
        near(silhouette.pixel(50, 50), red) && alphaOf(silhouette.pixel(5, 5)) === 0,
        'in-100 by default',
      );
    });

    it('e-distort moves corners in perspective and bends in an arc', async () => {
      const perspective = await get('/m/quad.png', [{ distort: 'p-60_0_140_0_200_100_0_100' }]);
      assert.deepEqual([perspective.width, perspective.height], [200, 100]);
      assert.equal(alphaOf(perspective.pixel(10, 3)), 0, 'the top-left corner moved in');
      assert.ok(near(perspective.pixel(80, 5), red, 60), 'the red quadrant follows the corner');
      assert.ok(near(perspective.pixel(10, 95), blue, 60), 'the bottom stays');
      const arc = await get('/m/quad.png', [{ distort: 'a-60' }], 'path');
      assert.ok(arc.width === 200 && arc.height > 100, `${arc.width}×${arc.height}`);
      assert.equal(alphaOf(arc.pixel(100, arc.height - 1)), 0, 'the middle rises off the bottom');
    });

    it('e-usm-<radius>-<sigma>-<amount>-<threshold> sharpens edges', async () => {
      const soft = await get('/m/quad.png', [{ blur: 6 }, {}]);
      const sharpened = await get('/m/quad.png', [{ blur: 6 }, { unsharpMask: '2-2-1.5-0.01' }]);
      let difference = 0;
      for (let x = 90; x < 110; x++)
        difference = Math.max(difference, Math.abs(soft.pixel(x, 25)[1]! - sharpened.pixel(x, 25)[1]!));
      assert.ok(difference > 10, `the edge changes by ${difference}`);
    });

    it('e-sharpen, e-contrast and e-grayscale still work', async () => {
      const grey = await get('/m/quad.png', [{ grayscale: true }]);
      const p = grey.pixel(10, 10);
      assert.ok(p[0] === p[1] && p[1] === p[2]);
      const dull = await get('/m/quad.png', [{ opacity: 50, background: '808080' }]);
      assert.ok(near(dull.pixel(150, 80), [192, 192, 192], 6), `white at 50% on grey ${dull.pixel(150, 80)}`);
      const stretched = await get('/m/quad.png', [
        { opacity: 50, background: '808080' },
        { contrastStretch: true },
      ]);
      assert.ok(
        near(stretched.pixel(150, 80), white, 10),
        `e-contrast stretches it back ${stretched.pixel(150, 80)}`,
      );
      assert.equal((await get('/m/quad.png', [{ sharpen: 5 }])).width, 200);
    });
  });

  describe('layers', () => {
    it('draws text (i- and ie-), centred by default, in the colour co asks', async () => {
      const plain = await get('/m/white.png', [
        { overlay: text('Hello', { fontSize: 40, fontColor: 'FF0000' }) },
      ]);
      const box = boxOf(plain, ink);
      assert.ok(box.count > 200, `ink ${box.count}`);
      assert.ok(
        Math.abs((box.left + box.right) / 2 - 200) < 8 && Math.abs((box.top + box.bottom) / 2 - 100) < 12,
        JSON.stringify(box),
      );
      assert.ok(boxOf(plain, reddish).count > 100, 'red text');
      const encoded = src('/m/white.png', [
        { overlay: text('Grüße ©', { fontSize: 40 }, { encoding: 'base64' }) },
      ]);
      assert.match(encoded, /ie-/);
      assert.ok(boxOf(await fetchImage(encoded), ink).count > 200);
    });

    it('sizes text with fs (also as an expression of the base) and wraps it at w', async () => {
      const small = boxOf(await get('/m/white.png', [{ overlay: text('Size', { fontSize: 20 }) }]), ink);
      const large = boxOf(await get('/m/white.png', [{ overlay: text('Size', { fontSize: 60 }) }]), ink);
      assert.ok(large.height > small.height * 2.5, `${small.height} → ${large.height}`);
      const relative = boxOf(
        await get('/m/white.png', [{ overlay: text('Size', { fontSize: 'bh_div_10' }) }]),
        ink,
      );
      assert.ok(Math.abs(relative.height - small.height) <= 2, 'bh_div_10 of 200 is 20');
      const wrapped = boxOf(
        await get('/m/white.png', [{ overlay: text('one two three four', { fontSize: 30, width: 120 }) }]),
        ink,
      );
      assert.ok(wrapped.width <= 125 && wrapped.height > 60, JSON.stringify(wrapped));
    });

    it('sets bold, italic and strikethrough with tg, and the line height with lh', async () => {
      const count = async (style: Record<string, unknown>) =>
        boxOf(await get('/m/white.png', [{ overlay: text('Styled text', { fontSize: 40, ...style }) }]), ink);
      const regular = await count({});
      const bold = await count({ typography: 'b' });
      assert.ok(bold.count > regular.count * 1.2, `bold ${bold.count} vs ${regular.count}`);
      const italic = await count({ typography: 'i' });
      assert.notEqual(italic.count, regular.count);
      const struck = await count({ typography: 'strikethrough' });
      assert.ok(struck.count > regular.count, 'a line through the text');
      const tight = await count({ width: 100, lineHeight: 40 });
      const loose = await count({ width: 100, lineHeight: 80 });
      assert.ok(loose.height > tight.height + 30, `${tight.height} → ${loose.height}`);
    });

    it('draws the text box with bg, pa (CSS order), r, ia, al and rt', async () => {
      const box = async (t: Record<string, unknown>) =>
        boxOf(
          await get('/m/white.png', [{ overlay: text('Pad', { fontSize: 30, background: 'FFFF00', ...t }) }]),
          isColour(yellow, 30),
        );
      const tight = await box({ padding: 5 });
      const padded = await box({ padding: '15_25' });
      assert.equal(padded.width - tight.width, 40);
      assert.equal(padded.height - tight.height, 20);
      const asymmetric = await box({ padding: '5_5_5_35' });
      assert.equal(asymmetric.width - tight.width, 30);
      assert.equal(asymmetric.height, tight.height);
      const wide = await get('/m/white.png', [
        { overlay: text('Pad', { fontSize: 30, background: 'FFFF00', width: 300, innerAlignment: 'left' }) },
      ]);
      const yellowBox = boxOf(wide, isColour(yellow, 30));
      const letters = boxOf(wide, (p) => p[2]! < 100 && p[0]! < 100);
      assert.ok(
        yellowBox.width >= 299 && letters.left - yellowBox.left < 10,
        'ia-left puts the text at the left of the 300 px box',
      );
      const rounded = await get('/m/white.png', [
        { overlay: text('Round', { fontSize: 30, background: 'FFFF00', padding: 10, radius: 20 }) },
      ]);
      const roundBox = boxOf(rounded, isColour(yellow, 30));
      assert.ok(near(rounded.pixel(roundBox.left, roundBox.top), white), 'the box corner is rounded off');
      const faint = await get('/m/white.png', [
        { overlay: text('Faint', { fontSize: 40, fontColor: '000000', alpha: 5 }) },
      ]);
      const darkest = Math.min(
        ...Array.from({ length: 400 * 200 }, (_, i) => faint.pixel(i % 400, Math.floor(i / 400))[0]!),
      );
      assert.ok(darkest > 100 && darkest < 160, `al-5 is half transparent: darkest ${darkest}`);
      const upright = boxOf(await get('/m/white.png', [{ overlay: text('Turned', { fontSize: 30 }) }]), ink);
      const turned = boxOf(
        await get('/m/white.png', [{ overlay: text('Turned', { fontSize: 30, rotation: 90 }) }]),
        ink,
      );
      assert.ok(upright.width > upright.height && turned.height > turned.width, 'rt-90 stands the text up');
    });

    it('uses bundled fonts (ff-Roboto) and fonts uploaded to the library (ff-<path>)', async () => {
      const width = async (fontFamily?: string) =>
        boxOf(
          await get('/m/white.png', [
            { overlay: text('Typeface specimen', { fontSize: 40, ...(fontFamily && { fontFamily }) }) },
          ]),
          ink,
        ).width;
      const openSans = await width();
      const roboto = await width('Roboto');
      assert.ok(Math.abs(openSans - roboto) > 5, `Open Sans ${openSans} vs Roboto ${roboto}`);
      const uploaded = await width('/m/fonts/Zoboto.ttf');
      assert.equal(uploaded, roboto, 'the uploaded file (Roboto renamed) draws the text');
      assert.equal(await width('/m/fonts/Zoboto.woff'), roboto, 'a WOFF draws as the font it wraps');
      const woff2 = Buffer.concat([Buffer.from('wOF2\0\x01\0\0', 'latin1'), Buffer.alloc(60)]);
      const stored = await upload(server, {
        file: { bytes: woff2, name: 'Zoboto.woff2' },
        fields: { fileName: 'Zoboto.woff2', useUniqueFileName: 'false', folder: '/m/fonts' },
      });
      assert.equal(stored.status, 200);
      await expectError(
        src('/m/white.png', [{ overlay: text('x', { fontFamily: '/m/fonts/Zoboto.woff2' }) }]),
        400,
        /WOFF2 is not read here/,
      );
      await expectError(
        src('/m/white.png', [{ overlay: text('x', { fontFamily: 'Comic Neue' }) }]),
        400,
        /bundles Open Sans and Roboto/,
      );
      await expectError(
        src('/m/white.png', [{ overlay: text('x', { fontFamily: '/m/quad.png' }) }]),
        400,
        /ff-/,
      );
    });

    it('overlays images with their own transformations, nested layers and default trim', async () => {
      const centred = await get('/m/white.png', [{ overlay: { type: 'image', input: '/m/logo.png' } }]);
      const logo = boxOf(centred, reddish);
      assert.deepEqual([logo.left, logo.top, logo.width, logo.height], [180, 90, 40, 20]);
      const resized = boxOf(
        await get(
          '/m/white.png',
          [{ overlay: { type: 'image', input: 'm/logo.png', transformation: [{ width: 20 }] } }],
          'path',
        ),
        reddish,
      );
      assert.deepEqual([resized.width, resized.height], [20, 10]);
      const nested = await get('/m/white.png', [
        {
          overlay: {
            type: 'image',
            input: 'm/logo.png',
            transformation: [
              { width: 80, height: 40, crop: 'force', raw: 'l-image,i-m@@dot.png,w-10,lfo-top_left,l-end' },
            ],
          },
        },
      ]);
      assert.ok(near(nested.pixel(162, 82), blue), 'the dot sits in the logo’s top-left corner');
      assert.ok(near(nested.pixel(200, 100), red));
      const corner = { focus: 'top_left' } as const;
      const trimmed = boxOf(
        await get('/m/white.png', [
          { overlay: { type: 'image', input: 'm/framed-logo.png', position: corner } },
        ]),
        reddish,
      );
      assert.deepEqual([trimmed.left, trimmed.top], [0, 0], 'the white frame is trimmed off');
      const kept = await get('/m/white.png', [
        {
          overlay: {
            type: 'image',
            input: 'm/framed-logo.png',
            position: corner,
            transformation: [{ raw: 't-false' }],
          },
        },
      ]);
      const frame = boxOf(kept, reddish);
      assert.deepEqual([frame.left, frame.top], [10, 10], 'with t-false the frame stays');
    });

    it('positions layers with lx, ly (N from the far side), lxc, lyc, lfo and lap', async () => {
      const at = async (position: Record<string, unknown>) =>
        boxOf(
          await get('/m/white.png', [{ overlay: { type: 'image', input: 'm/logo.png', position } }]),
          reddish,
        );
      const topLeft = await at({ x: 10, y: 20 });
      assert.deepEqual([topLeft.left, topLeft.top], [10, 20]);
      const fromRight = await at({ x: 'N10', y: 'N20' });
      assert.deepEqual([fromRight.right, fromRight.bottom], [389, 179]);
      const centred = await at({ xCenter: 100, yCenter: 50 });
      assert.deepEqual([centred.left, centred.top], [80, 40]);
      const corner = await at({ focus: 'bottom_right' });
      assert.deepEqual([corner.right, corner.bottom], [399, 199]);
      const anchored = await at({ anchorPoint: 'bottom_right', x: 'N5', y: 'N5' });
      assert.deepEqual([anchored.right, anchored.bottom], [394, 194]);
      // From the centre, the layer's own centre: 10 right of it and 5 up.
      const fromCentre = await at({ anchorPoint: 'center', x: 10, y: 'N5' });
      assert.deepEqual([fromCentre.left, fromCentre.top], [190, 85]);
      const expression = await at({ x: 'bw_sub_cw', y: 'bh_div_2' });
      assert.deepEqual([expression.right, expression.top], [399, 100]);
    });

    it('blends layers with lm: multiply, cutout and cutter', async () => {
      const multiply = await get('/m/quad.png', [
        { overlay: { type: 'image', input: 'm/logo.png', layerMode: 'multiply', position: { x: 80, y: 0 } } },
      ]);
      assert.ok(near(multiply.pixel(90, 10), red), 'red × red');
      assert.ok(near(multiply.pixel(110, 10), black), 'red × green is black');
      const cutout = await get('/m/quad.png', [
        { overlay: { type: 'image', input: 'm/logo.png', layerMode: 'cutout' } },
      ]);
      assert.equal(alphaOf(cutout.pixel(100, 50)), 0, 'a hole where the layer was');
      assert.equal(alphaOf(cutout.pixel(10, 10)), 255);
      const cutter = await get('/m/quad.png', [
        {
          overlay: {
            type: 'image',
            input: 'm/dot.png',
            layerMode: 'cutter',
            position: { focus: 'top_left' },
          },
        },
      ]);
      assert.deepEqual([cutter.width, cutter.height], [20, 20], 'cut to the layer');
      assert.ok(near(cutter.pixel(10, 10), red));
    });

    it('displaces the pixels under a map with lm-displace: red across by lx, green down by ly', async () => {
      // quad.png: red | green over blue | white, 200×100. A full-red map moves its 40×40 corner
      // to read 100 pixels on: green; full green with ly-60 reads 60 down: blue.
      const across = await get('/m/quad.png', [
        {
          overlay: {
            type: 'solidColor',
            color: 'FF8000',
            layerMode: 'displace',
            position: { x: 100, focus: 'top_left' },
            transformation: [{ width: 40, height: 40 }],
          },
        },
      ]);
      assert.ok(near(across.pixel(20, 20), green, 10), `moved: ${across.pixel(20, 20)}`);
      assert.ok(
        near(across.pixel(45, 20), red, 10) && near(across.pixel(20, 45), red, 10),
        'the map is not drawn',
      );
      const down = await get('/m/quad.png', [
        { raw: 'l-solid,co-80FF00,w-40,h-40,lfo-top_left,lm-displace,ly-60,l-end' },
      ]);
      assert.ok(near(down.pixel(20, 20), blue, 10), `moved down: ${down.pixel(20, 20)}`);
      const still = await get('/m/quad.png', [
        { raw: 'l-solid,co-808000,w-40,h-40,lfo-top_left,lm-displace,lx-100,ly-60,l-end' },
      ]);
      assert.ok(near(still.pixel(20, 20), red, 10), 'a mid-grey map moves nothing');
      await expectError(
        src('/m/quad.png', [{ raw: 'l-solid,co-FF0000,w-10,h-10,lm-displace,l-end' }]),
        400,
        /needs lx or ly/,
      );
    });

    it('draws solid blocks: l-solid and the SDK’s solidColor (i-ik_canvas), with al and r', async () => {
      const sdk = await get('/m/white.png', [
        { overlay: { type: 'solidColor', color: 'FF0000', transformation: [{ width: 50, height: 20 }] } },
      ]);
      const block = boxOf(sdk, reddish);
      assert.deepEqual([block.left, block.top, block.width, block.height], [175, 90, 50, 20]);
      const solid = await get('/m/white.png', [
        { raw: 'l-solid,co-0000FF,w-100,h-bh_div_2,al-5,lx-0,ly-0,l-end' },
      ]);
      assert.ok(near(solid.pixel(50, 50), [128, 128, 255], 8), `al-5 ${solid.pixel(50, 50)}`);
      assert.ok(near(solid.pixel(50, 150), white), 'h-bh_div_2 is 100 of 200');
      const rounded = await get('/m/white.png', [{ raw: 'l-solid,co-red,w-100,h-100,r-max,l-end' }]);
      assert.ok(near(rounded.pixel(152, 52), white) && near(rounded.pixel(200, 100), red));
    });

    it('draws half-clear layers over clear and opaque pixels as libvips’ over does, layer on layer', async () => {
      // clear.png: a clear 100×100 with an opaque blue square from 25 to 75.
      const drawn = await get('/m/clear.png', [
        {
          raw: [
            'l-solid,co-FF000050,w-100,h-50,lx-0,ly-0,l-end',
            'l-solid,co-00FF00,w-10,h-10,lx-0,ly-90,l-end',
            'l-solid,co-FFFFFF50,w-10,h-10,lx-90,ly-90,l-end',
          ].join(','),
        },
      ]);
      const [r, g, b, a] = drawn.pixel(10, 10);
      assert.ok(
        r! > 250 && g! < 5 && b! < 5 && Math.abs(a! - 128) <= 2,
        `red at half on clear: ${drawn.pixel(10, 10)}`,
      );
      assert.ok(
        near(drawn.pixel(50, 40), [128, 0, 127], 3) && alphaOf(drawn.pixel(50, 40)) === 255,
        'red over blue',
      );
      assert.ok(
        near(drawn.pixel(50, 60), blue, 2) && alphaOf(drawn.pixel(50, 60)) === 255,
        'the square below the layer',
      );
      assert.equal(alphaOf(drawn.pixel(50, 80)), 0, 'clear where no layer is');
      assert.ok(near(drawn.pixel(5, 95), green, 2) && alphaOf(drawn.pixel(5, 95)) === 255, 'an opaque layer');
      assert.ok(Math.abs(alphaOf(drawn.pixel(95, 95)) - 128) <= 2, 'white at half on clear');
      // On a JPEG (no alpha) the same red over white is pink.
      const jpeg = await get('/m/white.png', [
        { raw: 'l-solid,co-FF000050,w-100,h-100,lx-300,ly-50,l-end' },
        { format: 'jpg' },
      ]);
      assert.ok(near(jpeg.pixel(375, 100), [255, 128, 128], 6), `pink: ${jpeg.pixel(375, 100)}`);
      assert.ok(near(jpeg.pixel(290, 100), white, 6), 'white beside the layer');
    });

    it('draws a layer of a private file only from a signed URL, and refuses a missing one', async () => {
      const url = src('/m/white.png', [{ overlay: { type: 'image', input: 'm/secret.png' } }]);
      await expectError(url, 401, /layer of this transformation draws a private file/);
      const signed = await fetchImage(signUrl(server.url, url));
      assert.ok(near(signed.pixel(200, 100), green));
      await expectError(
        src('/m/white.png', [{ overlay: { type: 'image', input: 'm/nothing.png' } }]),
        400,
        /layer's file \/m\/nothing.png does not exist/,
      );
    });

    it('caches layered renditions, and renders anew when a layer’s file changes', async () => {
      const renders = () => server.server.context.derivedImages.renders;
      const url = src('/m/white.png', [{ overlay: { type: 'image', input: 'm/dot.png' } }]);
      const before = renders();
      await fetchImage(url);
      await server.server.context.derivedImages.settled();
      await fetchImage(url);
      assert.equal(renders(), before + 1, 'the second request is served from the cache');
      const purged = await server.api('/v1/files/purge', { method: 'POST', json: { url } });
      assert.equal(purged.status, 201);
      await fetchImage(url);
      assert.equal(renders(), before + 2, 'a purge of the layered URL drops its rendition');
      await server.server.context.derivedImages.settled();
      const response = await upload(server, {
        file: { bytes: await flat(20, 20, green), name: 'dot.png' },
        fields: { fileName: 'dot.png', useUniqueFileName: 'false', folder: '/m', overwriteFile: 'true' },
      });
      assert.equal(response.status, 200);
      const fresh = await fetchImage(url);
      assert.ok(near(fresh.pixel(200, 100), green), 'the new dot is drawn');
    });
  });

  describe('logic', () => {
    it('evaluates arithmetic: iw_div_2, ih_mul_0.5, cw, and precedence', async () => {
      const half = await get('/m/quad.png', [{ width: 'iw_div_2', height: 'ih_mul_0.5' }]);
      assert.deepEqual([half.width, half.height], [100, 50]);
      const chained = await get('/m/quad.png', [{ width: 100 }, { width: 'cw_add_20_mul_2' }], 'path');
      assert.equal(chained.width, 140, 'mul before add: 100 + 20×2');
      const ratio = await get('/m/quad.png', [{ width: 100, aspectRatio: 'iar_div_2' }]);
      assert.deepEqual([ratio.width, ratio.height], [100, 100]);
    });

    it('applies if-<cond> … if-else … if-end by the image at that step', async () => {
      const landscape = await get('/m/quad.png', [{ raw: 'if-ar_gt_1,w-50,if-else,w-80,if-end' }]);
      assert.equal(landscape.width, 50);
      const portrait = await get(
        '/m/quad.png',
        [{ rotation: 90 }, { raw: 'if-ar_gt_1,w-50,if-else,w-80,if-end' }],
        'path',
      );
      assert.equal(portrait.width, 80);
      const chainInside = await get('/m/quad.png', [{ raw: 'if-w_gte_200_and_h_eq_100,w-100:rt-90,if-end' }]);
      assert.deepEqual([chainInside.width, chainInside.height], [50, 100]);
      const skipped = await get('/m/quad.png', [{ raw: 'if-iw_lt_10,w-10,if-end' }, { width: 20 }]);
      assert.equal(skipped.width, 20);
    });

    it('nests if blocks: an if-else belongs to the innermost open if', async () => {
      const nested = 'if-ar_gt_1,if-w_gt_150,w-50,if-else,w-60,if-end,if-else,w-80,if-end';
      const wide = await get('/m/quad.png', [{ raw: nested }]);
      assert.deepEqual([wide.width, wide.height], [50, 25]);
      const narrow = await get('/m/quad.png', [{ width: 140 }, { raw: nested }]);
      assert.deepEqual([narrow.width, narrow.height], [60, 30]);
      const portrait = await get('/m/quad.png', [{ rotation: 90 }, { raw: nested }], 'path');
      assert.equal(portrait.width, 80);
      assert.ok(
        near(portrait.pixel(70, 10), red, 40) && near(portrait.pixel(10, 10), blue, 40),
        'turned, then sized',
      );
    });

    it('serves di-<path> when the file is missing, transformed', async () => {
      const fallback = await get('/m/missing.png', [{ defaultImage: 'm/quad.png', width: 50 }]);
      assert.deepEqual([fallback.width, fallback.height], [50, 25]);
      assert.equal((await fetch(src('/m/missing.png', [{ width: 50 }]))).status, 404);
    });

    it('reads w-auto from Sec-CH-Width (or Width), rounds up to 100 and says Content-DPR and Accept-CH', async () => {
      const hinted = await get('/m/white.png', [{ width: 'auto' }], 'query', {
        headers: { 'sec-ch-width': '150', 'sec-ch-dpr': '2' },
      });
      assert.equal(hinted.width, 200);
      assert.equal(hinted.response.headers.get('content-dpr'), '2.67');
      assert.match(hinted.response.headers.get('vary') ?? '', /Sec-CH-Width/);
      assert.match(hinted.response.headers.get('accept-ch') ?? '', /Sec-CH-Width/);
      assert.equal(
        (await get('/m/white.png', [{ width: 'auto' }], 'query', { headers: { width: '320' } })).width,
        400,
      );
      assert.equal(
        (await get('/m/white.png', [{ width: 'auto' }])).width,
        400,
        'no hint: the image as it is',
      );
      const dpr = await get('/m/white.png', [{ width: 100, dpr: 'auto' }], 'query', {
        headers: { 'sec-ch-dpr': '3' },
      });
      assert.equal(dpr.width, 300);
    });
  });

  describe('documents and delivery', () => {
    const poppler = spawnSync('pdftoppm', ['-v']).status === 0;

    it(`renders PDF pages with pg-<n> and …/ik-thumbnail.jpg${poppler ? '' : ' (no pdftoppm here: skipped)'}`, {
      skip: !poppler,
    }, async () => {
      const first = await fetchImage(`${server.url}/m/doc.pdf/ik-thumbnail.jpg`);
      assert.equal(first.meta.format, 'jpeg');
      assert.ok(first.width > first.height, 'a landscape page');
      assert.ok(near(first.pixel(5, 5), red, 50) && near(first.pixel(first.width - 5, 5), white, 30));
      const second = await get('/m/doc.pdf/ik-thumbnail.jpg', [{ page: 2, width: 100 }], 'path');
      assert.equal(second.width, 100);
      assert.ok(near(second.pixel(5, 5), blue, 50), `page 2 ${second.pixel(5, 5)}`);
      const thumbnail = await get('/m/doc.pdf', [{ named: 'ik_ml_thumbnail' }]);
      assert.equal(thumbnail.meta.format, 'webp');
      assert.ok(near(thumbnail.pixel(5, 5), red, 50), 'the grid thumbnail is the first page');
      await expectError(src('/m/doc.pdf', [{ page: 5 }]), 400, /this PDF has 2 pages/);
    });

    it('draws Photoshop files from their flattened image, and Illustrator files as PDFs', async () => {
      // 60×40: red left half, blue right half, the bottom quarter clear.
      const [w, h] = [60, 40];
      const data = new Uint8ClampedArray(w * h * 4);
      for (let i = 0; i < w * h; i++) {
        data.set(i / w >= 30 ? [0, 0, 0, 0] : i % w < 30 ? [255, 0, 0, 255] : [0, 0, 255, 255], i * 4);
      }
      const psd = writePsdBuffer({
        width: w,
        height: h,
        imageData: { width: w, height: h, data },
        children: [{ name: 'Layer 1', imageData: { width: w, height: h, data } }],
      });
      const response = await upload(server, {
        file: { bytes: psd, name: 'poster.psd' },
        fields: { fileName: 'poster.psd', useUniqueFileName: 'false', folder: '/m' },
      });
      const uploaded = (await response.json()) as { width?: number; height?: number; fileType: string };
      assert.equal(response.status, 200);
      assert.deepEqual([uploaded.fileType, uploaded.width, uploaded.height], ['image', 60, 40]);
      const half = await get('/m/poster.psd', [{ width: 30 }]);
      assert.deepEqual([half.meta.format, half.width, half.height], ['png', 30, 20]);
      assert.ok(near(half.pixel(3, 3), red, 10) && near(half.pixel(26, 3), blue, 10), `${half.pixel(26, 3)}`);
      assert.equal(alphaOf(half.pixel(3, 18)), 0, 'clear stays clear');
      const thumbnail = await get('/m/poster.psd', [{ named: 'ik_ml_thumbnail' }]);
      assert.equal(thumbnail.meta.format, 'webp');
      assert.ok(near(thumbnail.pixel(5, 5), red, 30), 'the grid thumbnail is the picture');
      const jpeg = await fetchImage(`${server.url}/m/poster.psd/ik-thumbnail.jpg`);
      assert.equal(jpeg.meta.format, 'jpeg');
      assert.ok(near(jpeg.pixel(50, 5), blue, 40) && near(jpeg.pixel(5, 38), white, 30));
      const original = await fetch(`${server.url}/m/poster.psd`);
      assert.deepEqual(Buffer.from(await original.arrayBuffer()), psd, 'the original is the file itself');
      if (spawnSync('pdftoppm', ['-v']).status !== 0) return;
      // Illustrator's files are PDFs (with "Create PDF compatible file", its default).
      await upload(server, {
        file: { bytes: pdfOfColours([[0, 0, 1]]), name: 'logo.ai' },
        fields: { fileName: 'logo.ai', useUniqueFileName: 'false', folder: '/m' },
      });
      assert.ok(near((await fetchImage(`${server.url}/m/logo.ai/ik-thumbnail.jpg`)).pixel(5, 5), blue, 50));
    });

    it('picks a frame of an animated GIF with pg-<n>', async () => {
      const frame = (colour: string) =>
        sharp({ create: { width: 20, height: 10, channels: 3, background: colour } })
          .png()
          .toBuffer();
      const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } })
        .gif()
        .toBuffer();
      const response = await upload(server, {
        file: { bytes: gif, name: 'frames.gif' },
        fields: { fileName: 'frames.gif', useUniqueFileName: 'false', folder: '/m' },
      });
      assert.equal(response.status, 200);
      assert.ok(near((await get('/m/frames.gif', [{ page: 2, format: 'png' }])).pixel(5, 5), blue));
      assert.ok(near((await get('/m/frames.gif/ik-thumbnail.jpg', [])).pixel(5, 5), red, 50));
      await expectError(src('/m/frames.gif', [{ page: 3 }]), 400, /this image has 2 pages/);
    });

    it('serves ik-attachment=true as a download, and f-svg as the SVG itself', async () => {
      const download = await fetch(`${server.url}/m/quad.png?ik-attachment=true`);
      assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="quad.png"/);
      const converted = await fetch(`${src('/m/quad.png', [{ format: 'jpg' }])}&ik-attachment=true`);
      assert.match(converted.headers.get('content-disposition') ?? '', /filename="quad.jpg"/);
      assert.equal(converted.headers.get('content-type'), 'image/jpeg');
      const svg = await fetch(src('/m/mark.svg', [{ format: 'svg' }]));
      assert.equal(svg.status, 200);
      assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
      assert.match(await svg.text(), /<svg/);
      await expectError(
        src('/m/mark.svg', [{ format: 'svg', width: 10 }]),
        400,
        /f-svg serves the SVG as it is/,
      );
    });

    it('counts layers towards the steps and sizes towards the render limits', async () => {
      const strict = await startTestServer({ maxTransformSteps: 3, maxTransformPixels: 100_000 });
      try {
        const response = await upload(strict, {
          file: { bytes: await flat(100, 100, white), name: 'w.png' },
          fields: { fileName: 'w.png', useUniqueFileName: 'false' },
        });
        assert.equal(response.status, 200);
        const layer = 'l-text,i-a,l-end';
        await expectError(
          `${strict.url}/w.png?tr=${layer},${layer},${layer}`,
          400,
          /at most 3 steps; this one has 4/,
        );
        await expectError(
          `${strict.url}/w.png?tr=l-solid,co-red,w-1000,h-1000,l-end`,
          400,
          /1000×1000 image/,
        );
        await expectError(
          `${strict.url}/w.png?tr=l-text,i-${'W'.repeat(40)},fs-300,l-end`,
          400,
          /TRANSFORMATION_TOO_LARGE|pixels/,
        );
        const ok = await fetchImage(`${strict.url}/w.png?tr=l-solid,co-red,w-10,h-10,l-end`);
        assert.equal(ok.width, 100);
      } finally {
        await strict.close();
      }
    });
  });
});
