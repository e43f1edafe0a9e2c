import type {
  AiImage,
  BackgroundRemover,
  DetectedLabel,
  ImageAnalyser,
  ImageAnalysis,
  ImageSource,
  Tagger,
  TagOptions,
} from '../providers.js';
import { analyse, cutOut } from './model-process.js';

/**
 * Faces, objects and text: Human (BlazeFace, CenterNet) then tesseract, one image at a time, all
 * of it (decoding included) in the model process.
 */
export class LocalAnalyser implements ImageAnalyser {
  readonly #maxPixels: number;

  constructor(maxPixels: number) {
    this.#maxPixels = maxPixels;
  }

  analyse(image: ImageSource): Promise<ImageAnalysis> {
    return analyse(image, this.#maxPixels);
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
    return labelsOf(await this.#analyser.analyse({ bytes: image.bytes }), options);
  }
}

/** People cut out with the selfie segmentation model, in the model process: a PNG of the image's size. */
export class LocalBackgroundRemover implements BackgroundRemover {
  readonly #maxPixels: number;

  constructor(maxPixels: number) {
    this.#maxPixels = maxPixels;
  }

  removeBackground(image: AiImage): Promise<Buffer> {
    return cutOut({ bytes: image.bytes }, this.#maxPixels, image.width, image.height);
  }
}
