import type { ShareStrings } from './share-strings.js';

/**
 * The HTML of a share link's public page: rendered on the server, complete without script (the
 * gallery's links open a preview page); a small inline script, allowed by the page's CSP nonce,
 * turns those links into a lightbox. Every value from the library is escaped here.
 */

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** One file of a gallery, with the URLs the page uses for it (relative to the page's origin). */
export interface GalleryItem {
  name: string;
  size: number;
  kind: 'image' | 'video' | 'pdf' | 'other';
  thumbUrl: string;
  screenUrl: string;
  viewUrl: string;
  /** Present when the link allows downloads. */
  downloadUrl?: string;
  /** The original, for a video to play (downloads allowed only). */
  originalUrl?: string;
}

export interface PageFrame {
  strings: ShareStrings;
  nonce: string;
  title: string;
  /** Absolute, for Open Graph. */
  pageUrl: string;
  description?: string;
  ogImage?: string;
}

export function formatBytes(bytes: number, lang: string): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** The CSP every page is sent with: nothing but our own images and media, and the nonce's style and script. */
export const pagePolicy = (nonce: string): string =>
  [
    "default-src 'none'",
    "img-src 'self'",
    "media-src 'self'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

const styles = `
:root{color-scheme:light dark;--fg:#1b1b1f;--bg:#fafafa;--muted:#5f6368;--card:#fff;--line:#d9d9de;--accent:#0b57d0;--focus:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8ec;--bg:#121214;--muted:#a0a0a8;--card:#1c1c20;--line:#34343a;--accent:#8ab4f8;--focus:#8ab4f8}}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.75rem 1.5rem;align-items:center;justify-content:space-between;padding:1rem 1.5rem;border-bottom:1px solid var(--line)}
h1{font-size:1.25rem;margin:0;overflow-wrap:anywhere}.meta{color:var(--muted);margin:0}
main{padding:1rem 1.5rem 3rem;max-width:1400px;margin:0 auto}
a{color:var(--accent)}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.button{display:inline-flex;align-items:center;gap:.4rem;padding:.45rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--bg);text-decoration:none;font:inherit;cursor:pointer}
.button.quiet{background:transparent;color:var(--accent)}
nav.crumbs ol{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;padding:0;margin:0 0 1rem}nav.crumbs li+li::before{content:"/";margin-right:.25rem;color:var(--muted)}
ul.folders{list-style:none;display:flex;flex-wrap:wrap;gap:.5rem;padding:0;margin:0 0 1.25rem}ul.folders a{display:inline-block;padding:.35rem .75rem;border:1px solid var(--line);border-radius:6px;background:var(--card);text-decoration:none}
ul.grid{list-style:none;display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:1rem;padding:0;margin:0}
ul.grid li{background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden;display:flex;flex-direction:column}
ul.grid .thumb{display:block;aspect-ratio:1;background:repeating-conic-gradient(#8881 0 25%,transparent 0 50%) 0 0/16px 16px}
ul.grid img{width:100%;height:100%;object-fit:contain;display:block}
.caption{padding:.5rem .65rem;display:flex;flex-direction:column;gap:.15rem;font-size:.875rem}.name{overflow-wrap:anywhere}.size{color:var(--muted)}
.caption a{font-size:.85rem}
.pages{display:flex;gap:1rem;margin-top:1.5rem}
.single{display:flex;flex-direction:column;align-items:center;gap:1rem}.single img,.single video{max-width:100%;max-height:80vh;object-fit:contain}
form.unlock{max-width:22rem;margin:10vh auto;display:flex;flex-direction:column;gap:.75rem}form.unlock input{font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:6px;background:var(--card);color:var(--fg)}
.error{color:#c5221f}@media (prefers-color-scheme:dark){.error{color:#f28b82}}
dialog{border:0;padding:0;background:#000d;color:#fff;max-width:100vw;max-height:100vh;width:100vw;height:100vh}
dialog::backdrop{background:#000c}dialog figure{margin:0;height:100%;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:.5rem;padding:3rem 4rem}
dialog img,dialog video{max-width:100%;max-height:calc(100vh - 8rem);object-fit:contain}
dialog .tools{position:absolute;inset:.75rem .75rem auto auto;display:flex;gap:.5rem}dialog .step{position:absolute;top:50%;transform:translateY(-50%)}dialog .prev{left:.75rem}dialog .next{right:.75rem}
dialog .button{background:#222;border-color:#777;color:#fff}
`;

/** The lightbox: the gallery's preview links open a dialog with arrow keys, Escape and focus return. */
const script = `
(() => {
  const links = [...document.querySelectorAll('a[data-preview]')];
  if (!links.length || !window.HTMLDialogElement) return;
  const d = document.getElementById('lightbox');
  const fig = d.querySelector('figure');
  let at = 0, from = null;
  const show = (i) => {
    at = (i + links.length) % links.length;
    const a = links[at], kind = a.dataset.kind, cap = document.createElement('figcaption');
    fig.replaceChildren();
    let media;
    if (kind === 'video' && a.dataset.original) {
      media = document.createElement('video');
      media.controls = true; media.poster = a.dataset.preview; media.src = a.dataset.original;
    } else {
      media = document.createElement('img');
      media.src = a.dataset.preview; media.alt = a.dataset.name;
    }
    cap.textContent = a.dataset.name;
    fig.append(media, cap);
    const dl = d.querySelector('a.download');
    if (dl) { if (a.dataset.download) { dl.href = a.dataset.download; dl.hidden = false; } else dl.hidden = true; }
  };
  links.forEach((a, i) => a.addEventListener('click', (e) => {
    if (e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault(); from = a; show(i); d.showModal();
  }));
  d.querySelector('.prev').addEventListener('click', () => show(at - 1));
  d.querySelector('.next').addEventListener('click', () => show(at + 1));
  d.querySelector('.close').addEventListener('click', () => d.close());
  d.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowLeft') { e.preventDefault(); show(at - 1); }
    if (e.key === 'ArrowRight') { e.preventDefault(); show(at + 1); }
  });
  d.addEventListener('close', () => { fig.replaceChildren(); from?.focus(); });
})();
`;

/** A whole page: head with Open Graph tags, styles, the body given, and (when asked) the lightbox. */
export function renderPage(frame: PageFrame, body: string, withLightbox = false): string {
  const s = frame.strings;
  const og = [
    `<meta property="og:type" content="website">`,
    `<meta property="og:title" content="${esc(frame.title)}">`,
    `<meta property="og:url" content="${esc(frame.pageUrl)}">`,
    frame.description ? `<meta property="og:description" content="${esc(frame.description)}">` : '',
    frame.ogImage ? `<meta property="og:image" content="${esc(frame.ogImage)}">` : '',
    `<meta name="twitter:card" content="${frame.ogImage ? 'summary_large_image' : 'summary'}">`,
  ].join('\n');
  const lightbox = withLightbox
    ? `<dialog id="lightbox" aria-label="${esc(s.preview(''))}"><div class="tools"><a class="button download" hidden download>${esc(s.download)}</a><button type="button" class="button close">${esc(s.close)}</button></div><button type="button" class="button step prev" aria-label="${esc(s.previous)}">‹</button><figure></figure><button type="button" class="button step next" aria-label="${esc(s.next)}">›</button></dialog><script nonce="${frame.nonce}">${script}</script>`
    : '';
  return `<!doctype html>
<html lang="${esc(s.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${esc(frame.title)}</title>
${og}
<style nonce="${frame.nonce}">${styles}</style>
</head>
<body>
${body}
${lightbox}
</body>
</html>`;
}

export function headerHtml(title: string, meta: string, action = ''): string {
  return `<header><div><h1>${esc(title)}</h1><p class="meta">${esc(meta)}</p></div>${action}</header>`;
}

/** A gallery's cards: the thumbnail links to the preview page (the script opens it in the lightbox). */
export function gridHtml(items: GalleryItem[], s: ShareStrings): string {
  const cards = items.map((item) => {
    const data = [
      `data-preview="${esc(item.screenUrl)}"`,
      `data-kind="${item.kind}"`,
      `data-name="${esc(item.name)}"`,
      item.downloadUrl ? `data-download="${esc(item.downloadUrl)}"` : '',
      item.originalUrl ? `data-original="${esc(item.originalUrl)}"` : '',
    ].join(' ');
    const download = item.downloadUrl
      ? `<a href="${esc(item.downloadUrl)}" download aria-label="${esc(s.downloadNameOf(item.name))}">${esc(s.download)}</a>`
      : '';
    return `<li><a class="thumb" href="${esc(item.viewUrl)}" ${data} aria-label="${esc(s.preview(item.name))}"><img src="${esc(item.thumbUrl)}" alt="" loading="lazy" decoding="async"></a><div class="caption"><span class="name">${esc(item.name)}</span><span class="size">${esc(formatBytes(item.size, s.lang))}</span>${download}</div></li>`;
  });
  return `<ul class="grid">${cards.join('')}</ul>`;
}

/** The preview of one file: the page a gallery link opens without script, and a shared file's page. */
export function singleHtml(item: GalleryItem, s: ShareStrings, backUrl?: string): string {
  const media =
    item.kind === 'video' && item.originalUrl
      ? `<video controls poster="${esc(item.screenUrl)}" src="${esc(item.originalUrl)}"></video>`
      : `<img src="${esc(item.screenUrl)}" alt="${esc(item.name)}">`;
  const download = item.downloadUrl
    ? `<a class="button" href="${esc(item.downloadUrl)}" download>${esc(s.download)}</a>`
    : `<p class="meta">${esc(s.previewsOnly)}</p>`;
  const back = backUrl ? `<a href="${esc(backUrl)}">${esc(s.back)}</a>` : '';
  return `<main class="single">${media}<p><span class="name">${esc(item.name)}</span> · <span class="size">${esc(formatBytes(item.size, s.lang))}</span></p>${download}${back}</main>`;
}

export function unlockHtml(s: ShareStrings, action: string, error?: string): string {
  const message = error ? `<p class="error" role="alert" id="unlock-error">${esc(error)}</p>` : '';
  const described = error ? ' aria-describedby="unlock-error"' : '';
  return `<main><form class="unlock" method="post" action="${esc(action)}"><h1>${esc(s.passwordTitle)}</h1><p>${esc(s.passwordHelp)}</p>${message}<label for="password">${esc(s.password)}</label><input id="password" name="password" type="password" required autocomplete="current-password" autofocus${described}><button class="button" type="submit">${esc(s.unlock)}</button></form></main>`;
}

export function messageHtml(title: string, text: string): string {
  return `<main><h1>${esc(title)}</h1><p>${esc(text)}</p></main>`;
}
