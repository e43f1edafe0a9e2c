/**
 * What the server's AI can do, one small interface per capability (docs/ai.md). Each has a local
 * implementation that runs on the server itself from packaged models, or an HTTP adapter for an
 * external provider the operator configured; none is required, and a capability with no provider
 * answers the request that needs it with a 400 saying so.
 */

/** An image to analyse, decoded once by the caller. */
export interface AiImage {
  bytes: Buffer;
  mime: string;
  width: number;
  height: number;
}

/**
 * Set on a provider that sends images off the server (an external adapter): callers check it with
 * `assertMaySend` (src/server/ai/privacy.ts) before handing it a file's bytes.
 */
export interface OffServer {
  /** The provider's name, for messages ("OpenAI-compatible API"). */
  provider: string;
  /** The operator let it receive private and unpublished files too (`…_SEND_PRIVATE=true`). */
  sendPrivate: boolean;
}

/** A rectangle in the analysed image's pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A label as ImageKit shapes `AITags`, with where it was found when the model says. */
export interface DetectedLabel {
  name: string;
  /** 0–100, as ImageKit's `AITags[].confidence`. */
  confidence: number;
  box?: Box;
}

export interface TagOptions {
  /** Drop labels under this confidence (0–100). */
  minConfidence?: number;
  /** At most this many labels, most confident first. */
  maxTags?: number;
}

/** Labels what an image shows (`google-auto-tagging`, `aws-auto-tagging`). */
export interface Tagger {
  /** Present when the images go to a third party. */
  readonly external?: OffServer;
  /** `AITags[].source`: the extension's name, or the local tagger's. */
  readonly source: string;
  tag(image: AiImage, options: TagOptions): Promise<DetectedLabel[]>;
}

/** Cuts the subject out (`remove-bg`, `e-bgremove`): a PNG of the same size with alpha outside it. */
export interface BackgroundRemover {
  /** Present when the images go to a third party. */
  readonly external?: OffServer;
  removeBackground(image: AiImage): Promise<Buffer>;
}

/** Writes alt text for an image, in the language asked for. */
export interface Captioner {
  /** Present when the images go to a third party. */
  readonly external?: OffServer;
  caption(image: AiImage, options: { language?: string }): Promise<string>;
}

/** A vector for "find similar": close vectors, similar images (cosine distance). */
export interface Embedder {
  /** Present when the images go to a third party. */
  readonly external?: OffServer;
  readonly model: string;
  embed(image: AiImage): Promise<Float32Array>;
}

export interface GeneratedImage {
  bytes: Buffer;
  mime: string;
}

/** Makes an image from a text prompt (the upload panel's "Generate"). */
export interface ImageGenerator {
  /** Present when the images go to a third party. */
  readonly external?: OffServer;
  generate(prompt: string, options: { width?: number; height?: number }): Promise<GeneratedImage>;
}

/** ImageKit's auto-tagging extensions by name. */
export type TaggingExtension = 'google-auto-tagging' | 'aws-auto-tagging';

/** The providers this server has, by capability; an absent one is not configured. */
export interface AiProviders {
  /** The tagger each auto-tagging extension uses: an external one where configured, else the local one. */
  taggers: Partial<Record<TaggingExtension, Tagger>>;
  backgroundRemover?: BackgroundRemover;
  captioner?: Captioner;
  embedder?: Embedder;
  imageGenerator?: ImageGenerator;
  /** The local models (faces, objects, text), when this node runs them. */
  analyser?: ImageAnalyser;
  /** Why this node cannot run the local models (`--no-ai`, model files missing): extensions needing them answer 400 with it. */
  unavailable?: string;
}

/** What the local models find in an image: faces, COCO objects and text (docs/ai.md). */
export interface ImageAnalysis {
  faces: Array<{ confidence: number; box: Box }>;
  objects: Array<{ label: string; confidence: number; box: Box }>;
  /** Words read by OCR, confident ones only, in reading order. */
  words: Array<{ text: string; confidence: number }>;
}

/**
 * Where an image's bytes are, for the local models: a file their process reads itself (an original
 * on local disk: the server neither reads nor copies it), or the bytes.
 */
export type ImageSource = { path: string } | { bytes: Uint8Array };

/** Runs the local models on an image; behind `fo-face`, `fo-<label>`, `text :` search and the local tagger. */
export interface ImageAnalyser {
  /** Boxes in the upright image's pixels (EXIF orientation applied). */
  analyse(image: ImageSource): Promise<ImageAnalysis>;
}
