/**
 * The app's icon as SVG, rendered to PNGs at build (vite.config.ts): a picture on the accent
 * colour. `maskable` keeps the picture inside the safe zone (the middle 80%) on a full-bleed square.
 */
export function appIconSvg(size: number, maskable = false): string {
  const radius = maskable ? 0 : size * 0.2;
  const inset = maskable ? size * 0.22 : size * 0.16;
  const w = size - inset * 2;
  const x = inset;
  const y = inset + w * 0.1;
  const h = w * 0.8;
  const stroke = size * 0.045;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${radius}" fill="#2456d3"/>
  <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${w * 0.08}" fill="none" stroke="#fff" stroke-width="${stroke}"/>
  <circle cx="${x + w * 0.7}" cy="${y + h * 0.3}" r="${w * 0.09}" fill="#fff"/>
  <path d="M${x + w * 0.08} ${y + h * 0.88} L${x + w * 0.38} ${y + h * 0.48} L${x + w * 0.58} ${y + h * 0.72} L${x + w * 0.72} ${y + h * 0.58} L${x + w * 0.92} ${y + h * 0.88} Z" fill="#fff"/>
</svg>`;
}

/** The web app manifest: installable, opening like a desktop app at the library. */
export function appManifest(): Record<string, unknown> {
  return {
    name: 'Media Library',
    short_name: 'Media',
    description: 'Browse, upload, edit and share the team’s images, videos and documents.',
    id: '/app/',
    start_url: '/app/',
    scope: '/app/',
    display: 'standalone',
    background_color: '#ffffff',
    theme_color: '#2456d3',
    icons: [
      { src: '/app/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/app/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/app/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  };
}
