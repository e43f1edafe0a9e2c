// Fails when custom-elements.json is not what the analyzer makes of src/element now.
// Fix with `npm run analyze` and commit the result.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// The analyzer takes --outdir relative to the working directory; .scratch/ is ignored by git.
mkdirSync('.scratch', { recursive: true });
const out = mkdtempSync(join('.scratch', 'cem-'));
try {
  execFileSync(join('node_modules', '.bin', 'cem'), ['analyze', '--outdir', out], { stdio: 'pipe' });
  const fresh = readFileSync(join(out, 'custom-elements.json'), 'utf8');
  const committed = readFileSync('custom-elements.json', 'utf8');
  if (fresh !== committed) {
    console.error(
      'custom-elements.json is out of date with src/element: run `npm run analyze` and commit it.',
    );
    process.exit(1);
  }
  console.log('custom-elements.json is current.');
} finally {
  rmSync(out, { recursive: true, force: true });
}
