import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ApiError } from '../../src/server/errors.js';
import { listCatalog, listQueryFor } from '../../src/server/library/listing.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import {
  type FileRecord,
  type FolderRecord,
  isFolderRecord,
  type JobRecord,
  type Store,
} from '../../src/server/store/store.js';
import type { CustomMetadataFieldSchema } from '../../src/shared/wire.js';
import { catalogRow } from '../helpers/catalog-row.js';
import { testBackend } from '../helpers/scale.js';
import { docsExamples, fuzzQueries, random } from '../helpers/search-queries.js';
import { type OpenedStore, openStore, storeDialects } from '../helpers/stores.js';

/**
 * The `Store` contract, run against SQLite always and against PostgreSQL on the scale path, and
 * the PostgreSQL search translator held to SQLite's answers: the same random library in both,
 * thousands of queries, the same rows in the same order.
 */

const dialects = storeDialects;

const day = 86_400_000;
const base = Date.parse('2024-05-01T00:00:00Z');

function version(
  overrides: Partial<FileRecord> & Pick<FileRecord, 'versionId' | 'name' | 'folder'>,
): FileRecord {
  return catalogRow(overrides.versionId, overrides.folder, overrides.name, {
    size: 1000,
    mime: 'image/png',
    format: 'png',
    width: 10,
    height: 10,
    tags: null,
    createdAt: base,
    updatedAt: base,
    ...overrides,
  });
}

let folders = 0;

function folder(path: string, createdAt = base): FolderRecord {
  const parts = path.split('/').filter(Boolean);
  return {
    folderId: `f${String(folders++).padStart(23, '0')}`,
    path,
    parent: parts.length > 1 ? `/${parts.slice(0, -1).join('/')}/` : '/',
    name: parts.at(-1)!,
    customMetadata: {},
    createdAt,
    updatedAt: createdAt,
  };
}

const idOf = (r: FileRecord | FolderRecord) => (isFolderRecord(r) ? r.folderId : r.versionId);

function job(jobId: string, createdAt: number): JobRecord {
  return {
    jobId,
    type: 'MOVE_FOLDER',
    status: 'Pending',
    params: { source: '/a/', targetRoot: '/b/a/' },
    error: null,
    attempts: 0,
    claimedBy: null,
    leaseUntil: null,
    createdAt,
    updatedAt: createdAt,
  };
}

for (const [dialect, open] of dialects) {
  describe(`store contract: ${dialect}`, () => {
    let opened: OpenedStore;
    let store: Store;
    before(async () => {
      opened = await open();
      store = opened.store;
    });
    after(() => opened.close());

    it('gives back exactly the version it was given: numbers, nulls, JSON and big times', async () => {
      const full = version({
        versionId: 'v'.padEnd(24, '1'),
        name: 'Ünïcode name.PNG',
        folder: '/round/',
        size: 5 * 1024 ** 3,
        width: null,
        height: null,
        hasAlpha: true,
        tags: ['summer', 'Sale 2024'],
        aiTags: [{ name: 'Beach', confidence: 0.93, source: 'test' }],
        customCoordinates: '1,2,3,4',
        customMetadata: { brand: 'Acme', price: 12.5, flags: ['a', 1, true] },
        embeddedMetadata: { Keywords: ['sea', 'sun'], Nested: { a: [1, null] }, Zero: '\u0000x' },
        description: 'alt text',
        isPrivate: true,
        isPublished: false,
        createdAt: 8_640_000_000_000,
        updatedAt: 1,
      });
      await store.files.insertVersion(full);
      assert.deepEqual(await store.files.get(full.fileId), full);
      assert.deepEqual(await store.files.getByPath(full.filePath), full);
      assert.equal(await store.files.storedBytes(), full.size);
    });

    it('keeps folder trees apart whatever the names hold, in byte order', async () => {
      for (const path of [
        '/t/',
        '/t/a/',
        '/t/a b/',
        '/t/a-b/',
        '/t/a/b/',
        '/t/a0/',
        '/t/A/',
        '/t/é/',
        '/t/_/',
      ]) {
        await store.folders.insertIfMissing(folder(path));
      }
      assert.equal(await store.folders.insertIfMissing(folder('/t/a/')), false, 'the path exists');
      assert.deepEqual(
        (await store.folders.listTree('/t/a/')).map((f) => f.path),
        ['/t/a/', '/t/a/b/'],
      );
      const names = (
        await listCatalog(store, {
          include: { folders: true, files: false, versions: false },
          folder: '/t/',
          sort: { column: 'name', direction: 'asc' },
          limit: 100,
          skip: 0,
        })
      ).map((f) => (f as FolderRecord).name);
      assert.deepEqual(names, ['A', '_', 'a', 'a b', 'a-b', 'a0', 'é']);
    });

    it('sorts files without a width first going up and last going down', async () => {
      const ids = ['w1', 'w2', 'w3'].map((p) => p.padEnd(24, '0'));
      await store.files.insertVersions([
        version({ versionId: ids[0]!, name: 'x.png', folder: '/sort/', width: 50 }),
        version({ versionId: ids[1]!, name: 'doc.pdf', folder: '/sort/', width: null }),
        version({ versionId: ids[2]!, name: 'y.png', folder: '/sort/', width: 20 }),
      ]);
      const order = async (direction: 'asc' | 'desc') =>
        (
          await listCatalog(store, {
            include: { folders: false, files: true, versions: false },
            folder: '/sort/',
            sort: { column: 'width', direction },
            limit: 10,
            skip: 0,
          })
        ).map(idOf);
      assert.deepEqual(await order('asc'), [ids[1], ids[2], ids[0]]);
      assert.deepEqual(await order('desc'), [ids[0], ids[2], ids[1]]);
    });

    it('scans every version in id order and says which ids it holds', async () => {
      const all: string[] = [];
      for (let after: string | null = null; ; ) {
        const page = await store.files.scanVersions(after, 2);
        if (page.length === 0) break;
        after = page.at(-1)!.versionId;
        all.push(...page.map((v) => v.versionId));
      }
      assert.deepEqual(all, [...all].sort());
      assert.equal(all.length, 4);
      const some = new Set(await store.files.existingVersionIds([all[0]!, 'nope'.padEnd(24, '0')]));
      assert.deepEqual([...some], [all[0]]);
    });

    it('changes only the fields a patch sets, nulls included', async () => {
      const id = 'patched'.padEnd(24, '0');
      const original = version({
        versionId: id,
        name: 'p.png',
        folder: '/patch/',
        tags: ['old'],
        description: 'alt',
        customMetadata: { brand: 'Acme' },
      });
      await store.files.insertVersion(original);
      await store.files.updateVersions([id], { tags: ['new tag'], description: null, updatedAt: base + day });
      assert.deepEqual(await store.files.get(id), {
        ...original,
        tags: ['new tag'],
        description: null,
        updatedAt: base + day,
      });
      const tagged = await listCatalog(store, {
        include: { folders: false, files: true, versions: false },
        filter: { kind: 'tags', source: 'any', values: ['new tag'] },
        sort: { column: 'name', direction: 'asc' },
        limit: 10,
        skip: 0,
      });
      assert.deepEqual(tagged.map(idOf), [id], 'the search structures follow the patch');
      await store.files.delete(id);
    });

    it('undoes a whole transaction that fails, in every repository it touched', async () => {
      const id = 'rollback'.padEnd(24, '0');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.folders.insertIfMissing(folder('/r/'));
          await tx.files.insertVersion(version({ versionId: id, name: 'r.png', folder: '/r/' }));
          await tx.blobJournal.add(['originals/rollback'], base);
          await tx.customMetadataFields.insert({
            id: 'rollback-field',
            name: 'rollback',
            label: 'Rollback',
            schema: { type: 'Text' },
            description: null,
            isDeleted: false,
            createdAt: base,
            updatedAt: base,
          });
          // A nested transaction joins the outer one.
          await tx.transaction((inner) => inner.jobs.insert(job('rollback-job'.padEnd(24, '0'), base)));
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.equal(await store.files.get(id), undefined);
      assert.equal(await store.folders.get('/r/'), undefined);
      assert.deepEqual(await store.blobJournal.olderThan(base + 1), []);
      assert.equal(await store.customMetadataFields.get('rollback-field'), undefined);
      assert.equal(await store.jobs.get('rollback-job'.padEnd(24, '0')), undefined);
    });

    it('spends an upload token once', async () => {
      assert.equal(await store.spentUploadTokens.spend('token-1', Date.now() + 60_000), true);
      assert.equal(await store.spentUploadTokens.spend('token-1', Date.now() + 60_000), false);
      assert.deepEqual(
        (await store.spentUploadTokens.list(Date.now())).map((t) => t.token),
        ['token-1'],
      );
    });

    it('hands a job to one claimant at a time, and to another once the lease lapses', async () => {
      const now = Date.now();
      await store.jobs.insert(job('job-1'.padEnd(24, '0'), now - 2));
      await store.jobs.insert(job('job-2'.padEnd(24, '0'), now - 1));
      const claims = await Promise.all(
        ['a', 'b', 'c'].map((owner) => store.jobs.claim(owner, now, now + 1000)),
      );
      const taken = claims.flatMap((c) => (c ? [c.jobId] : []));
      assert.deepEqual([...taken].sort(), ['job-1'.padEnd(24, '0'), 'job-2'.padEnd(24, '0')]);
      assert.equal(claims.filter((c) => c === undefined).length, 1, 'two jobs, three claimants');
      const first = claims.find((c) => c?.jobId === 'job-1'.padEnd(24, '0'))!;
      assert.equal(first.attempts, 1);
      assert.equal(await store.jobs.claim('d', now + 500, now + 1500), undefined, 'leases hold');
      assert.equal(await store.jobs.renewLease(first.jobId, first.claimedBy!, now + 2000), true);
      const retaken = await store.jobs.claim('d', now + 1500, now + 3000);
      assert.equal(retaken?.jobId, 'job-2'.padEnd(24, '0'), 'the lapsed lease goes to another');
      assert.equal(retaken?.attempts, 2);
      const loser = claims.find((c) => c?.jobId === 'job-2'.padEnd(24, '0'))!;
      assert.equal(
        await store.jobs.release(loser.jobId, loser.claimedBy!, { status: 'Completed', updatedAt: now }),
        false,
        'the node that lost its lease cannot complete the job',
      );
      assert.equal(
        await store.jobs.release(retaken!.jobId, 'd', { status: 'Completed', updatedAt: now }),
        true,
      );
      assert.equal((await store.jobs.get(retaken!.jobId))?.status, 'Completed');
      assert.equal(await store.jobs.hasPending(), true);
    });
  });
}

/** A random library: names, tags, metadata and dates that the fuzzer's values hit and miss. */
function randomLibrary(seed: number): { folders: FolderRecord[]; versions: FileRecord[] } {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const words = [
    'red',
    'Red',
    'dress',
    'red-dress',
    'RED',
    'café',
    'Café',
    'naïve',
    'file',
    'name',
    'summer',
    'x1',
    'DROP',
    '💥',
    '%_',
    'quoted',
  ];
  const folders: FolderRecord[] = [];
  for (let i = 0; i < 40; i++) {
    const path = `/${pick(words)}-${i}/${next() < 0.5 ? `${pick(words)}/` : ''}`;
    if (!folders.some((f) => f.path === path))
      folders.push(folder(path, base - Math.floor(next() * 1000) * day));
  }
  const versions: FileRecord[] = [];
  for (let i = 0; i < 400; i++) {
    const id = (0x10000000 + i).toString(16).padStart(24, '0');
    const name = `${pick(words)}${pick(['-', '.', '_', ' ', ''])}${pick(words)}-${i}.${pick(['jpg', 'png', 'PDF', 'txt'])}`;
    const created = base - Math.floor(next() * 2000) * day + Math.floor(next() * day);
    const image = next() < 0.7;
    const scalar = () =>
      pick<unknown>([
        'luxury',
        'dress',
        'red',
        42,
        4.5,
        -3,
        true,
        false,
        null,
        '2020-01-01',
        '2021-06-01T10:00:00',
      ]);
    const embedded: Record<string, unknown> = {};
    if (next() < 0.6) embedded.Keywords = next() < 0.7 ? [scalar(), scalar()] : scalar();
    if (next() < 0.5) embedded.DateTimeOriginal = next() < 0.8 ? new Date(created).toISOString() : scalar();
    if (next() < 0.2) embedded.Keywords = { a: scalar(), b: [scalar()] };
    const metadata: Record<string, unknown> = {};
    if (next() < 0.6) metadata.brand = pick(['Red Dress Co', 'red', 'RED-dress', 'plain', 'café', '%_']);
    if (next() < 0.6) metadata.price = pick([42, 4.5, -3, 0, 1048576, 100]);
    if (next() < 0.5)
      metadata.flags = [pick<unknown>(['a', 'b', 1, true]), pick<unknown>(['a', 'b', 1, true])];
    versions.push(
      version({
        versionId: id,
        fileId: id,
        name,
        folder: next() < 0.8 ? pick(folders).path : '/',
        isCurrent: next() < 0.85,
        size: Math.floor(next() * 3 * 1024 * 1024),
        mime: image ? pick(['image/jpeg', 'image/png']) : pick(['application/pdf', 'text/plain']),
        fileType: image ? 'image' : 'non-image',
        format: pick(['jpg', 'png', 'pdf', 'txt']),
        width: image ? Math.floor(next() * 1000) : null,
        height: image ? Math.floor(next() * 1000) : null,
        hasAlpha: next() < 0.3,
        tags: next() < 0.7 ? [pick(words), pick(['summer-sale', 'banner', 'big-banner', 'red'])] : null,
        aiTags: next() < 0.3 ? [{ name: pick(words), confidence: 0.9, source: 'test' }] : null,
        customMetadata: metadata as FileRecord['customMetadata'],
        embeddedMetadata: embedded,
        isPrivate: next() < 0.2,
        isPublished: next() < 0.9,
        createdAt: created,
        updatedAt: created + Math.floor(next() * day),
      }),
    );
  }
  // Paths are unique among current files.
  const seen = new Set<string>();
  for (const v of versions) {
    v.filePath = v.folder + v.name;
    if (v.isCurrent && seen.has(v.filePath)) v.isCurrent = false;
    if (v.isCurrent) seen.add(v.filePath);
  }
  return { folders, versions };
}

describe('the PostgreSQL translator answers as SQLite does', { skip: testBackend !== 'scale' }, () => {
  let sqlite: OpenedStore;
  let postgres: OpenedStore;
  before(async () => {
    sqlite = await openStore.sqlite();
    postgres = await openStore.postgres();
    const schemas: Array<[string, CustomMetadataFieldSchema]> = [
      ['brand', { type: 'Text' }],
      ['price', { type: 'Number' }],
      ['flags', { type: 'MultiSelect', selectOptions: ['a', 'b', 1, true] }],
    ];
    const { folders, versions } = randomLibrary(7);
    for (const { store } of [sqlite, postgres]) {
      for (const [name, schema] of schemas) {
        await store.customMetadataFields.insert({
          id: name,
          name,
          label: name,
          schema,
          description: null,
          isDeleted: false,
          createdAt: base,
          updatedAt: base,
        });
      }
      for (const f of folders) await store.folders.insertIfMissing(f);
      await store.files.insertVersions(versions);
    }
    // Rewrite some rows, so updates reindex them too.
    for (const { store } of [sqlite, postgres]) {
      await store.files.updateVersions(
        versions.slice(0, 40).map((v) => v.versionId),
        { tags: ['retagged', 'red'], name: 'renamed red-dress.jpg', customMetadata: { brand: 'red' } },
      );
    }
  });
  after(async () => {
    await sqlite?.close();
    await postgres?.close();
  });

  it('over thousands of queries, with every sort: the same rows in the same order', async (t) => {
    const curated = [
      ...docsExamples,
      'name : "red"',
      'name : "café"',
      'name : "CAFE"',
      'name : "red dr"',
      'name : "dress-red"',
      // Short last words: PostgreSQL looks two and three letters up as kept prefixes.
      'name : "re"',
      'name : "dre"',
      'name : "red-dr"',
      'name : "renamed re"',
      'name : "ca"',
      'name : "caf"',
      'name : "CAF"',
      'name : "red d"',
      'name : "na"',
      'name : "naï"',
      'name : "x1"',
      'name : "dress"',
      'name : "naive"',
      'tags : "ban"',
      'tags : "red retag"',
      'tags IN ["red", "banner"]',
      'AITags IN ["red"]',
      '"customMetadata.brand" : "RED"',
      '"customMetadata.brand" < "red"',
      '"customMetadata.price" >= 4.5',
      '"customMetadata.flags" IN ["a", 1, true]',
      '"embeddedMetadata.Keywords" > 5',
      '"embeddedMetadata.Keywords" < "m"',
      '"embeddedMetadata.Keywords" : "lux"',
      '"embeddedMetadata.DateTimeOriginal" >= "2021"',
      'width > 4.5 AND width <= 500.5',
      'width = 4.5',
      'size >= 1.5mb',
      'createdAt = "2024-04-01"',
      'path : "/red"',
      'type = "file-version" AND name : "red"',
    ];
    const queries = [...curated, ...fuzzQueries(20261127, 1500)];
    const sorts = ['ASC_CREATED', 'DESC_NAME', 'ASC_WIDTH', 'DESC_HEIGHT', 'ASC_SIZE', 'DESC_UPDATED'];
    let compared = 0;
    let matched = 0;
    for (const [i, searchQuery] of queries.entries()) {
      const params = { searchQuery, limit: '1000', sort: sorts[i % sorts.length]! };
      const answers: Array<string[] | string> = [];
      for (const { store } of [sqlite, postgres]) {
        try {
          answers.push((await listCatalog(store, await listQueryFor(store, params))).map(idOf));
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 400) throw error;
          answers.push(`400 ${error.body.message}`);
        }
      }
      assert.deepEqual(answers[1], answers[0], `${searchQuery} (${params.sort})`);
      if (Array.isArray(answers[0])) {
        compared++;
        if (answers[0].length > 0) matched++;
      }
    }
    t.diagnostic(`${queries.length} queries, ${compared} valid, ${matched} finding something`);
    assert.ok(matched > 200, 'plenty of queries find rows, so the comparison means something');
  });
});

describe('SQLite plans without statistics', () => {
  it('reads a file by id along an index on its id, not along every current row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-library-plan-'));
    try {
      const store = await openSqliteStore(join(dir, 'library.db'));
      await store.close();
      const db = new Database(join(dir, 'library.db'), { readonly: true });
      // As the files repository's get and getMany compile it (values bound, never inlined).
      const plans = [
        ['file_id = ?', 'a'],
        ['file_id in (?, ?)', 'a', 'b'],
      ].map(([test, ...ids]) =>
        (
          db
            .prepare(`explain query plan select * from file_versions where ${test} and is_current = ?`)
            .all(...ids, 1) as Array<{ detail: string }>
        )
          .map((row) => row.detail)
          .join('; '),
      );
      db.close();
      for (const plan of plans)
        assert.match(plan, /USING INDEX file_versions_by_current_file \(file_id=\? AND is_current=\?\)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('suggests AI tags along their own index and joins similar candidates to files without reading them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'media-library-plan-'));
    try {
      const store = await openSqliteStore(join(dir, 'library.db'));
      await store.close();
      const db = new Database(join(dir, 'library.db'), { readonly: true });
      const plan = (statement: string, ...values: unknown[]) =>
        (db.prepare(`explain query plan ${statement}`).all(...values) as Array<{ detail: string }>)
          .map((row) => row.detail)
          .join('; ');
      // As the suggestions repository sends a tag seek (a user tag never walks past AI tags).
      for (const source of ['user', 'ai']) {
        assert.match(
          plan(
            `select t.tag from file_tags t cross join file_versions v where v.id = t.row_id and t.source = '${source}'
             and lower(t.tag) >= ? and lower(t.tag) < ? and v.is_current = 1 order by lower(t.tag) limit 1`,
            'su',
            'sv',
          ),
          new RegExp(`SEARCH t USING INDEX file_tags_by_lower_${source}_tag `),
        );
      }
      // `AITags IN [...]` keeps its exact index.
      assert.match(
        plan(`select row_id from file_tags where source = 'ai' and tag in (?, ?)`, 'a', 'b'),
        /USING INDEX file_tags_by_tag \(tag=\?\)/,
      );
      // As the image signatures repository reads one colour's candidates.
      assert.match(
        plan(
          `select s.version_id, v.file_id, s.phash, s.histogram from image_signatures as s
           cross join file_versions as v where v.version_id = s.version_id and v.is_current = ?
           and v.file_id <> ? and s.phash <> ? and s.colour = ? order by s.created_at desc limit ?`,
          1,
          'a',
          '',
          3,
          400,
        ),
        /SEARCH v USING COVERING INDEX file_versions_by_version_scope/,
      );
      db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
