import type {
  AiImage,
  BackgroundRemover,
  DetectedLabel,
  ImageAnalyser,
  ImageAnalysis,
  Tagger,
  TagOptions,
} from '../providers.js';
import { detect, personMask } from './model-process.js';
import { readText } from './ocr.js';

/** Faces, objects and text: Human (BlazeFace, CenterNet) then tesseract, one image at a time per job. */
export class LocalAnalyser implements ImageAnalyser {
  async analyse(image: AiImage): Promise<ImageAnalysis> {
    const found = await detect(image.bytes, image.width);
    const words = await readText(image.bytes);
    return { ...found, words };
  }
}

/** The labels an analysis gives, as ImageKit's `AITags`: objects, `face`/`people` and their count, `text`. */
export function labelsOf(analysis: ImageAnalysis, options: TagOptions = {}): DetectedLabel[] {
  const best = new Map<string, DetectedLabel>();
  const add = (label: DetectedLabel) => {
    const seen = best.get(label.name);
    if (!seen || seen.confidence < label.confidence) best.set(label.name, label);
  };
  for (const o of analysis.objects) add({ name: o.label, confidence: o.confidence, box: o.box });
  const faces = analysis.faces.length;
  if (faces > 0) {
    const confidence = Math.max(...analysis.faces.map((f) => f.confidence));
    add({ name: 'face', confidence });
    if (faces > 1) add({ name: 'people', confidence });
    add({ name: `${faces} ${faces === 1 ? 'face' : 'faces'}`, confidence });
  }
  if (analysis.words.length > 0) {
    const mean = analysis.words.reduce((sum, w) => sum + w.confidence, 0) / analysis.words.length;
    add({ name: 'text', confidence: Math.round(mean) });
  }
  return [...best.values()]
    .filter((l) => l.confidence >= (options.minConfidence ?? 0))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, options.maxTags ?? Number.POSITIVE_INFINITY);
}

/** The local tagger under an extension's name: ImageKit's `AITags[].source` is that name. */
export class LocalTagger implements Tagger {
  readonly source: string;
  readonly #analyser: ImageAnalyser;

  constructor(source: string, analyser: ImageAnalyser) {
    this.source = source;
    this.#analyser = analyser;
  }

  async tag(image: AiImage, options: TagOptions): Promise<DetectedLabel[]> {
    return labelsOf(await this.#analyser.analyse(image), options);
  }
}

/** People cut out with the selfie segmentation model: a PNG of the image's size, transparent elsewhere. */
export class LocalBackgroundRemover implements BackgroundRemover {
  async removeBackground(image: AiImage): Promise<Buffer> {
    const sharp = (await import('sharp')).default;
    const mask = await personMask(image.bytes);
    const alpha = await sharp(mask.alpha, { raw: { width: mask.width, height: mask.height, channels: 1 } })
      .resize(image.width, image.height, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer();
    // sharp applies removeAlpha after joinChannel in one pipeline: take the RGB pixels first.
    const rgb = await sharp(image.bytes)
      .rotate()
      .resize(image.width, image.height, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer();
    return sharp(rgb, { raw: { width: image.width, height: image.height, channels: 3 } })
      .joinChannel(alpha, { raw: { width: image.width, height: image.height, channels: 1 } })
      .png()
      .toBuffer();
  }
}
