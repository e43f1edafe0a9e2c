import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

describe('exact duplicates', () => {
  let server: TestServer;
  let bytes: Buffer;
  before(async () => {
    server = await startTestServer();
    bytes = await png(33, 21);
  });
  after(() => server.close());

  const put = async (folder: string, name: string, data = bytes) => {
    const response = await upload(server, {
      file: { bytes: data, name },
      fields: { fileName: name, folder },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { fileId: string; filePath: string };
  };
  const duplicatesOf = async (
    fileId: string,
    init: { key?: null; headers?: Record<string, string> } = {},
  ) => {
    const response = await server.api(`/_ml/files/${fileId}/duplicates`, init);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { duplicates: Array<{ fileId: string; filePath: string }> })
      .duplicates;
  };

  it('finds other files with the same bytes, by the hash taken at upload, within what the caller sees', async () => {
    const first = await put('/dup/a', 'logo.png');
    const second = await put('/dup/b', 'logo-copy.png');
    const third = await put('/dupsecret', 'logo-3.png');
    const other = await put('/dup/a', 'other.png', await png(34, 21));
    assert.deepEqual(
      (await duplicatesOf(first.fileId)).map((d) => d.fileId),
      [second.fileId, third.fileId],
    );
    assert.deepEqual(await duplicatesOf(other.fileId), []);

    const token = await sessionToken({ folder: '/dup/', access: 'read' });
    const scoped = await duplicatesOf(first.fileId, { key: null, headers: bearer(token) });
    assert.deepEqual(
      scoped.map((d) => d.fileId),
      [second.fileId],
    );

    // A trashed copy is no duplicate.
    await server.api(`/v1/files/${second.fileId}`, { method: 'DELETE' });
    assert.deepEqual(
      (await duplicatesOf(first.fileId)).map((d) => d.fileId),
      [third.fileId],
    );
  });

  it('answers, before an upload, which hashes the library has already', async () => {
    const sample = await png(35, 21);
    const stored = await put('/dup/pre', 'pre.png', sample);
    const hash = createHash('sha256').update(sample).digest('hex');
    const unknown = createHash('sha256').update('nothing').digest('hex');
    const response = await server.api('/_ml/duplicates', {
      method: 'POST',
      json: { hashes: [hash, unknown] },
    });
    assert.equal(response.status, 200);
    const { matches } = (await response.json()) as { matches: Record<string, Array<{ fileId: string }>> };
    assert.deepEqual(Object.keys(matches), [hash]);
    assert.equal(matches[hash]?.[0]?.fileId, stored.fileId);

    const bad = await server.api('/_ml/duplicates', { method: 'POST', json: { hashes: ['xyz'] } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /SHA-256/);
    const none = await server.api('/_ml/duplicates', { method: 'POST', json: { hashes: [] } });
    assert.equal(none.status, 400);
    assert.equal((await server.api('/_ml/files/nope/duplicates')).status, 404);
  });
});

/** A picture that looks the same at any size (a smooth pattern of `seed`): scaled copies are near duplicates. */
async function picture(seed: number, size: number, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const raw = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      const value =
        127 + 120 * Math.sin(seed * 3.1 * u + seed * 1.7 * v + seed) * Math.cos(5.3 * v - seed * u);
      raw.fill(Math.round(value), (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  const image = sharp(raw, { raw: { width: size, height: size, channels: 3 } });
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 70 }).toBuffer();
}

describe('near duplicates', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const put = async (folder: string, name: string, bytes: Buffer) => {
    const response = await upload(server, { file: { bytes, name }, fields: { fileName: name, folder } });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { fileId: string; filePath: string };
  };
  type Near = Array<{ file: { fileId: string }; distance: number }>;
  const duplicatesOf = async (fileId: string, headers?: Record<string, string>) => {
    const response = await server.api(
      `/_ml/files/${fileId}/duplicates`,
      headers ? { key: null, headers } : {},
    );
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { duplicates: Array<{ fileId: string }>; near: Near };
  };

  it('finds a scaled, re-encoded copy of an image by its pHash, with the distance, and not other images', async () => {
    const original = await put('/near/a', 'sunset.png', await picture(2, 96));
    const copy = await put('/near/b', 'sunset-small.jpg', await picture(2, 64, 'jpeg'));
    const other = await put('/near/a', 'forest.png', await picture(5, 96));
    const hidden = await put('/nearsecret', 'sunset-3.jpg', await picture(2, 80, 'jpeg'));

    const found = await duplicatesOf(original.fileId);
    assert.deepEqual(found.duplicates, []);
    const ids = found.near.map((n) => n.file.fileId);
    assert.ok(ids.includes(copy.fileId) && ids.includes(hidden.fileId), JSON.stringify(found.near));
    assert.ok(!ids.includes(other.fileId));
    for (const n of found.near) assert.ok(n.distance >= 0 && n.distance <= 6);
    assert.deepEqual((await duplicatesOf(other.fileId)).near, []);

    // A session sees only its folder's near duplicates.
    const token = await sessionToken({ folder: '/near/', access: 'read' });
    assert.deepEqual(
      (await duplicatesOf(original.fileId, bearer(token))).near.map((n) => n.file.fileId),
      [copy.fileId],
    );

    // Off: none.
    await server.api('/_ml/settings', { method: 'PATCH', json: { nearDuplicateDistance: null } });
    assert.deepEqual((await duplicatesOf(original.fileId)).near, []);
    await server.api('/_ml/settings', { method: 'PATCH', json: { nearDuplicateDistance: 6 } });
    const bad = await server.api('/_ml/settings', { method: 'PATCH', json: { nearDuplicateDistance: 40 } });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /nearDuplicateDistance/);
  });

  it('computes and keeps the pHash of a file stored before pHashes were recorded, when first asked', async () => {
    const older = await put('/near/old', 'old.png', await picture(9, 96));
    const copy = await put('/near/old', 'old-copy.jpg', await picture(9, 64, 'jpeg'));
    const catalog = server.catalog();
    const row = await catalog
      .selectFrom('file_versions')
      .select('version_id')
      .where('file_id', '=', older.fileId)
      .where('is_current', '=', 1)
      .executeTakeFirstOrThrow();
    await catalog.deleteFrom('perceptual_hashes').where('version_id', '=', row.version_id).execute();
    assert.deepEqual(
      (await duplicatesOf(older.fileId)).near.map((n) => n.file.fileId),
      [copy.fileId],
    );
    const kept = await catalog
      .selectFrom('perceptual_hashes')
      .select('version_id')
      .where('version_id', '=', row.version_id)
      .executeTakeFirst();
    assert.ok(kept, 'the computed pHash is recorded');
  });

  it('answers near matches for pHashes sent before an upload', async () => {
    const stored = await put('/near/pre', 'wave.png', await picture(7, 96));
    const meta = await server.api(`/v1/files/${stored.fileId}/metadata`);
    const { pHash } = (await meta.json()) as { pHash: string };
    // One bit off: still a near duplicate.
    const flipped = (BigInt(`0x${pHash}`) ^ 1n).toString(16).padStart(16, '0');
    const response = await server.api('/_ml/duplicates', {
      method: 'POST',
      json: { hashes: [createHash('sha256').update('x').digest('hex')], pHashes: [flipped] },
    });
    assert.equal(response.status, 200);
    const { near } = (await response.json()) as { near: Record<string, Near> };
    assert.equal(near[flipped]?.[0]?.file.fileId, stored.fileId);
    assert.equal(near[flipped]?.[0]?.distance, 1);

    const bad = await server.api('/_ml/duplicates', {
      method: 'POST',
      json: { hashes: [createHash('sha256').update('x').digest('hex')], pHashes: ['zz'] },
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /pHash/);
  });

  it('groups exact and near duplicates in a folder for clean-up, a page at a time', async () => {
    const bytes = await picture(11, 96);
    const a = await put('/groups', 'a.png', bytes);
    const b = await put('/groups/sub', 'b.png', bytes);
    const c = await put('/groups', 'c.jpg', await picture(11, 64, 'jpeg'));
    const d = await put('/groups', 'd.png', await picture(13, 96));
    const e = await put('/groups', 'e.png', await picture(13, 72));
    await put('/groups', 'lonely.png', await picture(17, 96));
    await put('/elsewhere', 'a-again.png', bytes);

    const groupsOf = async (query: string) => {
      const response = await server.api(`/_ml/duplicates?${query}`);
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as {
        groups: Array<{ files: Array<{ file: { fileId: string }; distance: number }> }>;
        cursor: string | null;
      };
    };
    const all = await groupsOf('path=/groups/');
    assert.equal(all.cursor, null);
    const sets = all.groups.map((g) => g.files.map((f) => f.file.fileId).sort());
    assert.deepEqual(
      sets.sort((x, y) => x.length - y.length),
      [[d.fileId, e.fileId].sort(), [a.fileId, b.fileId, c.fileId].sort()],
    );
    const abc = all.groups.find((g) => g.files.length === 3)!;
    // Distances are from the group's first file (the lowest id): a and b, the same bytes, are as far.
    const distanceOf = (id: string) => abc.files.find((f) => f.file.fileId === id)?.distance;
    assert.equal(distanceOf(a.fileId), distanceOf(b.fileId));
    assert.equal(abc.files[0]?.distance, 0);

    // One group a page: the cursor leads to the next.
    const first = await groupsOf('path=/groups/&limit=1');
    assert.equal(first.groups.length, 1);
    assert.ok(first.cursor);
    const second = await groupsOf(`path=/groups/&limit=1&cursor=${first.cursor}`);
    assert.equal(second.groups.length, 1);
    assert.notDeepEqual(second.groups[0], first.groups[0]);

    const bad = await server.api('/_ml/duplicates?limit=500');
    assert.equal(bad.status, 400);
  });
});
