import { defineConfig } from 'vite';

/**
 * The static bundle a Contentful app upload takes (`dist/app`): `index.html` at its root and
 * only relative links, as app bundles require. The element comes in through the package's
 * `media-library` export (its build for bundlers), so Lit is shared with the app's own parts.
 */
export default defineConfig({
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist/app',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
