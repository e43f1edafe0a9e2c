import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jpeg, png, upload, uploadPng } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('upload', () => {
  let server: TestServer;
  let origin: Server;
  let originUrl: string;

  before(async () => {
    server = await startTestServer();
    const image = await png(120, 80);
    origin = createServer((req, res) => {
      if (req.url === '/photo.png') {
        res.writeHead(200, { 'content-type': 'image/png' }).end(image);
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/photo.png' }).end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  after(async () => {
    origin.close();
    await server.close();
  });

  it('stores a binary part with size, dimensions and alpha read from the bytes', async () => {
    const bytes = await png(40, 30, true);
    const response = await upload(server, {
      file: { bytes, name: 'x.png', type: 'image/png' },
      fields: { fileName: 'logo.png', useUniqueFileName: 'false', folder: '/brand/logos' },
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.name, 'logo.png');
    assert.equal(body.filePath, '/brand/logos/logo.png');
    assert.equal(body.size, bytes.length);
    assert.equal(body.width, 40);
    assert.equal(body.height, 30);
    assert.equal(body.hasAlpha, true);
    assert.equal(body.fileType, 'image');
    assert.equal(body.mime, 'image/png');
    assert.deepEqual(body.versionInfo, { id: body.versionInfo.id, name: 'Version 1' });
    assert.match(body.fileId, /^[0-9a-f]{24}$/);
    assert.equal(body.url, `${server.url}/brand/logos/logo.png`);
    assert.equal(body.thumbnailUrl, `${server.url}/tr:n-ik_ml_thumbnail/brand/logos/logo.png`);
    assert.equal(body.AITags, null);
    assert.equal(body.tags, undefined, 'tags appear only when responseFields asks');
    assert.ok(response.headers.get('x-ik-requestid'));
    assert.equal(response.headers.get('x-ik-requestid'), response.headers.get('x-request-id'));
  });

  it('ignores dimensions a client claims and trusts the bytes', async () => {
    const response = await upload(server, {
      file: { bytes: await png(10, 20), name: 'a.png' },
      fields: { fileName: 'claims.png', width: '9999', height: '9999', mime: 'text/html' },
    });
    const body = await response.json();
    assert.equal(body.width, 10);
    assert.equal(body.height, 20);
    assert.equal(body.mime, 'image/png');
  });

  it('adds a random suffix by default, keeping the extension', async () => {
    const body = await uploadPng(server, { fileName: 'photo.png' });
    assert.match(body.name, /^photo_[A-Za-z0-9]{8}\.png$/);
  });

  it('accepts the file as base64 text, with or without a data: prefix', async () => {
    const bytes = await png(12, 12);
    for (const file of [bytes.toString('base64'), `data:image/png;base64,${bytes.toString('base64')}`]) {
      const response = await upload(server, { file, fields: { fileName: 'b64.png' } });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.size, bytes.length);
      assert.equal(body.width, 12);
    }
  });

  it('fetches an http(s) URL server-side, following redirects', async () => {
    for (const path of ['/photo.png', '/moved']) {
      const response = await upload(server, { file: originUrl + path, fields: { fileName: 'fetched.png' } });
      assert.equal(response.status, 200, await response.clone().text());
      const body = await response.json();
      assert.equal(body.width, 120);
      assert.equal(body.height, 80);
    }
  });

  it('explains a URL that cannot be fetched', async () => {
    const response = await upload(server, {
      file: `${originUrl}/missing.png`,
      fields: { fileName: 'x.png' },
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.match(body.message, /could not fetch .*missing\.png: the server answered 404/);
  });

  it('knows an SVG behind an XML prolog, and binary bytes or markup-like text as not SVG', async () => {
    const svg =
      '<?xml version="1.0"?>\n<!-- drawn by hand -->\n ' +
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>';
    const sniffed = async (bytes: Buffer, fileName: string) => {
      const response = await upload(server, { file: { bytes, name: fileName }, fields: { fileName } });
      const body = (await response.json()) as { mime: string; message?: string };
      assert.equal(response.status, 200, body.message);
      return body.mime;
    };
    assert.equal(await sniffed(Buffer.from(svg), 'drawing.svg'), 'image/svg+xml');
    // Binary bytes, and text that starts like markup but is not: neither is an SVG.
    const binary = Buffer.alloc(70_000, 0xa7);
    binary.write('\u00a0<svg>', 3000);
    assert.equal(await sniffed(binary, 'blob.bin'), 'application/octet-stream');
    assert.equal(
      await sniffed(Buffer.from('  <svgx>not svg</svgx>'), 'notes.bin'),
      'application/octet-stream',
    );
  });

  it('creates every missing folder of the path', async () => {
    await uploadPng(server, { folder: 'deep/er/est', fileName: 'f.png', useUniqueFileName: 'false' });
    const folders = await (await server.api('/v1/files?type=folder&path=/deep/er/')).json();
    assert.deepEqual(
      folders.map((f: { folderPath: string }) => f.folderPath),
      ['/deep/er/est'],
    );
    const top = await (await server.api('/v1/files?type=folder&path=/')).json();
    assert.ok(
      top.some((f: { folderPath: string; name: string }) => f.folderPath === '/deep' && f.name === 'deep'),
    );
  });

  it('stores tags, customCoordinates, privacy, publication and description, returned when asked', async () => {
    const body = await uploadPng(server, {
      fileName: 'fields.png',
      tags: 'summer, sale,summer',
      customCoordinates: '1,2,10,10',
      isPrivateFile: 'true',
      isPublished: 'false',
      description: 'A red square',
      responseFields: 'tags,customCoordinates,isPrivateFile,isPublished,customMetadata',
    });
    assert.deepEqual(body.tags, ['summer', 'sale']);
    assert.equal(body.customCoordinates, '1,2,10,10');
    assert.equal(body.isPrivateFile, true);
    assert.equal(body.isPublished, false);
    assert.equal(body.description, 'A red square');
    assert.deepEqual(body.customMetadata, {});
    const details = await (await server.api(`/v1/files/${body.fileId}/details`)).json();
    assert.deepEqual(details.tags, ['summer', 'sale']);
    assert.equal(details.isPrivateFile, true);
    assert.equal(details.isPublished, false);
    assert.equal(details.description, 'A red square');
  });

  it('reads embedded EXIF metadata and the metadata object when asked', async () => {
    const bytes = await jpeg(64, 48, { IFD0: { Make: 'Canon', Model: 'EOS' } });
    const response = await upload(server, {
      file: { bytes, name: 'cam.jpg' },
      fields: { fileName: 'cam.jpg', responseFields: 'embeddedMetadata,metadata' },
    });
    const body = await response.json();
    assert.equal(body.embeddedMetadata.Make, 'Canon');
    assert.equal(body.embeddedMetadata.Model, 'EOS');
    assert.equal(body.metadata.width, 64);
    assert.equal(body.metadata.format, 'jpg');
    assert.equal(body.metadata.exif.image.Make, 'Canon');
    assert.match(body.metadata.pHash, /^[0-9a-f]{16}$/);
  });

  it('stores non-image files without dimensions', async () => {
    const response = await upload(server, {
      file: { bytes: Buffer.from('body { color: red }'), name: 'site.css' },
      fields: { fileName: 'site.css' },
    });
    const body = await response.json();
    assert.equal(body.fileType, 'non-image');
    assert.equal(body.mime, 'text/css');
    assert.equal(body.width, undefined);
  });

  it('overwriteFile makes a new version of the same file, dropping tags unless told to keep them', async () => {
    const first = await uploadPng(server, {
      fileName: 'ver.png',
      useUniqueFileName: 'false',
      tags: 'a',
      description: 'alt',
    });
    const second = await uploadPng(server, {
      fileName: 'ver.png',
      useUniqueFileName: 'false',
      responseFields: 'tags',
    });
    assert.equal(second.fileId, first.fileId);
    assert.notEqual(second.versionInfo.id, first.versionInfo.id);
    assert.equal(second.versionInfo.name, 'Version 2');
    assert.equal(second.tags, null);
    assert.equal(second.description, 'alt', 'alt text survives a replacement');
    const third = await uploadPng(server, {
      fileName: 'ver.png',
      useUniqueFileName: 'false',
      tags: 'b',
      overwriteTags: 'false',
      responseFields: 'tags',
    });
    assert.deepEqual(third.tags, ['b']);
    const fourth = await uploadPng(server, {
      fileName: 'ver.png',
      useUniqueFileName: 'false',
      overwriteTags: 'false',
      responseFields: 'tags',
    });
    assert.deepEqual(fourth.tags, ['b']);
    assert.equal(fourth.versionInfo.name, 'Version 4');
    const listed = await (await server.api('/v1/files?path=/&type=file')).json();
    assert.equal(listed.filter((f: { name: string }) => f.name === 'ver.png').length, 1);
    const versions = await (await server.api('/v1/files?type=file-version')).json();
    assert.equal(versions.filter((f: { fileId: string }) => f.fileId === first.fileId).length, 3);
  });

  it('keeps custom metadata on a new version with overwriteCustomMetadata=false, and a focus area that still fits', async () => {
    const field = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'licence', label: 'Licence', schema: { type: 'Text' } },
    });
    assert.equal(field.status, 201);
    const replace = async (width: number, height: number, fields: Record<string, string> = {}) => {
      const response = await upload(server, {
        file: { bytes: await png(width, height), name: 'x.png', type: 'image/png' },
        fields: {
          fileName: 'licensed.png',
          useUniqueFileName: 'false',
          responseFields: 'customMetadata,customCoordinates',
          ...fields,
        },
      });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as { customMetadata: object; customCoordinates: string | null };
    };
    await replace(80, 60, {
      customMetadata: JSON.stringify({ licence: 'CC-BY' }),
      customCoordinates: '10,10,40,40',
    });
    const kept = await replace(60, 50, { overwriteCustomMetadata: 'false' });
    assert.deepEqual(kept.customMetadata, { licence: 'CC-BY' });
    assert.equal(kept.customCoordinates, '10,10,40,40', 'the focus area fits 60 × 50');
    // ImageKit's default drops custom metadata the upload does not send.
    const dropped = await replace(60, 50);
    assert.deepEqual(dropped.customMetadata, {});
    assert.equal(dropped.customCoordinates, '10,10,40,40');
    // A focus area outside the new image goes; one sent (or cleared) is taken as sent.
    assert.equal((await replace(30, 30)).customCoordinates, null);
    assert.equal((await replace(30, 30, { customCoordinates: '0,0,20,20' })).customCoordinates, '0,0,20,20');
    assert.equal((await replace(30, 30, { customCoordinates: '' })).customCoordinates, null);
  });

  it('refuses to overwrite when overwriteFile and useUniqueFileName are both false', async () => {
    await uploadPng(server, { fileName: 'keep.png', useUniqueFileName: 'false' });
    const response = await upload(server, {
      file: { bytes: await png(), name: 'keep.png' },
      fields: { fileName: 'keep.png', useUniqueFileName: 'false', overwriteFile: 'false' },
    });
    assert.equal(response.status, 400);
    assert.equal(
      (await response.json()).message,
      'A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.',
    );
  });

  it('runs checks on the file and the request', async () => {
    const pass = await upload(server, {
      file: { bytes: await png(), name: 'c.png' },
      fields: {
        fileName: 'c.png',
        checks: `"file.size" < "1mb" AND "file.mime" : "image/" AND 'request.folder' : 'ok/'`,
        folder: '/ok/sub',
      },
    });
    assert.equal(pass.status, 200);
    const fail = await upload(server, {
      file: { bytes: await png(), name: 'c.png' },
      fields: { fileName: 'c.png', checks: '"file.size" > "1mb" OR "file.mime" IN ["application/pdf"]' },
    });
    assert.equal(fail.status, 400);
    assert.equal((await fail.json()).message, "Your request failed 'checks' validation.");
    const syntax = await upload(server, {
      file: { bytes: await png(), name: 'c.png' },
      fields: { fileName: 'c.png', checks: '"file.size" <' },
    });
    assert.equal(syntax.status, 400);
    const body = await syntax.json();
    assert.equal(body.message, 'Your request contains invalid syntax for the checks parameter.');
    assert.match(body.help, /expected a value after '"file.size" <' at position 14/);
  });

  it('sanitises characters ImageKit replaces in file and folder names', async () => {
    const body = await uploadPng(server, {
      fileName: 'my photo (1).png',
      folder: 'summer sale/été',
      useUniqueFileName: 'false',
    });
    assert.equal(body.name, 'my_photo__1_.png');
    assert.equal(body.filePath, '/summer_sale/été/my_photo__1_.png');
    assert.equal(body.url, `${server.url}/summer_sale/%C3%A9t%C3%A9/my_photo__1_.png`);
  });
});
