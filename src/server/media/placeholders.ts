import sharp from 'sharp';

/** What a file that is not a picture looks like in a grid: a glyph per kind, no text (no fonts needed). */
export type PlaceholderKind = 'video' | 'audio' | 'pdf' | 'document';

export function placeholderKind(mime: string): PlaceholderKind {
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime === 'application/pdf') return 'pdf';
  return 'document';
}

const size = 512;

const page = (accent: string) => `
  <path d="M150 86h150l82 82v258a20 20 0 0 1-20 20H150a20 20 0 0 1-20-20V106a20 20 0 0 1 20-20z" fill="#ffffff" stroke="#adb5bd" stroke-width="8"/>
  <path d="M300 86v62a20 20 0 0 0 20 20h62" fill="none" stroke="#adb5bd" stroke-width="8"/>
  <rect x="130" y="330" width="252" height="56" fill="${accent}"/>`;

const lines = `
  <g stroke="#ced4da" stroke-width="14" stroke-linecap="round">
    <path d="M180 210h150M180 250h150M180 290h110"/>
  </g>`;

const glyphs: Record<PlaceholderKind, string> = {
  video: `
    <circle cx="256" cy="256" r="130" fill="#4c6ef5"/>
    <path d="M222 190v132l112-66z" fill="#ffffff"/>`,
  audio: `
    <circle cx="256" cy="256" r="130" fill="#12b886"/>
    <path d="M226 306V176l100-24v128" fill="none" stroke="#ffffff" stroke-width="18" stroke-linejoin="round"/>
    <circle cx="204" cy="308" r="26" fill="#ffffff"/><circle cx="304" cy="284" r="26" fill="#ffffff"/>`,
  pdf: page('#e03131') + lines,
  document: page('#868e96') + lines,
};

const cache = new Map<PlaceholderKind, Promise<Buffer>>();

/** A 512×512 PNG standing for the file; rendered once per kind and kept. */
export function placeholderImage(kind: PlaceholderKind): Promise<Buffer> {
  let image = cache.get(kind);
  if (!image) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
      <rect width="${size}" height="${size}" fill="#f1f3f5"/>${glyphs[kind]}</svg>`;
    image = sharp(Buffer.from(svg)).png().toBuffer();
    cache.set(kind, image);
  }
  return image;
}
