import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toMediaFile, toMediaFolder } from '../../src/server/library/file-object.js';
import { newFileVersion } from '../../src/server/library/versions.js';
import type { FileRecord, FolderRecord } from '../../src/server/store/store.js';
import type { CustomMetadataField, MediaFile } from '../../src/shared/wire.js';
import { photo, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Requests are checked by their route's schema: JSON as sent (a string is not a boolean), every
 * refusal naming the parameter at fault in ImageKit's `{message, help}` with a `reason`.
 */
describe('requests are checked by their schema', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const refusal = async (method: string, path: string, json: unknown) => {
    const response = await server.api(path, { method, json });
    assert.equal(response.status, 400, `${method} ${path} ${JSON.stringify(json)}`);
    const body = await response.json();
    assert.equal(typeof body.help, 'string');
    return { message: body.message, reason: body.reason };
  };

  it('refuses a JSON value of another type rather than converting it', async () => {
    assert.deepEqual(await refusal('POST', '/v1/folder', { folderName: 5, parentFolderPath: '/' }), {
      message: 'Your request contains invalid folderName parameter: it must be string.',
      reason: 'INVALID_PARAMETER',
    });
    const copy = { sourceFilePath: '/a.png', destinationPath: '/b', includeFileVersions: 'true' };
    assert.deepEqual(await refusal('POST', '/v1/files/copy', copy), {
      message: 'Your request contains invalid includeFileVersions parameter: it must be boolean.',
      reason: 'INVALID_PARAMETER',
    });
    assert.deepEqual(await refusal('POST', '/v1/files/addTags', { fileIds: 'abc', tags: ['a'] }), {
      message: 'fileIds must be an array of file ids.',
      reason: 'INVALID_PARAMETER',
    });
  });

  it('says which parameter is missing', async () => {
    assert.deepEqual(await refusal('POST', '/v1/files/copy', { destinationPath: '/b' }), {
      message: 'Your request is missing the sourceFilePath parameter.',
      reason: 'MISSING_PARAMETER',
    });
    assert.deepEqual(await refusal('POST', '/v1/files/batch/deleteByFileIds', {}), {
      message: 'fileIds parameter is missing.',
      reason: 'MISSING_PARAMETER',
    });
  });

  it('names the parameter at fault and the place inside it', async () => {
    const { fileId } = (await (
      await upload(server, {
        file: { bytes: await photo([], '2021:06:01 10:00:00') },
        fields: { fileName: 'p.jpg' },
      })
    ).json()) as { fileId: string };
    assert.equal(
      (await refusal('PATCH', `/v1/files/${fileId}/details`, { publish: { isPublished: 'yes' } })).message,
      'Your request contains invalid publish parameter: isPublished must be boolean.',
    );
    assert.equal(
      (await refusal('POST', '/v1/files/removeTags', { fileIds: [fileId, 7], tags: ['a'] })).message,
      'Your request contains invalid fileIds parameter: [1] must be string.',
    );
  });

  it('asks for a JSON object when the body is something else or nothing', async () => {
    for (const json of [[], 'text', null]) {
      assert.equal(
        (await refusal('POST', '/v1/files/move', json)).message,
        'Send a JSON object as the request body.',
      );
    }
    const empty = await server.api('/v1/bulkJobs/renameFolder', { method: 'POST' });
    assert.equal(empty.status, 400);
    assert.equal((await empty.json()).message, 'Send a JSON object as the request body.');
  });
});

/**
 * Answers are written from their route's response schema, which leaves out whatever it does not
 * name: every field of a file, folder, upload answer and field definition must come back whole,
 * open maps (custom and embedded metadata) with every key and value they hold.
 */
describe('answers keep every field their schema writes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const now = Date.parse('2024-05-01T10:00:00Z');
  const folder: FolderRecord = {
    folderId: 'f'.padEnd(24, '1'),
    path: '/whole/',
    parent: '/',
    name: 'whole',
    customMetadata: { owner: 'Ann' },
    createdAt: now,
    updatedAt: now,
  };
  const older: FileRecord = {
    ...newFileVersion(
      {
        versionId: 'a'.padEnd(24, '1'),
        blobKey: 'originals/11/a11111111111111111111111',
        size: 5 * 1024 ** 3,
        mime: 'image/jpeg',
        fileType: 'image',
        format: 'jpg',
        width: null,
        height: null,
        hasAlpha: false,
        embeddedMetadata: {},
      },
      { folder: '/whole/', name: 'every field.jpg' },
      now,
    ),
    fileId: 'b'.padEnd(24, '1'),
    isCurrent: false,
  };
  const current: FileRecord = {
    ...older,
    versionId: 'c'.padEnd(24, '1'),
    versionNumber: 2,
    isCurrent: true,
    blobKey: 'originals/11/c11111111111111111111111',
    width: 4000,
    height: 3000,
    hasAlpha: true,
    tags: ['summer', 'Sale 2024'],
    aiTags: [{ name: 'Beach', confidence: 93.5, source: 'google-auto-tagging' }],
    customCoordinates: '10,20,300,400',
    customMetadata: { brand: 'Acme', price: 12.5, onSale: true, sizes: ['S', 'M', 42, false] },
    embeddedMetadata: { Keywords: ['sea', 'sun'], Nested: { a: [1, null, { b: 'c' }] }, Flash: false },
    description: 'A beach, "quoted" and ünïcode',
    isPrivate: true,
    isPublished: false,
    updatedAt: now + 60_000,
  };

  before(async () => {
    await server.server.context.store.transaction(async (store) => {
      await store.folders.insertIfMissing(folder);
      await store.files.insertVersions([older, current]);
    });
  });

  /** The answer as sent, and its keys: a field left out would be missing from both. */
  const answer = async (path: string) => {
    const response = await server.api(path);
    assert.equal(response.status, 200, path);
    return response.json();
  };

  it('answers a file whole from details, listing, versions and search', async () => {
    const expected = toMediaFile(current, server.url);
    assert.deepEqual(Object.keys(expected).sort(), [
      'AITags',
      'createdAt',
      'customCoordinates',
      'customMetadata',
      'description',
      'fileId',
      'filePath',
      'fileType',
      'hasAlpha',
      'height',
      'isPrivateFile',
      'isPublished',
      'mime',
      'name',
      'size',
      'tags',
      'thumbnail',
      'type',
      'updatedAt',
      'url',
      'versionInfo',
      'width',
    ]);
    assert.deepEqual(await answer(`/v1/files/${current.fileId}/details`), expected);
    assert.deepEqual(await answer('/v1/files?type=all&path=/'), [toMediaFolder(folder)]);
    assert.deepEqual(await answer('/v1/files?type=all&path=/whole/'), [expected]);
    assert.deepEqual(await answer('/v1/files?searchQuery=tags%20IN%20%5B%22summer%22%5D'), [expected]);
    const versions: MediaFile[] = [toMediaFile(older, server.url), expected];
    assert.deepEqual(await answer(`/v1/files/${current.fileId}/versions`), versions);
    assert.deepEqual(
      await answer(`/v1/files/${current.fileId}/versions/${older.versionId}`),
      toMediaFile(older, server.url),
      'nulls stay null and absent fields stay absent',
    );
  });

  it('answers an upload with every field it asked for, embedded metadata included', async () => {
    const rules = { type: 'Number', minValue: 0, maxValue: 100, defaultValue: 5, isValueRequired: false };
    const created = await server.api('/v1/customMetadataFields', {
      method: 'POST',
      json: { name: 'rating', label: 'Rating', schema: rules },
    });
    assert.equal(created.status, 201);
    const response = await upload(server, {
      file: { bytes: await photo(['sea', 'sun'], '2021:06:01 10:00:00'), name: 'beach.jpg' },
      fields: {
        fileName: 'beach.jpg',
        folder: '/uploads',
        tags: 'summer,beach',
        customCoordinates: '1,2,3,4',
        customMetadata: JSON.stringify({ rating: 7 }),
        description: 'alt text',
        responseFields:
          'tags,customCoordinates,isPrivateFile,embeddedMetadata,isPublished,customMetadata,metadata,selectedFieldsSchema',
      },
    });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    const stored = (await server.server.context.store.files.get(body.fileId))!;
    assert.deepEqual(body.embeddedMetadata, JSON.parse(JSON.stringify(stored.embeddedMetadata)));
    assert.ok(Object.keys(body.embeddedMetadata).length > 0, 'the photo has embedded metadata');
    assert.deepEqual(body.customMetadata, { rating: 7 });
    assert.deepEqual(body.selectedFieldsSchema, { rating: rules });
    assert.deepEqual(body.tags, ['summer', 'beach']);
    assert.equal(body.customCoordinates, '1,2,3,4');
    assert.equal(body.isPrivateFile, false);
    assert.equal(body.isPublished, true);
    assert.equal(body.description, 'alt text');
    assert.equal(body.metadata.format, 'jpg');
    assert.ok(Object.keys(body.metadata.exif.exif).length > 0, 'the EXIF section is kept whole');
    for (const field of ['fileId', 'name', 'filePath', 'url', 'thumbnailUrl', 'size', 'width', 'height']) {
      assert.ok(field in body, field);
    }
    assert.deepEqual(body.versionInfo, { id: stored.versionId, name: 'Version 1' });
    assert.equal(body.AITags, null);
  });

  it('answers custom metadata field rules whole', async () => {
    const sent = {
      name: 'size',
      label: 'Size',
      schema: {
        type: 'SingleSelect',
        selectOptions: ['S', 'M', 42, true],
        defaultValue: 'M',
        isValueRequired: true,
      },
      description: 'Garment size',
    };
    const created = (await (
      await server.api('/v1/customMetadataFields', { method: 'POST', json: sent })
    ).json()) as CustomMetadataField;
    assert.deepEqual(created, { id: created.id, ...sent });
    const listed = (await answer('/v1/customMetadataFields')) as CustomMetadataField[];
    assert.deepEqual(
      listed.find((f) => f.name === 'size'),
      created,
    );
  });
});
