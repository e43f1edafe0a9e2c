/**
 * Random searchQuery text for fuzzing: valid queries over every field and operator, mutations of
 * them, and noise. Deterministic from a seed, so a failing query can be reproduced.
 */

/** A small deterministic PRNG, so a failing query can be reproduced from its seed. */
export function random(seed: number): () => number {
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

export const docsExamples = [
  'createdAt > "7d" AND name: "file-name"',
  '(size < "1mb" AND width > 500) OR (tags IN ["summer-sale","banner"])',
  'name IN ["red-dress.jpg", "red-dress.png"]',
  '"embeddedMetadata.Keywords" IN ["luxury", "dress"]',
  '"customMetadata.brand" IN ["luxury", 500, true]',
  'createdAt < "2020-01-01T12:12:12"',
];

export function generate(next: () => number, depth = 0): string {
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

export function mutate(query: string, next: () => number): string {
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

/** `count` queries of each kind: generated, mutated, and printable noise. */
export function fuzzQueries(seed: number, count: number): string[] {
  const next = random(seed);
  const queries: string[] = [];
  for (let i = 0; i < count; i++) queries.push(generate(next));
  for (let i = 0; i < count; i++)
    queries.push(mutate(next() < 0.5 ? generate(next) : docsExamples[i % docsExamples.length]!, next));
  for (let i = 0; i < count / 5; i++) {
    queries.push(
      String.fromCharCode(
        ...Array.from({ length: Math.floor(next() * 40) }, () => 32 + Math.floor(next() * 95)),
      ),
    );
  }
  return queries;
}
