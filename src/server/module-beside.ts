import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A module beside the caller (`base`: its `import.meta.url`) that another process or thread
 * loads: the built JavaScript, or else its TypeScript source (tests and `npm start` run the source
 * through tsx, which the process or thread then has to load too).
 */
export function moduleBeside(base: string, name: string): { path: string; url: URL; source: boolean } {
  const built = new URL(`./${name}.js`, base);
  const url = existsSync(fileURLToPath(built)) ? built : new URL(`./${name}.ts`, base);
  return { path: fileURLToPath(url), url, source: url !== built };
}
