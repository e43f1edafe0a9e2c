// Fails when a relative link or #anchor in a Markdown file leads nowhere, resolved as GitHub
// resolves it: paths from the file's folder (`/…` from the root), anchors by GitHub's heading
// slugs (github-slugger) or an HTML `id`/`name`. Skips node_modules and dot-folders; web links
// are not fetched. Usage: node scripts/check-links.mjs [ROOT]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { toString as textOf } from 'mdast-util-to-string';

const root = resolve(process.argv[2] ?? '.');

/** Every *.md file under `dir`, outside node_modules and dot-folders (.git, caches). */
function markdownFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : markdownFiles(path);
    }
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Anchors a page has on GitHub, and the links it makes, each with its line. */
function readPage(file) {
  const tree = fromMarkdown(readFileSync(file, 'utf8'));
  const slugger = new GithubSlugger();
  const anchors = new Set();
  const links = [];
  const visit = (node) => {
    const line = node.position?.start.line ?? 0;
    if (node.type === 'heading') anchors.add(slugger.slug(textOf(node, { includeHtml: false })));
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      links.push({ url: node.url, line });
    }
    if (node.type === 'html') {
      for (const match of node.value.matchAll(/\s(?:id|name)\s*=\s*["']([^"']+)["']/gi))
        anchors.add(match[1]);
      for (const match of node.value.matchAll(/\s(?:href|src)\s*=\s*["']([^"']+)["']/gi)) {
        links.push({ url: match[1], line });
      }
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(tree);
  return { anchors, links };
}

const pages = new Map();
const pageOf = (file) => {
  if (!pages.has(file)) pages.set(file, readPage(file));
  return pages.get(file);
};

/** Why `url`, written in `file`, leads nowhere; undefined when it resolves (or is not relative). */
function brokenReason(file, url) {
  if (/^[a-z][a-z\d+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
  const hashAt = url.indexOf('#');
  const pathPart = (hashAt < 0 ? url : url.slice(0, hashAt)).split('?')[0];
  let path;
  let anchor;
  try {
    path = decodeURIComponent(pathPart);
    anchor = hashAt < 0 ? undefined : decodeURIComponent(url.slice(hashAt + 1));
  } catch {
    return 'is not a valid URL (a stray %)';
  }
  const target = path === '' ? file : path.startsWith('/') ? join(root, path) : resolve(dirname(file), path);
  const shown = relative(root, target).split(sep).join('/') || '.';
  if (!existsSync(target)) return `${shown} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(target).isDirectory()) return `${shown} is a folder, which has no #${anchor}`;
  if (!target.endsWith('.md'))
    return /^L\d+(-L\d+)?$/.test(anchor) ? undefined : `${shown} has no #${anchor}`;
  return pageOf(target).anchors.has(anchor) ? undefined : `${shown} has no heading or id for #${anchor}`;
}

const problems = [];
let count = 0;
const files = markdownFiles(root).sort();
for (const file of files) {
  for (const { url, line } of pageOf(file).links) {
    count++;
    const reason = brokenReason(file, url);
    if (reason) problems.push(`  ${relative(root, file).split(sep).join('/')}:${line}  (${url})  ${reason}`);
  }
}
if (problems.length > 0) {
  console.error(`${problems.length} broken link${problems.length === 1 ? '' : 's'} in Markdown files:`);
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${count} links in ${files.length} Markdown files checked; the relative ones resolve.`);
