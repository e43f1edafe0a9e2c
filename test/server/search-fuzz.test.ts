import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../src/server/errors.js';
import { listQueryFor } from '../../src/server/library/listing.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import type { Store } from '../../src/server/store/store.js';
import type { CustomMetadataFieldSchema } from '../../src/shared/wire.js';

/** A small deterministic PRNG, so a failing query can be reproduced from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const fields = [
  'name',
  'tags',
  'AITags',
  'type',
  'fileType',
  'mime',
  'size',
  'width',
  'height',
  'createdAt',
  'updatedAt',
  'isPrivateFile',
  'private',
  'isPublished',
  'transparency',
  'format',
  'filePath',
  'path',
  '"customMetadata.brand"',
  '"customMetadata.price"',
  '"customMetadata.flags"',
  '"embeddedMetadata.Keywords"',
  '"embeddedMetadata.DateTimeOriginal"',
  'bogus',
];
const ops = ['=', ':', '<', '<=', '>', '>=', 'IN', 'NOT IN', 'NOT =', 'NOT :', 'NOT', '!='];
const scalars = [
  '"red"',
  '"red-dress"',
  '"1mb"',
  '"7d"',
  '2020-01-01',
  '2020-01-01T12:12:12',
  '2d',
  '42',
  '4.5',
  '-3',
  'true',
  'false',
  '"file"',
  '"image"',
  '"a \\"quoted\\" \\\\ word"',
  '"%_"',
  "'single'",
  '""',
  '"💥"',
  'DROP',
];

const docsExamples = [
  'createdAt > "7d" AND name: "file-name"',
  '(size < "1mb" AND width > 500) OR (tags IN ["summer-sale","banner"])',
  'name IN ["red-dress.jpg", "red-dress.png"]',
  '"embeddedMetadata.Keywords" IN ["luxury", "dress"]',
  '"customMetadata.brand" IN ["luxury", 500, true]',
  'createdAt < "2020-01-01T12:12:12"',
];

function generate(next: () => number, depth = 0): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const roll = next();
  if (depth < 3 && roll < 0.25)
    return `(${generate(next, depth + 1)} ${pick(['AND', 'OR', 'and'])} ${generate(next, depth + 1)})`;
  if (depth < 3 && roll < 0.4)
    return `${generate(next, depth + 1)} ${pick(['AND', 'OR'])} ${generate(next, depth + 1)}`;
  const op = pick(ops);
  const value = op.includes('IN')
    ? `[${Array.from({ length: Math.floor(next() * 3) }, () => pick(scalars)).join(', ')}]`
    : pick(scalars);
  return `${pick(fields)} ${op} ${value}`;
}

function mutate(query: string, next: () => number): string {
  const chars = [...query];
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (chars.length + 1));
    const noise = '()[]",:=<>\\ AND OR NOT IN x1'.split('');
    const kind = next();
    if (kind < 0.33) chars.splice(at, 1);
    else if (kind < 0.66) chars.splice(at, 0, noise[Math.floor(next() * noise.length)]!);
    else chars.splice(at, 1, noise[Math.floor(next() * noise.length)]!);
  }
  return next() < 0.2 ? chars.join('').slice(0, Math.floor(next() * chars.length)) : chars.join('');
}

describe('searchQuery fuzzing against a real SQLite catalog', () => {
  let dir: string;
  let store: Store;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-library-fuzz-'));
    store = await openSqliteStore(join(dir, 'library.db'));
    const now = Date.now();
    const schemas: Array<[string, CustomMetadataFieldSchema]> = [
      ['brand', { type: 'Text' }],
      ['price', { type: 'Number' }],
      ['flags', { type: 'MultiSelect', selectOptions: ['a', 'b', 1, true] }],
    ];
    for (const [name, schema] of schemas) {
      await store.insertCustomMetadataField({
        id: name,
        name,
        label: name,
        schema,
        description: null,
        isDeleted: false,
        createdAt: now,
        updatedAt: now,
      });
    }
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('never throws anything but a 400, and never takes long, over thousands of queries', async (t) => {
    const next = random(20261126);
    const queries: string[] = [];
    for (let i = 0; i < 1500; i++) queries.push(generate(next));
    for (let i = 0; i < 1500; i++)
      queries.push(mutate(next() < 0.5 ? generate(next) : docsExamples[i % docsExamples.length]!, next));
    for (let i = 0; i < 300; i++) {
      queries.push(
        String.fromCharCode(
          ...Array.from({ length: Math.floor(next() * 40) }, () => 32 + Math.floor(next() * 95)),
        ),
      );
    }
    let accepted = 0;
    let slowest = 0;
    for (const searchQuery of queries) {
      const started = performance.now();
      try {
        const query = await listQueryFor(store, { searchQuery, limit: '10' });
        await store.list(query);
        accepted++;
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 400) {
          assert.fail(`query ${JSON.stringify(searchQuery)} threw ${(error as Error).stack}`);
        }
        assert.match(error.body.message, /^Invalid search query: .+ at position \d+$/, searchQuery);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    t.diagnostic(`${queries.length} queries, ${accepted} accepted, slowest ${slowest.toFixed(1)} ms`);
    assert.ok(accepted > 300, 'the generator produces plenty of valid queries too');
    assert.ok(slowest < 1000, `no query took a second (slowest ${slowest.toFixed(0)} ms)`);
  });
});
