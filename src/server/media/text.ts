import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { invalid } from './values.js';

/**
 * Text for `l-text` layers, set by libvips' Pango: the bundled fonts (fonts/, Apache 2.0) or a
 * font file uploaded to the library. Fonts are registered with fontconfig once per file.
 */

/** A font Pango can find: its family name, and the file that holds it (registered on first use). */
export interface FontFace {
  family: string;
  files: string[];
}

const fontsDir = fileURLToPath(new URL('../../../fonts/', import.meta.url));

const bundled: Record<string, FontFace> = {
  opensans: {
    family: 'Open Sans',
    files: ['Regular', 'Bold', 'Italic', 'BoldItalic'].map((s) => `${fontsDir}open-sans/OpenSans-${s}.ttf`),
  },
  roboto: {
    family: 'Roboto',
    files: ['Regular', 'Bold'].map((s) => `${fontsDir}roboto/Roboto-${s}.ttf`),
  },
};

export const defaultFont = bundled.opensans!;
export const bundledFontNames = Object.values(bundled).map((f) => f.family);

/** `ff-Open Sans`, `ff-open_sans`, `ff-Roboto`: a bundled font, or a 400 listing them. */
export function bundledFont(name: string): FontFace {
  const font = bundled[name.toLowerCase().replace(/[\s_-]/g, '')];
  if (!font) {
    throw invalid(
      `ff-${name}`,
      `this server bundles ${bundledFontNames.join(' and ')}; for another font, upload its .ttf, .otf or .woff and name its path (ff-fonts@@my-font.ttf).`,
    );
  }
  return font;
}

const registered = new Map<string, Promise<void>>();

/** libvips adds a `fontfile` to fontconfig the first time a text names it; do that once per file. */
function register(file: string): Promise<void> {
  let done = registered.get(file);
  if (!done) {
    done = sharp({ text: { text: '.', fontfile: file, dpi: 72 } })
      .raw()
      .toBuffer()
      .then(() => {});
    registered.set(file, done);
    done.catch(() => registered.delete(file));
  }
  return done;
}

/**
 * A WOFF (1.0) font as the TrueType or OpenType file it wraps: each table inflated, laid out again
 * behind an sfnt directory. Undefined for anything else, or a table that does not inflate to its size.
 */
export function sfntFromWoff(woff: Buffer): Buffer | undefined {
  try {
    if (woff.length < 44 || woff.toString('latin1', 0, 4) !== 'wOFF') return undefined;
    const count = woff.readUInt16BE(12);
    const tables: Array<{ tag: string; checksum: number; data: Buffer }> = [];
    for (let i = 0; i < count; i++) {
      const at = 44 + i * 20;
      const offset = woff.readUInt32BE(at + 4);
      const stored = woff.subarray(offset, offset + woff.readUInt32BE(at + 8));
      const length = woff.readUInt32BE(at + 12);
      const data = stored.length < length ? inflateSync(stored, { maxOutputLength: length }) : stored;
      if (data.length !== length) return undefined;
      tables.push({ tag: woff.toString('latin1', at, at + 4), checksum: woff.readUInt32BE(at + 16), data });
    }
    const power = 2 ** Math.floor(Math.log2(Math.max(1, count)));
    const head = Buffer.alloc(12 + count * 16);
    head.writeUInt32BE(woff.readUInt32BE(4), 0);
    head.writeUInt16BE(count, 4);
    head.writeUInt16BE(power * 16, 6);
    head.writeUInt16BE(Math.log2(power), 8);
    head.writeUInt16BE(count * 16 - power * 16, 10);
    const parts: Buffer[] = [head];
    let offset = head.length;
    tables.forEach((table, i) => {
      const record = 12 + i * 16;
      head.write(table.tag, record, 'latin1');
      head.writeUInt32BE(table.checksum, record + 4);
      head.writeUInt32BE(offset, record + 8);
      head.writeUInt32BE(table.data.length, record + 12);
      const padded = (table.data.length + 3) & ~3;
      parts.push(table.data, Buffer.alloc(padded - table.data.length));
      offset += padded;
    });
    return Buffer.concat(parts);
  } catch {
    return undefined;
  }
}

/** The family name an sfnt font (TTF, OTF) gives itself, from its `name` table. */
export function fontFamilyName(bytes: Buffer): string | undefined {
  try {
    const tables = bytes.readUInt16BE(4);
    for (let i = 0; i < tables; i++) {
      const record = 12 + i * 16;
      if (bytes.toString('latin1', record, record + 4) !== 'name') continue;
      const table = bytes.readUInt32BE(record + 8);
      const count = bytes.readUInt16BE(table + 2);
      const strings = table + bytes.readUInt16BE(table + 4);
      const names = new Map<number, string>();
      for (let n = 0; n < count; n++) {
        const at = table + 6 + n * 12;
        const platform = bytes.readUInt16BE(at);
        const nameId = bytes.readUInt16BE(at + 6);
        const length = bytes.readUInt16BE(at + 8);
        const start = strings + bytes.readUInt16BE(at + 10);
        if ((nameId !== 1 && nameId !== 16) || names.has(nameId)) continue;
        const raw = bytes.subarray(start, start + length);
        // Windows names are UTF-16BE; Macintosh ones single-byte.
        names.set(
          nameId,
          platform === 3 || platform === 0
            ? Buffer.from(raw).swap16().toString('utf16le')
            : raw.toString('latin1'),
        );
      }
      return names.get(16) ?? names.get(1);
    }
  } catch {
    // A truncated or foreign file: no name.
  }
  return undefined;
}

export interface TextStyle {
  text: string;
  font: FontFace;
  /** Pixels. */
  size: number;
  color: { r: number; g: number; b: number; alpha: number };
  bold: boolean;
  italic: boolean;
  strikethrough: boolean;
  /** Pixels between baselines. */
  lineHeight?: number;
  /** Wrap at this many pixels. */
  wrapWidth?: number;
  align: 'left' | 'center' | 'right';
}

const escapeMarkup = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const hex = (c: TextStyle['color']) =>
  `#${[c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** The text as RGBA pixels, cropped to the ink as ImageKit's layers are. */
export async function renderText(style: TextStyle, timeoutSeconds: number) {
  await Promise.all(style.font.files.map(register));
  const attributes = [
    `foreground="${hex(style.color)}"`,
    `fgalpha="${Math.max(1, Math.round(style.color.alpha * 100))}%"`,
    style.bold ? 'weight="bold"' : '',
    style.italic ? 'style="italic"' : '',
    style.strikethrough ? 'strikethrough="true"' : '',
    // Pango reads an absolute line height in 1024ths of a point; at 72 dpi a point is a pixel.
    style.lineHeight ? `line_height="${Math.max(1024, Math.round(style.lineHeight * 1024))}"` : '',
  ].join(' ');
  return sharp({
    text: {
      text: `<span ${attributes}>${escapeMarkup(style.text)}</span>`,
      font: `${style.font.family} ${style.size}`,
      dpi: 72,
      rgba: true,
      align: style.align === 'center' ? 'centre' : style.align,
      wrap: 'word-char',
      ...(style.wrapWidth && { width: Math.max(1, Math.round(style.wrapWidth)) }),
    },
  })
    .timeout({ seconds: timeoutSeconds })
    .raw()
    .toBuffer({ resolveWithObject: true });
}
