// Usage analytics (`/v1/accounts/usage-analytics`, @imagekit/nodejs 7's `accounts.usageAnalytics`):
// every delivery counted per day and dimension, in the catalog, and bandwidth in `/v1/accounts/usage`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import ImageKit, { BadRequestError } from '@imagekit/nodejs';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

const chrome =
  'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile Safari/604.1';

describe('usage analytics', () => {
  let server: TestServer;
  let client: ImageKit;
  before(async () => {
    server = await startTestServer();
    client = new ImageKit({ privateKey: testKeys.privateKey, baseURL: server.url, maxRetries: 0 });
  });
  after(() => server.close());

  it('counts deliveries by status, format, browser, device, referrer, file, transformation and endpoint', async () => {
    const uploaded = await upload(server, {
      file: { bytes: await png(200, 100), name: 'u.png', type: 'image/png' },
      fields: { fileName: 'u.png', folder: '/usage', useUniqueFileName: 'false' },
    });
    assert.equal(uploaded.status, 200);
    await client.accounts.urlEndpoints.create({ description: 'CDN', urlPrefix: 'cdn' });
    const get = async (path: string, agent: string, referer?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        headers: { 'user-agent': agent, ...(referer && { referer }) },
      });
      const bytes = (await response.arrayBuffer()).byteLength;
      return { status: response.status, bytes };
    };
    const original = await get('/usage/u.png', chrome, 'https://shop.example/products?id=1');
    const small = await get('/usage/u.png?tr=w-50', iphone);
    const smallAgain = await get('/tr:w-50/usage/u.png', iphone);
    const viaEndpoint = await get('/cdn/usage/u.png', chrome);
    const missing = await get('/usage/none.png', chrome);
    assert.deepEqual(
      [original.status, small.status, smallAgain.status, viaEndpoint.status, missing.status],
      [200, 200, 200, 200, 404],
    );
    const today = new Date().toISOString().slice(0, 10);
    const usage = await client.accounts.usageAnalytics.get({ startDate: today, endDate: today });
    assert.equal(usage.requestCount, 5);
    const sent = original.bytes + small.bytes + smallAgain.bytes + viaEndpoint.bytes + missing.bytes;
    assert.equal(usage.bandwidthBytes, sent);
    assert.deepEqual(usage.statusCodes, [
      { name: '200', requestCount: 4 },
      { name: '404', requestCount: 1 },
    ]);
    assert.deepEqual(usage.errorReasons, [{ name: 'NOT_FOUND', requestCount: 1 }]);
    assert.deepEqual(usage.top404Assets, [{ name: '/usage/none.png', requestCount: 1 }]);
    assert.deepEqual(usage.cache, { hitCount: 1, missCount: 1, errorCount: 0 });
    const names = (ranked: { byRequests: Array<{ name: string; requestCount: number }> }) =>
      Object.fromEntries(ranked.byRequests.map((e) => [e.name, e.requestCount]));
    assert.deepEqual(names(usage.browser), { Chrome: 3, Safari: 2 });
    assert.deepEqual(names(usage.device), { Desktop: 3, Mobile: 2 });
    assert.deepEqual(names(usage.topReferrers), { 'https://shop.example': 1 });
    assert.deepEqual(names(usage.urlEndpoints), { '/': 4, cdn: 1 });
    assert.deepEqual(names(usage.topImages), { '/usage/u.png': 4 });
    assert.deepEqual(names(usage.topImageTransforms), { 'w-50': 2 });
    assert.equal(names(usage.format).png, 4);
    assert.ok(usage.topImages.byBandwidth[0]!.bandwidthBytes > 0);

    const rows = await server
      .catalog()
      .selectFrom('delivery_usage')
      .selectAll()
      .where('day', '=', today)
      .execute();
    assert.ok(rows.length > 10, 'the counts are in the catalog');
    const plain = await client.accounts.usage.get({
      startDate: today,
      endDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
    });
    assert.equal(plain.bandwidthBytes, sent);

    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const before = await client.accounts.usageAnalytics.get({ startDate: yesterday, endDate: yesterday });
    assert.equal(before.requestCount, 0);
  });

  it('refuses a bad date range with {message, help}', async () => {
    for (const query of [
      '',
      '?startDate=2026-01-02',
      '?startDate=2026-1-2&endDate=2026-01-03',
      '?startDate=2026-02-01&endDate=2026-01-01',
      '?startDate=2026-01-01&endDate=2026-06-01',
    ]) {
      const response = await server.api(`/v1/accounts/usage-analytics${query}`);
      const body = (await response.json()) as { message: string; help: string };
      assert.equal(response.status, 400, query);
      assert.equal(typeof body.message, 'string');
      assert.equal(typeof body.help, 'string');
    }
    await assert.rejects(
      client.accounts.usageAnalytics.get({ startDate: 'x', endDate: 'y' }),
      BadRequestError,
    );
  });
});
