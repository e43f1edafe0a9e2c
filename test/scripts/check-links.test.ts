// scripts/check-links.mjs, which `npm test` runs over the repository's Markdown, on small trees.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/check-links.mjs', import.meta.url));

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'check-links-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function check() {
  const result = spawnSync(process.execPath, [script, root], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const guide = [
  '# The `<media-library>` element',
  '## Events',
  '## Events',
  '<a id="custom-spot"></a>',
  'Back to the [readme](../README.md#readme-title), [itself](#events-1), [code](../src/x.ts#L3-L9).',
  '',
].join('\n');

describe('scripts/check-links.mjs', () => {
  it('passes links to files, folders, GitHub heading slugs and HTML ids', () => {
    write({
      'README.md': [
        '# Readme title',
        '[Guide](docs/guide.md), [its element](docs/guide.md#the-media-library-element),',
        '[second Events](docs/guide.md#events-1), [spot](docs/guide.md#custom-spot), [here](#readme-title),',
        '[root-relative](/docs/guide.md), [folder](docs/), ![shot](docs/shot.png), [web](https://example.com/x#y).',
        '',
        '[ref]: docs/guide.md#events',
        '',
      ].join('\n'),
      'docs/guide.md': guide,
      'docs/shot.png': 'png',
      'src/x.ts': '',
    });
    const result = check();
    assert.equal(result.stderr, '');
    assert.equal(result.status, 0);
  });

  it('lists every missing file and anchor with its line, and fails', () => {
    write({
      'README.md': [
        '# Readme title',
        'A [gone file](docs/gone.md) and [a gone heading](docs/guide.md#usage).',
        '',
        '<img src="docs/images/none.png" alt="">',
        '',
        '[here](#readme) `[in code](nowhere.md)`',
        '',
        '```md',
        '[in a block](nowhere.md)',
        '```',
      ].join('\n'),
      'docs/guide.md': guide,
      'src/x.ts': '',
      'node_modules/pkg/README.md': '[not ours](missing.md)',
      '.cache/notes.md': '[not ours](missing.md)',
    });
    const result = check();
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      [
        '4 broken links in Markdown files:',
        '  README.md:2  (docs/gone.md)  docs/gone.md does not exist',
        '  README.md:2  (docs/guide.md#usage)  docs/guide.md has no heading or id for #usage',
        '  README.md:4  (docs/images/none.png)  docs/images/none.png does not exist',
        '  README.md:6  (#readme)  README.md has no heading or id for #readme',
        '',
      ].join('\n'),
    );
  });
});
