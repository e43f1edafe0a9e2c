// `npm run build:wordpress`: copies the built element (dist/media-library*.js, from
// `npm run build:browser`) into the WordPress plugin and writes dist/media-library-wordpress.zip,
// an installable plugin holding only what WordPress runs.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';

const root = fileURLToPath(new URL('..', import.meta.url));
const plugin = join(root, 'plugins/wordpress');
const elementDir = join(plugin, 'assets/element');
const zipPath = join(root, 'dist/media-library-wordpress.zip');
/** What a WordPress site needs; anything else in the folder (notes, tests, maps) stays out. */
const shipped =
  /^(media-library\.php|uninstall\.php|readme\.txt|includes\/[\w-]+\.php|assets\/[\w-]+\.js|assets\/element\/media-library[\w.-]*\.js|languages\/[\w-]+\.(pot|po|mo|json))$/;

const built = existsSync(join(root, 'dist')) ? await readdir(join(root, 'dist')) : [];
const elementFiles = built.filter((name) => /^media-library(?!-widget)[\w.-]*\.js$/.test(name));
if (!elementFiles.includes('media-library.js')) {
  console.error('No dist/media-library.js: run `npm run build:browser` first.');
  process.exit(1);
}
await rm(elementDir, { recursive: true, force: true });
await mkdir(elementDir, { recursive: true });
for (const name of elementFiles) await copyFile(join(root, 'dist', name), join(elementDir, name));

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

const files = {};
for await (const path of walk(plugin)) {
  const name = relative(plugin, path).split('\\').join('/');
  if (!shipped.test(name)) continue;
  const { mtime } = await stat(path);
  files[`media-library/${name}`] = [new Uint8Array(await readFile(path)), { mtime }];
}
await writeFile(zipPath, zipSync(files, { level: 9 }));
console.log(
  `${relative(root, zipPath)}: ${Object.keys(files).length} files, element ${elementFiles.length} files`,
);
