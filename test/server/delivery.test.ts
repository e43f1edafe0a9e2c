import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jpeg, png, upload } from '../helpers/fixtures.js';
import { rawGet } from '../helpers/http.js';
import { decode, fetchImage } from '../helpers/images.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

interface Uploaded {
  fileId: string;
  url: string;
  thumbnailUrl: string;
  filePath: string;
  versionInfo: { id: string };
}

async function put(
  server: TestServer,
  bytes: Buffer | string,
  fileName: string,
  fields: Record<string, string> = {},
) {
  const response = await upload(server, {
    file: { bytes, name: fileName },
    fields: { fileName, useUniqueFileName: 'false', ...fields },
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body as Uploaded;
}

/** ImageKit's URL signature, computed here independently of the server's code (imagekit-api.md §8). */
function sign(server: TestServer, url: string, expiresAt?: number): string {
  const expiry = expiresAt ?? 9999999999;
  const relative = url.replace(`${server.url}/`, '');
  const signature = createHmac('sha1', testKeys.privateKey)
    .update(relative + expiry)
    .digest('hex');
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}${expiresAt ? `ik-t=${expiresAt}&` : ''}ik-s=${signature}`;
}

async function bodyOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

async function expectJsonError(response: Response, status: number, message: RegExp) {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.match(body.message, message);
  assert.equal(typeof body.help, 'string');
}

describe('delivery of originals', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('serves every URL shape the API hands out: url, thumbnail, thumbnailUrl and tr before the name', async () => {
    const bytes = await jpeg(600, 400);
    const uploaded = await put(server, bytes, 'shoe.jpg', { folder: '/shop/summer' });
    const file = await (await server.api(`/v1/files/${uploaded.fileId}/details`)).json();
    const original = await fetch(file.url);
    assert.equal(original.status, 200);
    assert.equal(original.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(await bodyOf(original), bytes, 'the original, byte for byte');
    assert.deepEqual(await bodyOf(await fetch(uploaded.url)), bytes);
    for (const thumbnail of [
      file.thumbnail,
      uploaded.thumbnailUrl,
      `${server.url}/shop/summer/tr:n-ik_ml_thumbnail/shoe.jpg`,
    ]) {
      const image = await fetchImage(thumbnail);
      assert.deepEqual([image.width, image.height, image.meta.format], [400, 267, 'webp'], thumbnail);
    }
  });

  it('serves names with spaces and non-Latin letters from their percent-encoded path', async () => {
    const bytes = await png(8, 8);
    const uploaded = await put(server, bytes, 'café menu.png', { folder: '/müsli' });
    assert.equal(uploaded.filePath, '/müsli/café_menu.png');
    assert.equal(uploaded.url, `${server.url}/m%C3%BCsli/caf%C3%A9_menu.png`);
    assert.deepEqual(await bodyOf(await fetch(uploaded.url)), bytes);
  });

  it('answers with a strong ETag, Last-Modified and caching headers, and 304 when nothing changed', async () => {
    const { url } = await put(server, await png(10, 10), 'cond.png');
    const first = await fetch(url);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^"[0-9a-f]{24}"$/);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=3600');
    assert.equal(first.headers.get('accept-ranges'), 'bytes');
    assert.equal(first.headers.get('x-content-type-options'), 'nosniff');
    const lastModified = first.headers.get('last-modified')!;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await fetch(url, { headers: { 'if-none-match': inm } });
      assert.equal(again.status, 304, inm);
      assert.equal(again.headers.get('etag'), etag);
      assert.equal((await bodyOf(again)).length, 0);
    }
    assert.equal((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status, 200);
    const since = await fetch(url, { headers: { 'if-modified-since': lastModified } });
    assert.equal(since.status, 304);
    const before = new Date(Date.parse(lastModified) - 60_000).toUTCString();
    const older = await fetch(url, { headers: { 'if-modified-since': before } });
    assert.equal(older.status, 200);
    await older.arrayBuffer();
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const bytes = await png(12, 12);
    const { url } = await put(server, bytes, 'head.png');
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String(bytes.length));
    assert.equal(head.headers.get('content-type'), 'image/png');
    assert.ok(head.headers.get('etag'));
    const derived = await fetch(`${url}?tr=w-6`, { method: 'HEAD' });
    assert.equal(derived.status, 200);
    const get = await fetch(`${url}?tr=w-6`);
    assert.equal(derived.headers.get('content-length'), String((await bodyOf(get)).length));
  });

  it('serves byte ranges: 206 for one range, 416 beyond the end, the whole file when If-Range is stale', async () => {
    const bytes = await jpeg(300, 200);
    const { url } = await put(server, bytes, 'range.jpg');
    const part = await fetch(url, { headers: { range: 'bytes=10-19' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 10-19/${bytes.length}`);
    assert.deepEqual(await bodyOf(part), bytes.subarray(10, 20));
    const tail = await fetch(url, { headers: { range: 'bytes=-5' } });
    assert.deepEqual(await bodyOf(tail), bytes.subarray(bytes.length - 5));
    const open = await fetch(url, { headers: { range: `bytes=${bytes.length - 3}-` } });
    assert.deepEqual(await bodyOf(open), bytes.subarray(bytes.length - 3));
    const beyond = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${bytes.length}`);
    await beyond.arrayBuffer();
    const etag = part.headers.get('etag')!;
    const fresh = await fetch(url, { headers: { range: 'bytes=0-3', 'if-range': etag } });
    assert.equal(fresh.status, 206);
    await fresh.arrayBuffer();
    const stale = await fetch(url, { headers: { range: 'bytes=0-3', 'if-range': '"stale"' } });
    assert.equal(stale.status, 200);
    assert.equal((await bodyOf(stale)).length, bytes.length);
    const multi = await fetch(url, { headers: { range: 'bytes=0-1,5-6' } });
    assert.equal(multi.status, 200, 'several ranges: the whole file');
    await multi.arrayBuffer();
    const derived = await fetch(`${url}?tr=w-50`, { headers: { range: 'bytes=0-9' } });
    assert.equal(derived.status, 206);
    assert.equal((await bodyOf(derived)).length, 10);
  });

  it('serves an older version by ik-v or by the version URL the API lists, cached as immutable', async () => {
    const v1 = await png(10, 10);
    const v2 = await png(20, 20);
    const first = await put(server, v1, 'versioned.png');
    const second = await put(server, v2, 'versioned.png');
    assert.equal(first.fileId, second.fileId);
    assert.deepEqual(await bodyOf(await fetch(second.url)), v2, 'the plain URL is the current version');
    const pinned = await fetch(`${first.url}?ik-v=${first.versionInfo.id}`);
    assert.deepEqual(await bodyOf(pinned), v1);
    assert.equal(pinned.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const listed = await (await server.api('/v1/files?type=file-version')).json();
    const old = listed.find(
      (f: { versionInfo: { id: string } }) => f.versionInfo.id === first.versionInfo.id,
    );
    assert.match(old.url, /ik-obj-version=/);
    assert.deepEqual(await bodyOf(await fetch(old.url)), v1);
    const oldThumb = await fetchImage(old.thumbnail);
    assert.equal(oldThumb.width, 10, 'the old version’s thumbnail, not the current one’s');
    await expectJsonError(
      await fetch(`${first.url}?ik-v=000000000000000000000000`),
      404,
      /version does not exist/,
    );
  });

  it('lets browsers keep the thumbnails of the URLs the API lists for a day, and no others', async () => {
    const { fileId } = await put(server, await png(40, 40), 'cached.png', { folder: '/cache' });
    const listed = async (id: string) => {
      const file = await (await server.api(`/v1/files/${id}/details`)).json();
      return file as { url: string; thumbnail: string; updatedAt: string };
    };
    const file = await listed(fileId);
    assert.match(file.thumbnail, /[?&]updatedAt=\d+&tr=n-ik_ml_thumbnail$/);
    const long = 'public, max-age=86400, stale-while-revalidate=604800';
    for (const url of [file.thumbnail, `${file.url}&tr=w-200,h-200,c-at_max,f-webp,q-75`, file.url]) {
      const response = await fetch(url);
      assert.equal(response.status, 200, url);
      assert.equal(response.headers.get('cache-control'), long, url);
      await response.arrayBuffer();
      // A 304 says the same, so a revalidated copy stays cached as long.
      const again = await fetch(url, { headers: { 'if-none-match': response.headers.get('etag')! } });
      assert.equal(again.status, 304);
      assert.equal(again.headers.get('cache-control'), long);
    }
    // Without the cache-buster, or with one the file has moved past, an hour as before.
    const stale = file.thumbnail.replace(/updatedAt=\d+/, 'updatedAt=1');
    for (const url of [file.thumbnail.replace(/updatedAt=\d+&/, ''), stale]) {
      const response = await fetch(url);
      assert.equal(response.headers.get('cache-control'), 'public, max-age=3600', url);
      await response.arrayBuffer();
    }
    // A private file's thumbnail (served through the named transformation) is never kept long.
    const secret = await put(server, await png(20, 20), 'cached-secret.png', {
      folder: '/cache',
      isPrivateFile: 'true',
    });
    const hidden = await fetch((await listed(secret.fileId)).thumbnail);
    assert.equal(hidden.status, 200);
    assert.equal(hidden.headers.get('cache-control'), 'public, max-age=3600');
    await hidden.arrayBuffer();
  });

  it('keeps unpublished files from the public, and serves them to a signed URL', async () => {
    const { url } = await put(server, await png(10, 10), 'draft.png', { isPublished: 'false' });
    await expectJsonError(await fetch(url), 404, /does not exist/);
    await expectJsonError(await fetch(`${url}?tr=n-ik_ml_thumbnail`), 404, /does not exist/);
    const signed = await fetch(sign(server, url));
    assert.equal(signed.status, 200);
    assert.match(signed.headers.get('cache-control')!, /^private, max-age=\d+$/);
    await signed.arrayBuffer();
  });

  it('needs a valid, unexpired signature for private originals and unnamed transformations', async () => {
    const bytes = await png(30, 30);
    const { url } = await put(server, bytes, 'secret.png', { isPrivateFile: 'true', folder: '/private' });
    await expectJsonError(await fetch(url), 401, /must be signed with ik-s/);
    await expectJsonError(await fetch(`${url}?tr=w-10`), 401, /must be signed/);
    await expectJsonError(await fetch(`${url}?tr=n-ik_ml_thumbnail,w-10`), 401, /must be signed/);

    assert.deepEqual(await bodyOf(await fetch(sign(server, url))), bytes);
    const soon = Math.floor(Date.now() / 1000) + 600;
    const expiring = await fetch(sign(server, url, soon));
    assert.equal(expiring.status, 200);
    const maxAge = Number(/max-age=(\d+)/.exec(expiring.headers.get('cache-control')!)![1]);
    assert.ok(maxAge > 0 && maxAge <= 600, 'a signed response is cached no longer than its signature lives');
    await expiring.arrayBuffer();
    const transformed = await fetchImage(sign(server, `${url}?tr=w-10`));
    assert.equal(transformed.width, 10);
    const pathForm = await fetchImage(sign(server, `${server.url}/tr:w-12/private/secret.png`));
    assert.equal(pathForm.width, 12);

    await expectJsonError(await fetch(sign(server, url, Math.floor(Date.now() / 1000) - 1)), 401, /expired/);
    const tampered = sign(server, `${url}?tr=w-10`).replace('tr=w-10', 'tr=w-20');
    await expectJsonError(await fetch(tampered), 401, /does not match/);
    const otherKey = `${url}?ik-s=${createHmac('sha1', 'not_our_key').update('private/secret.png9999999999').digest('hex')}`;
    await expectJsonError(await fetch(otherKey), 401, /does not match/);
  });

  it('serves named transformations of private files unsigned, as ImageKit does', async () => {
    const { url, thumbnailUrl } = await put(server, await png(500, 300), 'locked.png', {
      isPrivateFile: 'true',
    });
    const thumb = await fetchImage(thumbnailUrl);
    assert.deepEqual([thumb.width, thumb.height], [400, 240]);
    assert.equal((await fetchImage(`${url}?tr=n-ik_ml_thumbnail`)).width, 400);
  });

  it('serves SVG with a script-blocking CSP and active content as a sandboxed download', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script></svg>';
    const svgUrl = (await put(server, svg, 'icon.svg')).url;
    const svgResponse = await fetch(svgUrl);
    assert.equal(svgResponse.headers.get('content-type'), 'image/svg+xml');
    assert.equal(
      svgResponse.headers.get('content-security-policy'),
      "default-src 'none'; style-src 'unsafe-inline'",
    );
    assert.equal(svgResponse.headers.get('x-content-type-options'), 'nosniff');
    assert.match(svgResponse.headers.get('content-disposition')!, /^attachment; filename="icon.svg"/);
    assert.equal(await svgResponse.text(), svg);

    const html = '<html><script>document.cookie</script></html>';
    const htmlResponse = await fetch((await put(server, html, 'page.html')).url);
    assert.equal(htmlResponse.headers.get('content-type'), 'text/html');
    assert.match(htmlResponse.headers.get('content-disposition')!, /^attachment; filename="page.html"/);
    assert.match(htmlResponse.headers.get('content-security-policy')!, /sandbox/);
    assert.equal(htmlResponse.headers.get('x-content-type-options'), 'nosniff');
    await htmlResponse.arrayBuffer();

    const pdf = await fetch((await put(server, '%PDF-1.4\n%%EOF\n', 'doc.pdf')).url);
    assert.equal(pdf.headers.get('content-disposition'), null, 'PDFs open in the browser');
    await pdf.arrayBuffer();
  });

  it('never shadows the APIs: their unknown paths are the API’s JSON 404', async () => {
    for (const path of ['/v1/nothing', '/api/v2/files/upload', '/_ml/nothing', '/v1']) {
      await expectJsonError(await fetch(server.url + path), 404, /There is no GET/);
    }
    await expectJsonError(
      await fetch(`${server.url}/missing/file.jpg`),
      404,
      /The requested file does not exist/,
    );
    // `/` itself opens the DAM app (docs/app.md).
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/app/');
    const post = await fetch(`${server.url}/shop/summer/shoe.jpg`, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
  });

  it('never leaves the catalog for `..`, encoded slashes or bad escapes', async () => {
    for (const path of [
      '/../library.db',
      '/..%2Flibrary.db',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/blobs/..%2F..%2Flibrary.db',
      '/tr:w-10/..%2flibrary.db',
      '/a%5C..%5Clibrary.db',
      '/%E0%A4%A',
      '/shop/%00.jpg',
    ]) {
      const { status, body } = await rawGet(server.url, path);
      assert.ok(status === 400 || status === 404, `${path}: ${status}`);
      assert.doesNotMatch(body, /SQLite format/);
      assert.equal(typeof JSON.parse(body).message, 'string', path);
      assert.equal(typeof JSON.parse(body).help, 'string', path);
    }
  });
});

describe('derived images: cache, single flight, purge and clean-up', () => {
  let server: TestServer;
  const renders = () => server.server.context.derivedImages.renders;
  const settled = () => server.server.context.derivedImages.settled();
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** Whether the version has renditions in storage (its disk or its bucket). */
  const hasDerived = async (versionId: string) =>
    (await server.blobKeys(`derived/originals/${versionId.slice(-2)}/${versionId}`)).length > 0;

  it('renders once, then serves the stored copy; a 304 needs no render at all', async () => {
    const { url, versionInfo } = await put(server, await jpeg(800, 600), 'cached.jpg');
    const before = renders();
    const first = await fetchImage(`${url}?tr=w-120`);
    assert.equal(renders(), before + 1);
    // The stored copy is written behind the first response.
    await settled();
    assert.ok(await hasDerived(versionInfo.id));
    const second = await fetchImage(`${url}?tr=w-120`);
    assert.equal(renders(), before + 1, 'no second render');
    assert.deepEqual(second.bytes, first.bytes);
    assert.equal(second.response.headers.get('etag'), first.response.headers.get('etag'));
    const synonym = await fetchImage(`${url}?tr=w-120,c-maintain_ratio,fo-center`);
    assert.equal(renders(), before + 1, 'the same transformation, spelt differently, is the same entry');
    assert.deepEqual(synonym.bytes, first.bytes);
    const notModified = await fetch(`${url}?tr=w-121`, { headers: { 'if-none-match': '*' } });
    assert.equal(notModified.status, 304);
    assert.equal(renders(), before + 1);
  });

  it('renders an image once however many ask for it at the same moment', async () => {
    const { url } = await put(server, await jpeg(2400, 1600), 'crowd.jpg');
    const before = renders();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () =>
        fetch(`${url}?tr=w-300,bl-3`).then(async (r) => [r.status, await bodyOf(r)] as const),
      ),
    );
    assert.equal(renders(), before + 1);
    for (const [status, bytes] of responses) {
      assert.equal(status, 200);
      assert.deepEqual(bytes, responses[0]![1]);
    }
    assert.equal((await decode(responses[0]![1])).width, 300);
  });

  it('drops derived images with their file, and with their folder', async () => {
    const file = await put(server, await png(50, 50), 'doomed.png', { folder: '/doomed' });
    await fetchImage(`${file.url}?tr=w-10`);
    await settled();
    assert.ok(await hasDerived(file.versionInfo.id));
    assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 204);
    assert.ok(!(await hasDerived(file.versionInfo.id)));
    await expectJsonError(await fetch(`${file.url}?tr=w-10`), 404, /does not exist/);

    const inFolder = await put(server, await png(50, 50), 'also.png', { folder: '/doomed/deeper' });
    await fetchImage(`${inFolder.url}?tr=w-12`);
    await settled();
    assert.ok(await hasDerived(inFolder.versionInfo.id));
    assert.equal(
      (await server.api('/v1/folder', { method: 'DELETE', json: { folderPath: '/doomed' } })).status,
      204,
    );
    assert.ok(!(await hasDerived(inFolder.versionInfo.id)));
  });

  it('leaves no rendition behind when the file is deleted while it is being stored', async () => {
    const file = await put(server, await jpeg(1600, 1200), 'racing.jpg');
    const rendering = fetch(`${file.url}?tr=w-500`).then((r) => r.arrayBuffer());
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await server.api(`/v1/files/${file.fileId}`, { method: 'DELETE' })).status, 204);
    await rendering.catch(() => undefined);
    await settled();
    assert.ok(!(await hasDerived(file.versionInfo.id)));
  });

  it('purges one transformed URL, a whole file, or everything under a path, and reports Completed', async () => {
    const a = await put(server, await jpeg(300, 200), 'a.jpg', { folder: '/purge' });
    const b = await put(server, await jpeg(300, 200), 'b.jpg', { folder: '/purge/sub' });
    const warm = async (url: string) => {
      await fetchImage(url);
      await settled();
    };
    const aSmall = `${a.url}?tr=w-30`;
    const bSmall = `${b.url}?tr=w-30`;
    await warm(aSmall);
    await warm(bSmall);
    await warm(`${a.url}?tr=w-40`);

    const purge = async (url: string) => {
      const response = await server.api('/v1/files/purge', { method: 'POST', json: { url } });
      const body = await response.json();
      assert.equal(response.status, 201, JSON.stringify(body));
      assert.match(body.requestId, /^[0-9a-f]{24}$/);
      return body.requestId as string;
    };
    const requestId = await purge(aSmall);
    const status = await server.api(`/v1/files/purge/${requestId}`);
    assert.deepEqual(await status.json(), { status: 'Completed' });

    let before = renders();
    await warm(aSmall);
    assert.equal(renders(), before + 1, 'the purged rendition is rendered again');
    await warm(`${a.url}?tr=w-40`);
    assert.equal(renders(), before + 1, 'the other rendition was kept');

    await purge(a.url);
    before = renders();
    await warm(`${a.url}?tr=w-40`);
    assert.equal(renders(), before + 1, 'purging the file URL drops all its renditions');

    await purge(`${server.url}/purge/*`);
    before = renders();
    await warm(aSmall);
    await warm(bSmall);
    assert.equal(renders(), before + 2, 'a wildcard reaches subfolders');
  });

  it('a purge waits for a rendition still being stored, which would otherwise outlive it', async () => {
    const file = await put(server, await jpeg(300, 200), 'slow.jpg', { folder: '/purge-race' });
    const storage = server.server.context.storage;
    const write = storage.write.bind(storage);
    // Stores behind the response land late, as on a loaded machine.
    storage.write = async (key, bytes) => {
      if (key.startsWith('derived/')) await new Promise((resolve) => setTimeout(resolve, 300));
      return write(key, bytes);
    };
    try {
      await fetchImage(`${file.url}?tr=w-50`);
      const response = await server.api('/v1/files/purge', {
        method: 'POST',
        json: { url: `${server.url}/purge-race/*` },
      });
      assert.equal(response.status, 201);
      await settled();
      const before = renders();
      await fetchImage(`${file.url}?tr=w-50`);
      assert.equal(renders(), before + 1, 'the rendition stored during the purge is gone');
    } finally {
      storage.write = write;
    }
  });

  it('refuses bad purge requests and unknown request ids', async () => {
    for (const url of ['not a url', 'ftp://x/y.jpg', '']) {
      await expectJsonError(
        await server.api('/v1/files/purge', { method: 'POST', json: { url } }),
        400,
        /url/,
      );
    }
    await expectJsonError(
      await server.api('/v1/files/purge', { method: 'POST', json: {} }),
      400,
      /missing the url/,
    );
    await expectJsonError(
      await server.api('/v1/files/purge', { method: 'POST', json: { url: `${server.url}/x.jpg?tr=w-abc` } }),
      400,
      /w-abc/,
    );
    await expectJsonError(
      await server.api('/v1/files/purge/0123456789abcdef01234567'),
      404,
      /No purge request/,
    );
    await expectJsonError(
      await server.api('/v1/files/purge', { method: 'POST', json: { url: 'x' }, key: null }),
      401,
      /private API key/,
    );
  });
});
