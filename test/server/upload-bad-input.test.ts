import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A PNG whose header claims `width`×`height` but whose pixel data is a handful of bytes. */
function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function filesOnDisk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('upload refuses bad input with a 4xx and leaves nothing behind', () => {
  let server: TestServer;
  const maxUploadBytes = 64 * 1024;

  before(async () => {
    server = await startTestServer({ maxUploadBytes });
    const field = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'price', label: 'Price', schema: { type: 'Number', minValue: 1 } },
    });
    assert.equal(field.status, 201);
  });

  after(() => server.close());

  async function expectRefused(
    response: Response,
    status: number,
    message: RegExp | string,
  ): Promise<{ message: string; help: string }> {
    const body = await response.json();
    assert.equal(response.status, status, JSON.stringify(body));
    assert.equal(typeof body.help, 'string');
    if (typeof message === 'string') assert.equal(body.message, message);
    else assert.match(body.message, message);
    return body;
  }

  const file = async () => ({ bytes: await png(), name: 'a.png', type: 'image/png' });

  it('a missing file', async () => {
    await expectRefused(
      await upload(server, { fields: { fileName: 'a.png' } }),
      400,
      'Your request is missing file parameter.',
    );
  });

  it('an empty file', async () => {
    const response = await upload(server, {
      file: { bytes: Buffer.alloc(0), name: 'e.png' },
      fields: { fileName: 'e.png' },
    });
    await expectRefused(response, 400, /The file is empty/);
  });

  it('a file over the size limit, binary or base64', async () => {
    const big = Buffer.alloc(maxUploadBytes + 1, 7);
    const exceeds = 'Your request contains invalid file parameter. The file size exceeds limits.';
    await expectRefused(
      await upload(server, { file: { bytes: big, name: 'big.bin' }, fields: { fileName: 'big.bin' } }),
      400,
      exceeds,
    );
    await expectRefused(
      await upload(server, { file: big.toString('base64'), fields: { fileName: 'big.bin' } }),
      400,
      exceeds,
    );
  });

  it('a missing fileName', async () => {
    await expectRefused(
      await upload(server, { file: await file() }),
      400,
      'Your request is missing fileName parameter.',
    );
  });

  for (const [label, fileName, why] of [
    ['a path traversal', '../../etc/passwd', /must not contain '\/'/],
    ['a NUL byte', 'evil\u0000.png', /control characters/],
    ['a slash', 'a/b.png', /must not contain '\/'/],
    ['a backslash', 'a\\b.png', /must not contain '\/' or '\\'/],
    ['500 characters', `${'x'.repeat(496)}.png`, /longer than 255 characters/],
    ['a dot-dot name', '..', /are not file names/],
  ] as const) {
    it(`a fileName with ${label}`, async () => {
      const response = await upload(server, { file: await file(), fields: { fileName } });
      await expectRefused(response, 400, why);
    });
  }

  it('a folder with .. or more than 50 levels', async () => {
    await expectRefused(
      await upload(server, { file: await file(), fields: { fileName: 'a.png', folder: '/a/../../b' } }),
      400,
      "'.' & '..' can not be used as folder-name",
    );
    const deep = Array.from({ length: 60 }, (_, i) => `l${i}`).join('/');
    await expectRefused(
      await upload(server, { file: await file(), fields: { fileName: 'a.png', folder: deep } }),
      400,
      /at most 50 levels deep; this path has 60/,
    );
  });

  it('a malformed multipart body', async () => {
    const response = await fetch(`${server.url}/api/v1/files/upload`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('private_test_key:').toString('base64')}`,
        'content-type': 'multipart/form-data; boundary=XYZ',
      },
      body: '--XYZ\r\nContent-Disposition: form-data; name="fileName"\r\n\r\na.png\r\n--XYZ\r\nContent-Disposition: form-da',
    });
    await expectRefused(response, 400, /not a valid multipart\/form-data upload/);
  });

  it('a body that is not multipart at all', async () => {
    const response = await server.api('/api/v1/files/upload', {
      method: 'POST',
      json: { fileName: 'a.png' },
    });
    await expectRefused(response, 400, /multipart\/form-data/);
  });

  it('text in the file field that is neither base64 nor an http(s) URL', async () => {
    for (const text of ['not base64!!', 'file:///etc/passwd', 'ftp://example.com/a.png']) {
      await expectRefused(
        await upload(server, { file: text, fields: { fileName: 'a.png' } }),
        400,
        /binary part, a base64 string or an http\(s\) URL/,
      );
    }
  });

  it('an unknown customMetadata key, a wrong type, a value out of range or bad JSON', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"colour":"red"}', /'colour' is not a custom metadata field/],
      ['{"price":"cheap"}', /'price' must be a number/],
      ['{"price":0}', /'price' must be at least 1/],
      ['{price:', /invalid customMetadata parameter. It must be valid JSON/],
      ['[1,2]', /customMetadata must be a JSON object/],
    ];
    for (const [customMetadata, why] of cases) {
      const response = await upload(server, {
        file: await file(),
        fields: { fileName: 'a.png', customMetadata },
      });
      const body = await expectRefused(response, 400, why);
      if (customMetadata.startsWith('{"'))
        assert.ok((body as { errors?: object }).errors, 'errors names the field');
    }
  });

  it('tags over 500 characters or with %', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `tag-number-${i}`).join(',');
    await expectRefused(
      await upload(server, { file: await file(), fields: { fileName: 'a.png', tags: long } }),
      400,
      /at most 500 characters/,
    );
    await expectRefused(
      await upload(server, { file: await file(), fields: { fileName: 'a.png', tags: '100%' } }),
      400,
      /cannot contain '%'/,
    );
  });

  it('the NUL character in tags, description, custom metadata or a field label', async () => {
    const note = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'note', label: 'Note', schema: { type: 'Text' } },
    });
    assert.equal(note.status, 201);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ tags: 'a,b\u0000c' }, /invalid tags parameter. It must not contain the NUL character/],
      [{ description: 'alt\u0000text' }, /invalid description parameter. It must not contain the NUL/],
      [{ customMetadata: JSON.stringify({ note: 'x\u0000y' }) }, /'note' must not contain the NUL character/],
    ];
    for (const [fields, message] of cases) {
      await expectRefused(
        await upload(server, { file: await file(), fields: { fileName: 'a.png', ...fields } }),
        400,
        message,
      );
    }
    await expectRefused(
      await server.api('/v1/customMetadataFields', {
        method: 'POST',
        json: { name: 'nul', label: 'N\u0000L', schema: { type: 'Text' } },
      }),
      400,
      /invalid label parameter. It must not contain the NUL character/,
    );
  });

  it('a file named as an image whose bytes are not one', async () => {
    const response = await upload(server, {
      file: { bytes: Buffer.from('<html><script>alert(1)</script></html>'), name: 'x.png' },
      fields: { fileName: 'photo.jpg' },
    });
    await expectRefused(response, 400, /not a valid jpg image/);
  });

  it('a decompression bomb: a tiny PNG claiming 100000 × 100000 pixels', async () => {
    const response = await upload(server, {
      file: { bytes: pngBomb(100_000, 100_000), name: 'bomb.png' },
      fields: { fileName: 'bomb.png' },
    });
    await expectRefused(response, 400, /100000×100000 pixels, more than the 268402689 pixels/);
  });

  it('flags that are not true or false, unknown responseFields, unknown checks fields, extensions', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ useUniqueFileName: 'yes' }, /invalid useUniqueFileName parameter. Use true or false/],
      [{ responseFields: 'tags,secrets' }, /'secrets' is not one of/],
      [{ checks: '"file.owner" = "me"' }, /invalid syntax for the checks parameter/],
      [
        { extensions: '[{"name":"ai-auto-description"}]' },
        /'ai-auto-description' is not available on this server/,
      ],
      [{ customCoordinates: '1,2,three,4' }, /invalid customCoordinates parameter/],
    ];
    for (const [fields, why] of cases) {
      await expectRefused(
        await upload(server, { file: await file(), fields: { fileName: 'a.png', ...fields } }),
        400,
        why,
      );
    }
  });

  it('a URL on a private network when the server does not allow it', async () => {
    const strict = await startTestServer({ urlFetch: { timeoutMs: 2000, allowPrivateNetworks: false } });
    try {
      for (const url of [
        `${strict.url}/x.png`,
        'http://169.254.169.254/latest/meta-data',
        'http://localhost:9/x',
      ]) {
        await expectRefused(
          await upload(strict, { file: url, fields: { fileName: 'a.png' } }),
          400,
          /private network/,
        );
      }
    } finally {
      await strict.close();
    }
  });

  it('left no file listed, no blob stored, nothing staged and nothing journaled', async () => {
    const listed = await (await server.api('/v1/files?type=all')).json();
    assert.deepEqual(listed, []);
    assert.deepEqual(await server.blobKeys(), []);
    assert.deepEqual(await filesOnDisk(join(server.dataDir, 'staging')), []);
    // A known sender's blob is journaled while the bytes arrive; a refusal takes the entry back.
    assert.deepEqual(await server.catalog().selectFrom('blob_journal').select('blob_key').execute(), []);
  });
});
