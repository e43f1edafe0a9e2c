import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import MagicString from 'magic-string';
import sharp from 'sharp';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { appIconSvg, appManifest } from './src/app/icon.js';

/**
 * Three builds of src/element:
 * - `vite build`: `dist/media-library.js`, the script-tag file (`<script type="module">`) that
 *   registers `<media-library>`, with Lit bundled and minified. Lazy chunks (menus, advanced
 *   search, details, list view, catalogs other than English, later Uppy) sit beside it.
 * - `vite build --mode widget`: `dist/media-library-widget.js`, ImageKit's widget drop-in for
 *   script tags; it imports `./media-library.js` beside it rather than bundling a second copy.
 * - `vite build --mode bundler`: `dist/element/index.js` and `widget.js` for bundlers, with Lit
 *   as a dependency.
 * - `vite build --mode app`: `dist/app/`, the DAM app the server serves at `/app/` (its page,
 *   hashed files under `assets/`, the web manifest, icons and service worker). It bundles its own
 *   copy of the element, so the script-tag file stays as it is.
 */
export default defineConfig(({ mode }) => {
  if (mode === 'app') return appConfig();
  const bundler = mode === 'bundler';
  const widget = mode === 'widget';
  const entry = bundler
    ? { index: 'src/element/index.ts', widget: 'src/element/widget.ts' }
    : widget
      ? { 'media-library-widget': 'src/element/widget.ts' }
      : { 'media-library': 'src/element/index.ts' };
  return {
    publicDir: false,
    logLevel: 'warn',
    plugins: [
      removeStale(
        bundler ? 'dist/element' : 'dist',
        bundler
          ? /^(index|widget)\.js(\.map)?$|^chunks$/
          : widget
            ? /^media-library-widget\.js(\.map)?$/
            : /^media-library(?!-widget)[\w.-]*\.js(\.map)?$/,
      ),
      ...(bundler ? [] : [minifyLitTemplates()]),
    ],
    build: {
      target: 'es2022',
      outDir: bundler ? 'dist/element' : 'dist',
      emptyOutDir: false,
      sourcemap: true,
      minify: !bundler,
      reportCompressedSize: false,
      lib: { entry, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: {
        // Lets shared code join the entry instead of a separate chunk the entry must also load.
        preserveEntrySignatures: 'allow-extension',
        external: bundler
          ? [/^lit(\/|$)/, /^@lit\//, /^@lit-labs\//]
          : widget
            ? // The element comes from the script-tag file next to this one.
              (id) => id === './media-library.js'
            : [],
        output: {
          // Vite leaves whitespace in ES library builds (for bundlers' tree-shaking); the script-tag file is final.
          minify: !bundler,
          chunkFileNames: bundler ? 'chunks/[name]-[hash].js' : 'media-library.[name]-[hash].js',
          // Whatever the script-tag file loads at once stays in it: without this group, Rolldown moves
          // modules a lazy chunk also imports into chunks of their own, which the entry must fetch first.
          ...(!bundler &&
            !widget && { codeSplitting: { groups: [{ name: 'media-library', tags: ['$initial'] }] } }),
        },
      },
    },
  };
});

function appConfig(): UserConfig {
  const root = fileURLToPath(new URL('.', import.meta.url));
  return {
    root: join(root, 'src/app'),
    base: '/app/',
    publicDir: false,
    logLevel: 'warn',
    plugins: [minifyLitTemplates(), appShellFiles()],
    build: {
      target: 'es2022',
      outDir: join(root, 'dist/app'),
      emptyOutDir: true,
      sourcemap: true,
      reportCompressedSize: false,
      // The page's own script must not be inline: the server's CSP allows only the origin's files.
      modulePreload: { polyfill: false },
      assetsInlineLimit: 0,
    },
  };
}

/**
 * The app's files with fixed names beside the page: the web manifest, its PNG icons (rendered
 * from one SVG with sharp) and the service worker, which precaches the page and the files it loads
 * at once (the hashed names of this build).
 */
function appShellFiles(): Plugin {
  return {
    name: 'app-shell-files',
    apply: 'build',
    async generateBundle(_options, bundle) {
      for (const [fileName, size, maskable] of [
        ['icon-192.png', 192, false],
        ['icon-512.png', 512, false],
        ['icon-maskable-512.png', 512, true],
      ] as const) {
        const source = await sharp(Buffer.from(appIconSvg(size, maskable)))
          .png()
          .toBuffer();
        this.emitFile({ type: 'asset', fileName, source });
      }
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.webmanifest',
        source: `${JSON.stringify(appManifest(), null, 2)}\n`,
      });
      const initial = new Set<string>();
      const visit = (name: string) => {
        const item = bundle[name];
        if (!item || initial.has(name)) return;
        initial.add(name);
        if (item.type === 'chunk') {
          for (const next of item.imports) visit(next);
          for (const css of item.viteMetadata?.importedCss ?? []) initial.add(css);
        }
      };
      for (const [name, item] of Object.entries(bundle))
        if (item.type === 'chunk' && item.isEntry) visit(name);
      for (const [name, item] of Object.entries(bundle))
        if (item.type === 'asset' && name.endsWith('.css')) initial.add(name);
      const shell = [
        '/app/',
        ...[...initial].sort().map((name) => `/app/${name}`),
        '/app/manifest.webmanifest',
        '/app/icon-192.png',
      ];
      const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
      const worker = readFileSync(new URL('./src/app/service-worker.js', import.meta.url), 'utf8')
        .replace('self.__APP_SHELL__', JSON.stringify(shell))
        .replace('self.__APP_VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: worker });
    },
  };
}

/** Chunk names carry hashes: remove the last build's files first (the output directory also holds tsc's). */
function removeStale(dir: string, pattern: RegExp): Plugin {
  return {
    name: 'remove-stale-build',
    apply: 'build',
    buildStart() {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names)
        if (pattern.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
    },
  };
}

type Node = { type?: string; start: number; end: number; [key: string]: unknown };
type TemplateElement = Node & { value: { raw: string } };

/** Collapses the indentation inside Lit's html``, svg`` and css`` templates (JS minifiers keep template text). */
function minifyLitTemplates(): Plugin {
  return {
    name: 'minify-lit-templates',
    enforce: 'post',
    transform(code, id) {
      if (!/\/src\/(element|app)\//.test(id) || !/\b(html|css|svg)`/.test(code)) return null;
      const out = new MagicString(code);
      const visit = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) {
          for (const child of node) visit(child);
          return;
        }
        const n = node as Node;
        const tag = n.tag as Node & { name?: string };
        if (
          n.type === 'TaggedTemplateExpression' &&
          tag?.type === 'Identifier' &&
          /^(html|css|svg)$/.test(tag.name ?? '')
        ) {
          for (const quasi of (n.quasi as Node).quasis as TemplateElement[]) {
            const raw = code.slice(quasi.start, quasi.end);
            // Offsets must be the string's own; anything else is left alone.
            if (raw !== quasi.value.raw) continue;
            const min = tag.name === 'css' ? minifyCss(raw) : minifyMarkup(raw);
            if (min !== raw) out.overwrite(quasi.start, quasi.end, min || ' ');
          }
        }
        for (const key in n) if (key !== 'type' && key !== 'start' && key !== 'end') visit(n[key]);
      };
      visit(this.parse(code));
      return out.hasChanged()
        ? { code: out.toString(), map: out.generateMap({ hires: true, source: id }) }
        : null;
    },
  };
}

/**
 * Whitespace with a line break goes: between tags and before a tag's closing `>` (after an
 * attribute's quote, or a binding at the start of a piece) entirely, elsewhere down to one space.
 */
function minifyMarkup(text: string): string {
  return text
    .replace(/>\s*\n\s*</g, '><')
    .replace(/(^|["'])\s*\n\s*(\/?>)/g, '$1$2')
    .replace(/\s*\n\s*/g, ' ');
}

function minifyCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/(?<![\w.])0\.(\d)/g, '.$1')
    .replace(/#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3\b/gi, '#$1$2$3')
    .replace(/;}/g, '}')
    .trim();
}
