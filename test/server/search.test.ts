import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jpeg, photo, png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const folders = ['archive', 'docs', 'old', 'red-things', 'shop'];

describe('searchQuery', () => {
  let server: TestServer;

  async function put(
    name: string,
    folder: string,
    bytes: Buffer,
    fields: Record<string, string> = {},
  ): Promise<{ fileId: string }> {
    const response = await upload(server, {
      file: { bytes, name },
      fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  }

  before(async () => {
    server = await startTestServer();
    const field = (name: string, schema: object) =>
      server.api('/v1/customMetadataFields', { method: 'POST', json: { name, label: name, schema } });
    await field('description', { type: 'Text' });
    await field('quantitySold', { type: 'Number' });
    await field('active', { type: 'Boolean' });
    await field('rating', { type: 'Number' });
    await field('tuple', { type: 'MultiSelect', selectOptions: ['luxury', 500, true, 'plain'] });
    await field('category', { type: 'SingleSelect', selectOptions: ['clothing', 'accessories', 'shoes'] });

    await put(
      'red-dress-summer.jpg',
      '/shop',
      await photo(['luxury', 'dress'], '2021:06:01 10:00:00', 800, 400),
      {
        tags: 'summer-sale',
        customMetadata: JSON.stringify({
          description: 'Red dress for summer',
          quantitySold: 250,
          active: true,
          rating: 4.5,
          tuple: ['luxury'],
          category: 'clothing',
        }),
      },
    );
    await put('red-dress.jpg', '/shop', await photo(['casual'], '2019:03:01 10:00:00', 300, 300), {
      tags: 'banner',
      customMetadata: JSON.stringify({
        description: 'plain red',
        quantitySold: 100,
        active: false,
        rating: 4,
        tuple: [500],
        category: 'accessories',
      }),
    });
    await put('red-dress.png', '/shop', await png(200, 500, true), {
      isPrivateFile: 'true',
      tags: 'big-banner',
      customMetadata: JSON.stringify({ category: 'shoes', tuple: [true] }),
    });
    await put('file-name-archive.bin', '/archive', randomBytes(Math.round(2.5 * 1024 * 1024)));
    await put('notes.txt', '/docs', Buffer.from('hello'));
    const old = await put('old.jpg', '/old', await jpeg(100, 100));
    await server.api('/v1/folder', {
      method: 'POST',
      json: { folderName: 'red-things', parentFolderPath: '/' },
    });

    // A file from 2019: the catalog is the only place that knows when a file was made.
    const db = server.catalog();
    const t2019 = Date.parse('2019-06-01T00:00:00Z');
    await db
      .updateTable('file_versions')
      .set({ created_at: t2019, updated_at: t2019 })
      .where('file_id', '=', old.fileId)
      .execute();
    await db
      .updateTable('folders')
      .set({ created_at: t2019, updated_at: t2019 })
      .where('path', '=', '/old/')
      .execute();
  });
  after(() => server.close());

  async function search(query: string, extra = ''): Promise<string[]> {
    const response = await server.api(`/v1/files?searchQuery=${encodeURIComponent(query)}${extra}`);
    const body = await response.json();
    assert.equal(response.status, 200, `${query}: ${JSON.stringify(body)}`);
    return body.map((a: { name: string }) => a.name);
  }

  const sorted = (names: string[]) => [...names].sort();

  // Every example ImageKit's docs give (imagekit-api.md §6), with what it must find here.
  const docsExamples: Array<[string, string[]]> = [
    [
      'createdAt > "7d"',
      [
        ...folders.filter((f) => f !== 'old'),
        'red-dress-summer.jpg',
        'red-dress.jpg',
        'red-dress.png',
        'file-name-archive.bin',
        'notes.txt',
      ],
    ],
    ['createdAt > "7d" AND name: "file-name"', ['file-name-archive.bin']],
    [
      '(size < "1mb" AND width > 500) OR (tags IN ["summer-sale","banner"])',
      ['red-dress-summer.jpg', 'red-dress.jpg'],
    ],
    ['name = "red-dress-summer.jpg"', ['red-dress-summer.jpg']],
    ['name : "red-dress"', ['red-dress-summer.jpg', 'red-dress.jpg', 'red-dress.png']],
    ['name IN ["red-dress.jpg", "red-dress.png"]', ['red-dress.jpg', 'red-dress.png']],
    [
      'name NOT = "red-dress.jpg"',
      [...folders, 'red-dress-summer.jpg', 'red-dress.png', 'file-name-archive.bin', 'notes.txt', 'old.jpg'],
    ],
    [
      'tags NOT IN ["big-banner"]',
      ['red-dress-summer.jpg', 'red-dress.jpg', 'file-name-archive.bin', 'notes.txt', 'old.jpg'],
    ],
    [
      'type IN ["file", "folder"]',
      [
        ...folders,
        'red-dress-summer.jpg',
        'red-dress.jpg',
        'red-dress.png',
        'file-name-archive.bin',
        'notes.txt',
        'old.jpg',
      ],
    ],
    ['createdAt < 2020-01-01', ['old', 'old.jpg']],
    ['createdAt < "2020-01-01T12:12:12"', ['old', 'old.jpg']],
    ['createdAt < 2d', ['old', 'old.jpg']],
    ['createdAt < 2w', ['old', 'old.jpg']],
    ['createdAt < 2m', ['old', 'old.jpg']],
    ['createdAt < 2y', ['old', 'old.jpg']],
    ['height <= 400', ['red-dress-summer.jpg', 'red-dress.jpg', 'old.jpg']],
    ['size <= "1mb"', ['red-dress-summer.jpg', 'red-dress.jpg', 'red-dress.png', 'notes.txt', 'old.jpg']],
    ['format = "jpg"', ['red-dress-summer.jpg', 'red-dress.jpg', 'old.jpg']],
    ['private = true', ['red-dress.png']],
    ['transparency = true', ['red-dress.png']],
    ['"embeddedMetadata.Keywords" IN ["luxury", "dress"]', ['red-dress-summer.jpg']],
    ['"embeddedMetadata.DateTimeOriginal" > "2020-01-01"', ['red-dress-summer.jpg']],
    ['"customMetadata.description": "red"', ['red-dress-summer.jpg', 'red-dress.jpg']],
    ['"customMetadata.quantitySold" > 200', ['red-dress-summer.jpg']],
    ['"customMetadata.active" = true', ['red-dress-summer.jpg']],
    ['"customMetadata.rating" > 4.3', ['red-dress-summer.jpg']],
    [
      '"customMetadata.tuple" IN ["luxury", 500, true]',
      ['red-dress-summer.jpg', 'red-dress.jpg', 'red-dress.png'],
    ],
    ['createdAt >= "7d" AND size > "2mb"', ['file-name-archive.bin']],
    ['"customMetadata.category" IN ["clothing", "accessories"]', ['red-dress-summer.jpg', 'red-dress.jpg']],
  ];

  for (const [query, expected] of docsExamples) {
    it(`finds what ImageKit's docs promise for ${query}`, async () => {
      assert.deepEqual(sorted(await search(query)), sorted(expected));
    });
  }

  it('reads the legacy SDK’s + for spaces', async () => {
    const response = await server.api('/v1/files/?searchQuery=name+%3D+%22red-dress.jpg%22&limit=5');
    assert.deepEqual(
      (await response.json()).map((f: { name: string }) => f.name),
      ['red-dress.jpg'],
    );
  });

  it('matches name words in folders too, and tags by word prefix', async () => {
    assert.deepEqual(
      sorted(await search('name : "red"')),
      sorted(['red-things', 'red-dress-summer.jpg', 'red-dress.jpg', 'red-dress.png']),
    );
    assert.deepEqual(sorted(await search('tags : "ban"')), sorted(['red-dress.jpg', 'red-dress.png']));
    assert.deepEqual(await search('tags = "summer-sale"'), ['red-dress-summer.jpg']);
    assert.deepEqual(await search('mime : "text/"'), ['notes.txt']);
    assert.deepEqual(sorted(await search('path : "/shop/" AND format NOT = "png"')), [
      'red-dress-summer.jpg',
      'red-dress.jpg',
    ]);
    assert.deepEqual(await search('fileType = "non-image" AND size < 1000'), ['notes.txt']);
  });

  it('combines with path, fileType, sort, limit and skip; ignores the type parameter', async () => {
    assert.deepEqual(await search('name : "red"', '&path=/shop/&sort=DESC_NAME'), [
      'red-dress.png',
      'red-dress.jpg',
      'red-dress-summer.jpg',
    ]);
    assert.deepEqual(await search('name : "red"', '&path=/shop/&sort=ASC_NAME&skip=1&limit=1'), [
      'red-dress.jpg',
    ]);
    assert.deepEqual(sorted(await search('name : "red"', '&fileType=image&type=folder&path=/shop/')), [
      'red-dress-summer.jpg',
      'red-dress.jpg',
      'red-dress.png',
    ]);
    assert.deepEqual(await search('name : "red"', '&sort=ASC_NAME&limit=2'), [
      'red-things',
      'red-dress-summer.jpg',
    ]);
  });

  it('finds old versions only when asked for them by type', async () => {
    await put('notes.txt', '/docs', Buffer.from('hello again'));
    assert.deepEqual(await search('name = "notes.txt"'), ['notes.txt']);
    const versions = await (
      await server.api(
        `/v1/files?searchQuery=${encodeURIComponent('type = "file-version" AND name = "notes.txt"')}`,
      )
    ).json();
    assert.equal(versions.length, 1);
    assert.equal(versions[0].type, 'file-version');
    assert.equal(versions[0].versionInfo.name, 'Version 1');
  });

  it('answers every mistake with 400, the position and what was expected', async () => {
    const cases: Array<[string, string]> = [
      ['size >', "Invalid search query: expected a value after 'size >' at position 7"],
      ['nme = "x"', "Invalid search query: unknown field 'nme'"],
      [
        'tags > "x"',
        'Invalid search query: tags does not support >; use =, :, IN, NOT =, NOT :, NOT IN at position 1',
      ],
      [
        'size > "big"',
        'Invalid search query: size needs a number of bytes or a size like "500kb" or "1mb", not "big" at position 1',
      ],
      ['createdAt > "last week"', 'Invalid search query: createdAt needs a date'],
      ['private = "maybe"', 'Invalid search query: private needs true or false, not "maybe" at position 1'],
      ['type = "image"', 'Invalid search query: type is one of "file", "file-version" or "folder"'],
      ['"customMetadata.colour" = "red"', "Invalid search query: 'colour' is not a custom metadata field"],
      ['name = ["a"]', 'Invalid search query: use IN or NOT IN with a list, not = at position 1'],
      ['name IN []', 'Invalid search query: the list after IN is empty at position 1'],
      ['(name = "a"', "Invalid search query: expected ')' to close the '(' at position 1 at position 12"],
    ];
    for (const [query, message] of cases) {
      const response = await server.api(`/v1/files?searchQuery=${encodeURIComponent(query)}`);
      assert.equal(response.status, 400, query);
      const body = await response.json();
      assert.ok(body.message.startsWith(message), `${query}\n  got:  ${body.message}\n  want: ${message}…`);
    }
  });
});
