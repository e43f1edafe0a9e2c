import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

describe('media-library seed', () => {
  let dataDir: string;
  let server: TestServer;
  let output: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'media-library-seed-'));
    const env = {
      MEDIA_LIBRARY_PUBLIC_KEY: testKeys.publicKey,
      MEDIA_LIBRARY_PRIVATE_KEY: testKeys.privateKey,
    };
    const seeded = await runCli(['seed', '--data', dataDir], env);
    assert.equal(seeded.code, 0, seeded.stderr);
    output = seeded.stdout;
    server = await startTestServer({ dataDir });
  });

  after(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const search = async (query: string) => {
    const response = await server.api(`/v1/files?limit=1000&searchQuery=${encodeURIComponent(query)}`);
    assert.equal(response.status, 200);
    return (await response.json()) as Array<Record<string, unknown>>;
  };

  it('fills an empty library with a few hundred images and a few PDFs', async () => {
    assert.match(output, /Added 305 sample files/);
    const images = await search('fileType = "image"');
    assert.ok(images.length >= 300, `${images.length} images`);
    const pdfs = await search('mime = "application/pdf"');
    assert.equal(pdfs.length, 5);
    assert.ok(pdfs.every((f) => String(f.filePath).startsWith('/documents/')));
  });

  it('nests folders and spreads dates, with tags, custom metadata and alt text', async () => {
    const response = await server.api('/v1/files?type=folder&path=/campaigns/2024');
    const folders = (await response.json()) as Array<{ name: string }>;
    assert.deepEqual(folders.map((f) => f.name).sort(), ['black-friday', 'summer-sale']);
    const recent = await search('createdAt > "7d" AND type = "file"');
    const all = await search('type = "file"');
    assert.ok(
      recent.length > 0 && recent.length < all.length / 2,
      `${recent.length} of ${all.length} this week`,
    );
    const priced = await search('"customMetadata.price" >= 100');
    assert.ok(priced.length > 0);
    assert.ok(priced.every((f) => String(f.filePath).startsWith('/products/')));
    const tagged = await search('tags IN ["landscape"]');
    assert.ok(tagged.length >= 30);
    assert.ok(tagged.every((f) => typeof f.description === 'string' && f.description !== ''));
  });

  it('stores real images: a logo with transparency decodes at its size', async () => {
    const [logo] = await search('name = "logo-primary.png"');
    assert.ok(logo);
    assert.equal(logo.hasAlpha, true);
    const bytes = Buffer.from(await (await fetch(String(logo.url))).arrayBuffer());
    const metadata = await sharp(bytes).metadata();
    assert.deepEqual([metadata.width, metadata.height, metadata.hasAlpha], [512, 512, true]);
  });

  it('leaves a library with files alone unless told --force', async () => {
    await server.close();
    const again = await runCli(['seed', '--data', dataDir]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already has files; add --force/);
    server = await startTestServer({ dataDir });
    const files = await search('type = "file"');
    assert.equal(files.length, 305);
  });
});
