import { createRequire } from 'node:module';
import sharp from 'sharp';

const require = createRequire(import.meta.url);

/** A word is kept only at this confidence or more: photos give junk words around 30–60. */
export const minWordConfidence = 60;
/** Longest side given to tesseract: banners stay legible, a photo does not take tens of seconds. */
const ocrSide = 1600;

export interface OcrWord {
  text: string;
  confidence: number;
}

// biome-ignore lint/suspicious/noExplicitAny: tesseract.js's worker type is not needed beyond recognize.
let loading: Promise<any> | undefined;

/** One tesseract worker per process, made on first use from the packaged English data (no CDN). */
function worker() {
  loading ??= (async () => {
    const { createWorker, OEM } = await import('tesseract.js');
    const eng = require('@tesseract.js-data/eng') as { langPath: string; gzip: boolean };
    return createWorker('eng', OEM.LSTM_ONLY, {
      langPath: eng.langPath,
      gzip: eng.gzip,
      cacheMethod: 'none',
    });
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** A word worth keeping: letters or digits, two letters at least, three characters at least. */
function cleanWord(word: OcrWord): OcrWord | undefined {
  if (word.confidence < minWordConfidence) return undefined;
  const text = word.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
  if (text.length < 3 || (text.match(/\p{L}/gu)?.length ?? 0) < 2) return undefined;
  return { text, confidence: word.confidence };
}

/** The confident words of the image, in reading order; empty when it has no text. */
export async function readText(bytes: Buffer): Promise<OcrWord[]> {
  const png = await sharp(bytes, { limitInputPixels: 268_402_689 })
    .rotate()
    .resize(ocrSide, ocrSide, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
  const result = await (await worker()).recognize(png, {}, { blocks: true });
  type Block = { paragraphs: Array<{ lines: Array<{ words: OcrWord[] }> }> };
  const found = ((result.data.blocks ?? []) as Block[]).flatMap((b) =>
    b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)),
  );
  return found.map(cleanWord).filter((w): w is OcrWord => w !== undefined);
}

/** Ends the worker (tests and shutdown); the next call makes a new one. */
export async function closeOcr(): Promise<void> {
  const current = loading;
  loading = undefined;
  if (current) await (await current).terminate();
}
