// Origins (an S3 bucket or a web folder as a source of files) and URL endpoints (a path prefix
// and the origins behind it), over the API as @imagekit/nodejs 7 calls it and through delivery.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import ImageKit, {
  BadRequestError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
} from '@imagekit/nodejs';
import { png, upload } from '../helpers/fixtures.js';
import { fetchImage } from '../helpers/images.js';
import { startS3Server } from '../helpers/s3-server.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** A web folder: `/<name>` answers the PNG registered under that name, anything else 404. */
async function startWebFolder(files: Map<string, Buffer>): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((request, response) => {
    const bytes = files.get(request.url ?? '');
    if (!bytes) return response.writeHead(404).end('missing');
    response.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/assets` };
}

describe('origins and URL endpoints', () => {
  let server: TestServer;
  let client: ImageKit;
  let web: { server: Server; baseUrl: string };
  let s3: { endpoint: string; stop(): void };
  const webFiles = new Map<string, Buffer>();

  before(async () => {
    server = await startTestServer();
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
    web = await startWebFolder(webFiles);
    s3 = await startS3Server();
  });
  after(async () => {
    await server.close();
    web.server.close();
    s3.stop();
  });

  it('keeps origins without ever answering their secrets, and refuses bad ones', async () => {
    const made = await client.accounts.origins.create({
      type: 'S3',
      name: 'US S3 Storage',
      bucket: 'product-images',
      accessKey: 'AKIAIOSFODNN7EXAMPLE',
      secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      prefix: '/raw-assets/',
    });
    assert.deepEqual(made, {
      id: made.id,
      name: 'US S3 Storage',
      type: 'S3',
      bucket: 'product-images',
      prefix: 'raw-assets',
      includeCanonicalHeader: false,
    });
    const everything = JSON.stringify([
      await client.accounts.origins.list(),
      await client.accounts.origins.get(made.id),
    ]);
    assert.doesNotMatch(everything, /AKIA|wJalr/);
    const replaced = await client.accounts.origins.update(made.id, {
      type: 'WEB_FOLDER',
      name: 'Old site',
      baseUrl: 'https://example.com/images',
    });
    assert.equal((replaced as { baseUrl: string }).baseUrl, 'https://example.com/images');
    await client.accounts.origins.delete(made.id);
    await assert.rejects(client.accounts.origins.get(made.id), NotFoundError);

    const refusals: Array<[Record<string, unknown>, RegExp]> = [
      [{ type: 'FTP', name: 'x' }, /type/],
      [
        { type: 'GCS', name: 'x', bucket: 'b', clientEmail: 'e', privateKey: 'k' },
        /GCS origins are not available/,
      ],
      [{ type: 'S3', name: 'x', bucket: 'b', accessKey: 'a' }, /secretKey/],
      [{ type: 'WEB_FOLDER', name: 'x', baseUrl: 'ftp://x' }, /baseUrl.*http/],
      [{ type: 'WEB_FOLDER', name: 'x', baseUrl: 'https://x', bucket: 'b' }, /no bucket/],
      [{ type: 'WEB_FOLDER', baseUrl: 'https://x' }, /name/],
    ];
    for (const [json, message] of refusals) {
      const response = await server.api('/v1/accounts/origins', { method: 'POST', json });
      const body = (await response.json()) as { message: string; help: string };
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match(body.message, message);
      assert.equal(typeof body.help, 'string');
    }
  });

  it('serves a URL endpoint without origins from the library under its prefix', async () => {
    const uploaded = await upload(server, {
      file: { bytes: await png(200, 100), name: 'p.png', type: 'image/png' },
      fields: { fileName: 'p.png', folder: '/lib', useUniqueFileName: 'false' },
    });
    assert.equal(uploaded.status, 200);
    const endpoint = await client.accounts.urlEndpoints.create({ description: 'Library', urlPrefix: 'cdn' });
    assert.deepEqual(endpoint, { id: endpoint.id, description: 'Library', urlPrefix: 'cdn', origins: [] });
    const original = await fetchImage(`${server.url}/cdn/lib/p.png`);
    assert.equal(original.width, 200);
    const resized = await fetchImage(`${server.url}/cdn/tr:w-50/lib/p.png`);
    assert.equal(resized.width, 50);
    const query = await fetchImage(`${server.url}/cdn/lib/p.png?tr=w-40`);
    assert.equal(query.width, 40);
    await client.accounts.urlEndpoints.delete(endpoint.id);
    assert.equal((await fetch(`${server.url}/cdn/lib/p.png`)).status, 404);
  });

  it('serves files from its origins in order, an S3 bucket and a web folder, transformed too', async () => {
    const bucketClient = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    await bucketClient.send(new CreateBucketCommand({ Bucket: 'old-site' }));
    const inBucket = await png(300, 150);
    await bucketClient.send(
      new PutObjectCommand({
        Bucket: 'old-site',
        Key: 'media/both.png',
        Body: inBucket,
        ContentType: 'image/png',
      }),
    );
    webFiles.set('/assets/both.png', await png(10, 10));
    webFiles.set('/assets/web-only.png', await png(120, 60));

    const bucket = await client.accounts.origins.create({
      type: 'S3_COMPATIBLE',
      name: 'Old bucket',
      bucket: 'old-site',
      endpoint: s3.endpoint,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      prefix: 'media',
      s3ForcePathStyle: true,
    });
    const folder = await client.accounts.origins.create({
      type: 'WEB_FOLDER',
      name: 'Old web',
      baseUrl: web.baseUrl,
    });
    const endpoint = await client.accounts.urlEndpoints.create({
      description: 'Migrated',
      urlPrefix: 'old',
      origins: [bucket.id, folder.id],
    });
    assert.deepEqual(endpoint.origins, [bucket.id, folder.id]);

    const both = await fetchImage(`${server.url}/old/both.png`);
    assert.deepEqual([both.width, both.height], [300, 150], 'the first origin wins');
    const webOnly = await fetchImage(`${server.url}/old/web-only.png`);
    assert.equal(webOnly.width, 120);
    const resized = await fetchImage(`${server.url}/old/tr:w-30/web-only.png`);
    assert.deepEqual([resized.width, resized.height], [30, 15]);
    const renders = server.server.context.derivedImages.renders;
    const again = await fetchImage(`${server.url}/old/web-only.png?tr=w-30`);
    assert.equal(again.width, 30);
    assert.equal(server.server.context.derivedImages.renders, renders, 'the rendition was cached');
    const missing = await fetch(`${server.url}/old/nothing.png`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { message: string }).message, /origins has \/nothing.png/);

    await assert.rejects(client.accounts.origins.delete(folder.id), ConflictError);
    const swapped = await client.accounts.urlEndpoints.update(endpoint.id, {
      description: 'Migrated',
      urlPrefix: 'old',
      origins: [folder.id],
    });
    assert.deepEqual(swapped.origins, [folder.id]);
    const described = await client.accounts.urlEndpoints.update(endpoint.id, { description: 'Renamed' });
    assert.deepEqual(described, {
      id: endpoint.id,
      description: 'Renamed',
      urlPrefix: 'old',
      origins: [folder.id],
    });
    const fromWeb = await fetchImage(`${server.url}/old/both.png`);
    assert.equal(fromWeb.width, 10);
  });

  it('refuses bad URL endpoints, a prefix taken, and changes by restricted keys', async () => {
    await client.accounts.urlEndpoints.create({ description: 'One', urlPrefix: 'taken' });
    await assert.rejects(
      client.accounts.urlEndpoints.create({ description: 'Two', urlPrefix: 'taken' }),
      ConflictError,
    );
    const refusals: Array<[Record<string, unknown>, RegExp]> = [
      [{ description: 'x', urlPrefix: 'a/b' }, /urlPrefix/],
      [{ description: 'x', urlPrefix: 'v1' }, /own path/],
      [{ description: 'x' }, /urlPrefix/],
      [{ urlPrefix: 'ok' }, /description/],
      [{ description: 'x', urlPrefix: 'ok', origins: ['000000000000000000000000'] }, /no origin/],
      [{ description: 'x', urlPrefix: 'ok', urlRewriter: { type: 'CLOUDINARY' } }, /CLOUDINARY URL rewriter/],
    ];
    for (const [json, message] of refusals) {
      const response = await server.api('/v1/accounts/url-endpoints', { method: 'POST', json });
      const body = (await response.json()) as { message: string; help: string };
      assert.equal(response.status, 400, JSON.stringify(json));
      assert.match(body.message, message);
      assert.equal(typeof body.help, 'string');
    }
    await assert.rejects(client.accounts.urlEndpoints.get('000000000000000000000000'), NotFoundError);
    await assert.rejects(
      client.accounts.urlEndpoints.create({ description: 'x', urlPrefix: 'a b' }),
      BadRequestError,
    );
    const response = await server.api('/_ml/keys', {
      method: 'POST',
      json: { kind: 'restricted', permission: 'ReadWrite' },
    });
    const restricted = new ImageKit({
      privateKey: ((await response.json()) as { privateKey: string }).privateKey,
      baseURL: server.url,
      maxRetries: 0,
    });
    assert.ok(Array.isArray(await restricted.accounts.urlEndpoints.list()));
    await assert.rejects(
      restricted.accounts.urlEndpoints.create({ description: 'x', urlPrefix: 'mine' }),
      PermissionDeniedError,
    );
  });
});
