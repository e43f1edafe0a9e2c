// Fails when the core bundle (dist/media-library.js, what a page loads before anything lazy) is
// over its budget: 35 KB at gzip level 9, as bench/element.mjs measures it. New UI belongs in lazy
// chunks. Run after `npm run build:browser`. Usage: node scripts/check-bundle-size.mjs [FILE]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const budget = 35 * 1024;
const file = process.argv[2] ?? 'dist/media-library.js';
let bytes;
try {
  bytes = gzipSync(readFileSync(file), { level: 9 }).length;
} catch (error) {
  console.error(`${file} cannot be read (${error.code}): run \`npm run build:browser\` first.`);
  process.exit(1);
}
const summary = `${file}: ${bytes.toLocaleString('en')} B gzip, budget ${budget.toLocaleString('en')} B`;
if (bytes > budget) {
  console.error(
    `${summary}: ${bytes - budget} B over. Move new UI into a lazy chunk (docs/architecture.md).`,
  );
  process.exit(1);
}
console.log(`${summary} (${budget - bytes} B to spare)`);
