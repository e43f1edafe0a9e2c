import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ServerConfig } from '../../src/server/config.js';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** Issue 18, item 8: what an unauthenticated delivery URL can make the server spend. */

async function withServer(
  options: Partial<ServerConfig>,
  work: (server: TestServer, url: string) => Promise<void>,
) {
  const server = await startTestServer(options);
  try {
    const response = await upload(server, {
      file: { bytes: await png(64, 64), name: 'square.png', type: 'image/png' },
      fields: { fileName: 'square.png', useUniqueFileName: 'false' },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    await work(server, body.url as string);
  } finally {
    await server.close();
  }
}

async function get(url: string) {
  const response = await fetch(url);
  const bytes = Buffer.from(await response.arrayBuffer());
  const body = response.headers.get('content-type')?.includes('json')
    ? JSON.parse(bytes.toString())
    : undefined;
  return { status: response.status, headers: response.headers, bytes, body };
}

/** ImageKit's URL signature, computed here independently of the server's code. */
function sign(server: TestServer, url: string): string {
  const relative = url.replace(`${server.url}/`, '');
  const signature = createHmac('sha1', testKeys.privateKey).update(`${relative}9999999999`).digest('hex');
  return `${url}${url.includes('?') ? '&' : '?'}ik-s=${signature}`;
}

describe('render limits', () => {
  it('refuses an output past the configured pixel count, and a chain past the configured length', async () => {
    await withServer({ maxTransformPixels: 10_000, maxTransformSteps: 2 }, async (_server, url) => {
      const big = await get(`${url}?tr=w-200,h-200`);
      assert.equal(big.status, 400);
      assert.equal(big.body.reason, 'TRANSFORMATION_TOO_LARGE');
      assert.match(
        big.body.message,
        /200×200 image \(40000 pixels\); this server makes images of up to 10000 pixels/,
      );
      assert.equal((await get(`${url}?tr=w-100,h-100`)).status, 200);
      const long = await get(`${url}?tr=rt-90:rt-90:rt-90`);
      assert.equal(long.status, 400);
      assert.match(long.body.message, /at most 2 steps; this one has 3/);
    });
  });

  it('refuses a render whose memory estimate exceeds what renders may hold', async () => {
    await withServer({ renderMemoryBytes: 40 * 1024 ** 2 }, async (_server, url) => {
      // AVIF's encoder holds about 21 bytes a pixel: 4 megapixels need some 100 MB.
      const avif = await get(`${url}?tr=w-2000,h-2000,f-avif`);
      assert.equal(avif.status, 400);
      assert.equal(avif.body.reason, 'TRANSFORMATION_TOO_LARGE');
      assert.match(
        avif.body.message,
        /needs about \d+ MB to render; this server gives renders 40 MB \(MEDIA_LIBRARY_RENDER_MEMORY\)/,
      );
      assert.equal(
        (await get(`${url}?tr=w-2000,h-2000`)).status,
        200,
        'a baseline PNG of the same size streams',
      );
    });
  });

  it('answers 503 with Retry-After when every render slot and the queue are taken', async () => {
    await withServer({ renderConcurrency: 1, renderQueueLength: 1 }, async (server, url) => {
      const queue = server.server.context.renderQueue;
      let free!: () => void;
      const holding = new Promise<void>((resolve) => {
        free = resolve;
      });
      // One render running and one waiting, held here for as long as the test needs.
      const running = queue.run(() => holding);
      const waiting = queue.run(async () => {});
      const refused = await get(`${url}?tr=w-30`);
      assert.equal(refused.status, 503);
      assert.equal(refused.body.reason, 'RENDER_QUEUE_FULL');
      assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);
      free();
      await Promise.all([running, waiting]);
      assert.equal((await get(`${url}?tr=w-30`)).status, 200);
    });
  });

  it('gives each client a budget of uncached renders: 429 past it, cached ones free', async () => {
    await withServer({ renderBudget: { limit: 2, intervalMs: 60_000 } }, async (server, url) => {
      assert.equal((await get(`${url}?tr=w-10`)).status, 200);
      assert.equal((await get(`${url}?tr=w-11`)).status, 200);
      const third = await get(`${url}?tr=w-12`);
      assert.equal(third.status, 429);
      assert.equal(third.body.reason, 'RENDER_BUDGET_EXCEEDED');
      assert.ok(Number(third.headers.get('retry-after')) > 0);
      await server.server.context.derivedImages.settled();
      assert.equal((await get(`${url}?tr=w-10`)).status, 200, 'a cached rendition costs nothing');
    });
  });

  it('refuses unnamed transformations when only named ones may render', async () => {
    await withServer({ restrictUnnamedTransformations: true }, async (_server, url) => {
      const unnamed = await get(`${url}?tr=w-20`);
      assert.equal(unnamed.status, 400);
      assert.equal(unnamed.body.reason, 'UNNAMED_TRANSFORMATION_RESTRICTED');
      assert.match(unnamed.body.message, /MEDIA_LIBRARY_RESTRICT_UNNAMED_TRANSFORMATIONS/);
      assert.equal(
        (await get(`${url}?tr=n-ik_ml_thumbnail,w-20`)).status,
        400,
        'a named one mixed with others',
      );
      assert.equal((await get(`${url}?tr=n-ik_ml_thumbnail`)).status, 200);
      assert.equal((await get(url)).status, 200, 'the original is no transformation');
    });
  });

  it('requires a signature for transformations when configured, named ones excepted', async () => {
    await withServer({ signedTransformations: true }, async (server, url) => {
      const unsigned = await get(`${url}?tr=w-20`);
      assert.equal(unsigned.status, 401);
      assert.equal(unsigned.body.reason, 'SIGNATURE_REQUIRED');
      assert.match(unsigned.body.message, /MEDIA_LIBRARY_SIGNED_TRANSFORMATIONS/);
      assert.equal((await get(sign(server, `${url}?tr=w-20`))).status, 200);
      assert.equal((await get(`${url}?tr=n-ik_ml_thumbnail`)).status, 200);
      assert.equal((await get(url)).status, 200);
    });
  });

  it('keeps the rendition cache within its budget, evicting the least recently served first', async () => {
    // A uniform square turned four ways: four renditions of one size.
    const turns = ['rt-90', 'rt-180', 'rt-270', 'fl-h'];
    let size = 0;
    await withServer({}, async (_server, url) => {
      size = (await get(`${url}?tr=${turns[0]}`)).bytes.length;
    });
    await withServer({ renditionCacheBytes: Math.floor(size * 3.5) }, async (server, url) => {
      const keys = async () => server.blobKeys('derived');
      /** Renders `tr` and answers the key of the rendition it stored, if it stored a new one. */
      const render = async (tr: string) => {
        const before = await keys();
        assert.equal((await get(`${url}?tr=${tr}`)).status, 200);
        await server.server.context.derivedImages.settled();
        return (await keys()).find((key) => !before.includes(key));
      };
      const counted = async () => {
        const rows = await server.catalog().selectFrom('renditions').select('size').execute();
        return rows.reduce((sum, r) => sum + Number(r.size), 0);
      };
      const first = await render(turns[0]!);
      const second = await render(turns[1]!);
      const third = await render(turns[2]!);
      assert.equal((await keys()).length, 3);
      // The first is served again (from the cache), so the second is now the least recently used.
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await render(turns[0]!), undefined, 'served from the cache');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const fourth = await render(turns[3]!);
      assert.deepEqual((await keys()).sort(), [first, third, fourth].sort(), 'the second was evicted');
      assert.ok((await counted()) <= size * 3.5, 'the catalog counts what storage holds, within budget');
      assert.equal(server.server.context.derivedImages.renders, 4);
      assert.notEqual(second, undefined);
    });
  });
});
