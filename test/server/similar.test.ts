import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { Embedder } from '../../src/server/ai/providers.js';
import { upload } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** A scene: a sky-to-grass gradient, a sun and a house. */
const scene = () =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
      <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
        <stop offset="0" stop-color="#3a8ee6"/><stop offset="1" stop-color="#2e7d32"/></linearGradient></defs>
      <rect width="400" height="300" fill="url(#g)"/>
      <circle cx="310" cy="70" r="45" fill="#ffd600"/>
      <rect x="60" y="150" width="140" height="110" fill="#8d4004"/>
      <polygon points="50,150 130,80 210,150" fill="#b71c1c"/>
    </svg>`),
  )
    .png()
    .toBuffer();

/** Something else entirely: diagonal stripes. */
const stripes = () =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300">
      <rect width="300" height="300" fill="#f5f5f5"/>
      ${Array.from({ length: 12 }, (_, i) => `<rect x="${i * 25}" y="0" width="12" height="300" fill="#222" transform="rotate(20 150 150)"/>`).join('')}
    </svg>`),
  )
    .png()
    .toBuffer();

const checkerboard = () =>
  sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240">
      ${Array.from({ length: 64 }, (_, i) => `<rect x="${(i % 8) * 30}" y="${Math.floor(i / 8) * 30}" width="30" height="30" fill="${(i + Math.floor(i / 8)) % 2 ? '#e91e63' : '#fff59d'}"/>`).join('')}
    </svg>`),
  )
    .png()
    .toBuffer();

interface Similar {
  method: string;
  similar: Array<{ file: { fileId: string; name: string }; distance: number }>;
}

describe('similar images', () => {
  let server: TestServer;
  const ids: Record<string, string> = {};
  const put = async (folder: string, name: string, bytes: Buffer) => {
    const response = await upload(server, {
      file: { bytes, name },
      fields: { fileName: name, folder, useUniqueFileName: 'false' },
    });
    assert.equal(response.status, 200, await response.clone().text());
    ids[name] = ((await response.json()) as { fileId: string }).fileId;
  };

  before(async () => {
    server = await startTestServer();
    const original = await scene();
    await put('/sim/a', 'house.png', original);
    // Recoloured (hue turned, darker) and resized to half, as a JPEG.
    await put(
      '/sim/b',
      'house-recoloured.jpg',
      await sharp(original)
        .modulate({ hue: 120, brightness: 0.8 })
        .resize(200)
        .jpeg({ quality: 70 })
        .toBuffer(),
    );
    await put('/sim/a', 'stripes.png', await stripes());
    await put('/sim/a', 'checks.png', await checkerboard());
    await put('/sim/private', 'house-copy.png', await sharp(original).resize(300).png().toBuffer());
    await put('/sim/a', 'notes.txt', Buffer.from('not an image'));
  });
  after(() => server.close());

  const similarTo = async (name: string, init: Parameters<TestServer['api']>[1] = {}) => {
    const response = await server.api(`/_ml/files/${ids[name]}/similar`, init);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Similar;
  };

  it('ranks a recoloured, resized copy above unrelated images', async () => {
    const { method, similar } = await similarTo('house.png');
    assert.equal(method, 'signature');
    const names = similar.map((s) => s.file.name);
    assert.deepEqual(names.slice(0, 2).sort(), ['house-copy.png', 'house-recoloured.jpg']);
    const distance = (name: string) => similar.find((s) => s.file.name === name)!.distance;
    assert.ok(distance('house-recoloured.jpg') < distance('stripes.png'), JSON.stringify(similar));
    assert.ok(distance('house-recoloured.jpg') < distance('checks.png'), JSON.stringify(similar));
    assert.ok(!names.includes('house.png') && !names.includes('notes.txt'));
  });

  it('signs images uploaded before signatures existed, the asked one at once and the rest in the background', async () => {
    await server.catalog().deleteFrom('image_signatures').execute();
    const first = await similarTo('house-recoloured.jpg');
    assert.equal(first.method, 'signature');
    // The others are signed off the request path; within moments they rank again.
    let names: string[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      names = (await similarTo('house-recoloured.jpg')).similar.map((s) => s.file.name);
      if (names.length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(names.slice(0, 2).sort(), ['house-copy.png', 'house.png']);
    const rows = await server.catalog().selectFrom('image_signatures').select('version_id').execute();
    assert.equal(rows.length, 5, 'every image signed again, the text file not');
    const limited = await server.api(`/_ml/files/${ids['house.png']}/similar?limit=1`);
    assert.equal(((await limited.json()) as Similar).similar.length, 1);
  });

  it('shows a restricted member only what it may see', async () => {
    const id = await addUser(server, { email: 'sim@example.com', role: 'member' });
    await grant(server, { type: 'user', id }, '/sim/a', 'view');
    await grant(server, { type: 'user', id }, '/sim/b', 'view');
    const member = await signIn(server, 'sim@example.com');
    const response = await member.call(`/_ml/files/${ids['house.png']}/similar`);
    assert.equal(response.status, 200, await response.clone().text());
    const names = ((await response.json()) as Similar).similar.map((s) => s.file.name);
    assert.equal(names[0], 'house-recoloured.jpg');
    assert.ok(!names.includes('house-copy.png'));
    // A file it cannot see is not found for it.
    assert.equal((await member.call(`/_ml/files/${ids['house-copy.png']}/similar`)).status, 404);
  });

  it('refuses files that are not images with a 400, and unknown files with a 404', async () => {
    const response = await server.api(`/_ml/files/${ids['notes.txt']}/similar`);
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { message: string }).message, /not an image/);
    assert.equal((await server.api('/_ml/files/nope/similar')).status, 404);
    assert.equal((await server.api(`/_ml/files/${ids['house.png']}/similar?limit=0`)).status, 400);
  });
});

describe('similar images with an embedder', () => {
  let server: TestServer;
  before(async () => {
    // An embedder the operator could plug in: here the image's mean colour, enough to see the vectors used.
    const embedder: Embedder = {
      model: 'mean-colour-test',
      async embed(image) {
        const { channels } = await sharp(image.bytes).stats();
        return Float32Array.from(channels.slice(0, 3).map((c) => c.mean + 1));
      },
    };
    server = await startTestServer(
      {},
      {
        beforeListen: async (_app, context) => {
          context.ai.embedder = embedder;
        },
      },
    );
  });
  after(() => server.close());

  it('ranks by cosine distance between the stored vectors', async () => {
    const ids: string[] = [];
    for (const [name, colour] of [
      ['red.png', { r: 230, g: 20, b: 20 }],
      ['dark-red.png', { r: 120, g: 10, b: 10 }],
      ['blue.png', { r: 20, g: 20, b: 230 }],
    ] as const) {
      const bytes = await sharp({ create: { width: 32, height: 32, channels: 3, background: colour } })
        .png()
        .toBuffer();
      const response = await upload(server, { file: { bytes, name }, fields: { fileName: name } });
      ids.push(((await response.json()) as { fileId: string }).fileId);
    }
    // Uploads are signed (and embedded) just after their answer: wait for all three.
    let body: Similar = { method: '', similar: [] };
    for (let attempt = 0; attempt < 100 && body.similar.length < 2; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      body = (await (await server.api(`/_ml/files/${ids[0]}/similar`)).json()) as Similar;
    }
    assert.equal(body.method, 'embedding');
    assert.deepEqual(
      body.similar.map((s) => s.file.name.replace(/_[^.]+/, '')),
      ['dark-red.png', 'blue.png'],
    );
  });
});
