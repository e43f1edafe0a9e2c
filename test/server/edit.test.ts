import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { upload } from '../helpers/fixtures.js';
import { blue, decode, fetchImage, green, near, quadrants, red, white } from '../helpers/images.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('POST /_ml/files/{fileId}/edit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function put(fileName: string, fields: Record<string, string> = {}, bytes?: Buffer | string) {
    const response = await upload(server, {
      file: { bytes: bytes ?? (await quadrants(200, 100)), name: fileName },
      fields: { fileName, useUniqueFileName: 'false', folder: '/edits', ...fields },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    return body as { fileId: string; url: string; versionInfo: { id: string } };
  }

  const edit = (fileId: string, body: unknown, key?: string | null) =>
    server.api(`/_ml/files/${fileId}/edit`, {
      method: 'POST',
      json: body,
      ...(key !== undefined && { key }),
    });

  async function expectRefused(response: Response, status: number, message: RegExp) {
    const body = await response.json();
    assert.equal(response.status, status, JSON.stringify(body));
    assert.match(body.message, message);
  }

  it('crops, rotates and flips into a new version, keeping the old one', async () => {
    const original = await put('photo.png', { tags: 'a,b', customCoordinates: '10,10,20,20' });
    const response = await edit(original.fileId, {
      operations: [
        { type: 'crop', x: 0, y: 0, width: 100, height: 100 },
        { type: 'rotate', angle: 90 },
        { type: 'flip', direction: 'horizontal' },
      ],
    });
    const file = await response.json();
    assert.equal(response.status, 200, JSON.stringify(file));
    assert.equal(file.fileId, original.fileId);
    assert.equal(file.versionInfo.name, 'Version 2');
    assert.deepEqual([file.width, file.height, file.mime], [100, 100, 'image/png']);
    assert.deepEqual(file.tags, ['a', 'b'], 'details carry over');
    assert.equal(file.customCoordinates, null, 'coordinates no longer point where they did');
    // Left half of the quadrants (red over blue), rotated clockwise (blue | red), mirrored (red | blue).
    const current = await fetchImage(file.url);
    assert.ok(near(current.pixel(10, 50), red) && near(current.pixel(90, 50), blue));
    const old = await fetchImage(`${original.url}?ik-v=${original.versionInfo.id}`);
    assert.deepEqual([old.width, old.height], [200, 100]);
    assert.ok(near(old.pixel(150, 10), green));
  });

  it('resizes by one side keeping the ratio, or to an exact size by both', async () => {
    const { fileId } = await put('resize.png');
    const byWidth = await (await edit(fileId, { operations: [{ type: 'resize', width: 50 }] })).json();
    assert.deepEqual([byWidth.width, byWidth.height], [50, 25]);
    const exact = await (
      await edit(fileId, { operations: [{ type: 'resize', width: 30, height: 30 }] })
    ).json();
    assert.deepEqual([exact.width, exact.height], [30, 30]);
    const image = await fetchImage(exact.url);
    assert.deepEqual([image.width, image.height], [30, 30]);
    assert.ok(near(image.pixel(25, 25), white));
  });

  it('saves as a new file, in another format and folder, leaving the source alone', async () => {
    const source = await put('source.png', { tags: 'keep', isPrivateFile: 'false' });
    const response = await edit(source.fileId, {
      operations: [
        { type: 'crop', x: 100, y: 0, width: 100, height: 50 },
        { type: 'format', format: 'webp', quality: 90 },
      ],
      saveAs: { fileName: 'green.webp', folder: '/edits/out' },
    });
    const file = await response.json();
    assert.equal(response.status, 200, JSON.stringify(file));
    assert.notEqual(file.fileId, source.fileId);
    assert.equal(file.filePath, '/edits/out/green.webp');
    assert.equal(file.versionInfo.name, 'Version 1');
    assert.deepEqual([file.mime, file.width, file.height], ['image/webp', 100, 50]);
    assert.deepEqual(file.tags, ['keep']);
    const image = await fetchImage(file.url);
    assert.equal(image.meta.format, 'webp');
    assert.ok(near(image.pixel(50, 25), green));
    const folders = await (await server.api('/v1/files?type=folder&path=/edits')).json();
    assert.ok(folders.some((f: { folderPath: string }) => f.folderPath === '/edits/out'));
    const unchanged = await (await server.api(`/v1/files/${source.fileId}/details`)).json();
    assert.deepEqual([unchanged.versionInfo.name, unchanged.width], ['Version 1', 200]);
  });

  it('edits an older version when asked, saving the result as the newest', async () => {
    const first = await put('history.png');
    await edit(first.fileId, { operations: [{ type: 'resize', width: 20 }] });
    const response = await edit(first.fileId, {
      versionId: first.versionInfo.id,
      operations: [{ type: 'rotate', angle: 180 }],
    });
    const file = await response.json();
    assert.equal(file.versionInfo.name, 'Version 3');
    assert.deepEqual(
      [file.width, file.height],
      [200, 100],
      'rotated from version 1, not the 20-pixel version 2',
    );
    assert.ok(near((await fetchImage(file.url)).pixel(10, 10), white));
  });

  it('draws layers, corners and background as on delivery (layers), after a crop', async () => {
    const logo = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#ffff00' } })
      .png()
      .toBuffer();
    await put('logo.png', {}, logo);
    const original = await put('card.png');
    const response = await edit(original.fileId, {
      operations: [
        { type: 'crop', x: 0, y: 0, width: 100, height: 100 },
        {
          type: 'layers',
          transformation:
            'r-20,bg-00FF00:l-image,i-edits@@logo.png,t-false,w-20,lx-30,ly-10,l-end:l-text,i-Hi,fs-30,co-FFFFFF,lx-40,ly-55,l-end',
        },
      ],
    });
    const file = await response.json();
    assert.equal(response.status, 200, JSON.stringify(file));
    assert.deepEqual([file.width, file.height, file.versionInfo.name], [100, 100, 'Version 2']);
    const image = await fetchImage(file.url);
    assert.ok(near(image.pixel(1, 1), green), `the rounded corner on bg-00FF00: ${image.pixel(1, 1)}`);
    assert.ok(
      near(image.pixel(40, 20), [255, 255, 0]),
      `the logo, 20 px wide at (30, 10): ${image.pixel(40, 20)}`,
    );
    assert.ok(near(image.pixel(60, 20), red), 'the crop beside it');
    let ink = 0;
    for (let y = 55; y < 100; y++)
      for (let x = 40; x < 100; x++) if (near(image.pixel(x, y), white, 30)) ink++;
    assert.ok(ink > 30, `the text over the blue half: ${ink} white pixels`);
  });

  it('refuses layers that change the size, name missing files or do not parse', async () => {
    const { fileId } = await put('layered.png');
    for (const [transformation, message] of [
      ['w-100', /\(layers\): transformation may hold only r-, bg- and layers .*not width/],
      ['l-text,i-Hi,l-end,f-jpg', /\(layers\): transformation may hold only/],
      ['l-image,i-edits@@nowhere.png,l-end', /nowhere\.png does not exist/],
      ['l-text,i-Hi', /\(layers\): .*l-end/],
      ['', /\(layers\): transformation must be/],
    ] as const) {
      await expectRefused(
        await edit(fileId, { operations: [{ type: 'layers', transformation }] }),
        400,
        message,
      );
    }
  });

  it('refuses invalid operations with a message naming the operation', async () => {
    const { fileId } = await put('strict.png');
    for (const [operations, message] of [
      [undefined, /non-empty array/],
      [[], /non-empty array/],
      ['rotate', /non-empty array/],
      [[{ type: 'zoom' }], /operations\[0\]: type must be one of crop, rotate, flip, resize, format, layers/],
      [[{ type: 'rotate', angle: 45 }], /operations\[0\] \(rotate\): angle must be 90, 180 or 270/],
      [[{ type: 'flip', direction: 'diagonal' }], /direction must be horizontal or vertical/],
      [
        [{ type: 'crop', x: 150, y: 0, width: 100, height: 10 }],
        /\(crop\): width must be a whole number from 1 to 50/,
      ],
      [
        [
          { type: 'rotate', angle: 90 },
          { type: 'crop', x: 0, y: 0, width: 150, height: 10 },
        ],
        /operations\[1\] \(crop\): width must be a whole number from 1 to 100/,
      ],
      [[{ type: 'crop', x: -1, y: 0, width: 10, height: 10 }], /x must be a whole number from 0/],
      [[{ type: 'resize' }], /give width, height or both/],
      [[{ type: 'resize', width: 9000 }], /width must be a whole number from 1 to 8000/],
      [[{ type: 'resize', height: 8000 }], /the result would be 16000×8000/],
      [[{ type: 'format', format: 'bmp' }], /format must be one of jpg, png, webp, avif/],
      [[{ type: 'format', format: 'jpg', quality: 0 }], /quality must be a whole number from 1 to 100/],
      [Array.from({ length: 51 }, () => ({ type: 'rotate', angle: 90 })), /at most 50 operations/],
    ] as const) {
      await expectRefused(await edit(fileId, { operations }), 400, message);
    }
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }], extra: 1 }),
      400,
      /Unknown parameter extra/,
    );
    await expectRefused(await edit(fileId, []), 400, /JSON object/);
  });

  it('refuses a format change in place, a mismatched extension and a name that is taken', async () => {
    const { fileId } = await put('keepformat.png');
    await put('taken.png');
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'format', format: 'jpg' }] }),
      400,
      /save a format change as a new file with saveAs/,
    );
    await expectRefused(
      await edit(fileId, {
        operations: [{ type: 'format', format: 'jpg' }],
        saveAs: { fileName: 'out.png' },
      }),
      400,
      /ends in \.png but the result is image\/jpeg/,
    );
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }], saveAs: { fileName: 'taken.png' } }),
      409,
      /already exists/,
    );
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }], saveAs: { fileName: 'a/b.png' } }),
      400,
      /fileName/,
    );
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }], saveAs: 'x.png' }),
      400,
      /saveAs must be an object/,
    );
  });

  it('refuses files that are not images, unknown files and versions, and callers without write access', async () => {
    const text = await put('notes.txt', {}, 'plain words');
    await expectRefused(
      await edit(text.fileId, { operations: [{ type: 'rotate', angle: 90 }] }),
      400,
      /Only images can be edited/,
    );
    await expectRefused(
      await edit('0123456789abcdef01234567', { operations: [{ type: 'rotate', angle: 90 }] }),
      404,
      /does not exist/,
    );
    const { fileId } = await put('guarded.png');
    await expectRefused(
      await edit(fileId, { versionId: 'nope', operations: [{ type: 'rotate', angle: 90 }] }),
      404,
      /version does not exist/,
    );
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }] }, null),
      401,
      /private API key/,
    );
    const readKey = await (
      await server.api('/_ml/keys', { method: 'POST', json: { kind: 'restricted', permission: 'Read' } })
    ).json();
    await expectRefused(
      await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }] }, readKey.privateKey),
      403,
      /needs ReadWrite/,
    );
  });

  it('edits SVG by rasterising it, saved as a PNG file', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="20" height="20" fill="#ff0000"/><rect x="20" width="20" height="20" fill="#0000ff"/></svg>';
    const { fileId } = await put('shape.svg', {}, svg);
    await expectRefused(await edit(fileId, { operations: [{ type: 'rotate', angle: 90 }] }), 400, /saveAs/);
    const response = await edit(fileId, {
      operations: [{ type: 'rotate', angle: 90 }],
      saveAs: { fileName: 'shape.png' },
    });
    const file = await response.json();
    assert.equal(response.status, 200, JSON.stringify(file));
    assert.deepEqual([file.mime, file.width, file.height], ['image/png', 20, 40]);
    const image = await decode(Buffer.from(await (await fetch(file.url)).arrayBuffer()));
    assert.ok(near(image.pixel(10, 5), red) && near(image.pixel(10, 35), blue));
  });
});
