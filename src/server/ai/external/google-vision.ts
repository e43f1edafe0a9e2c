import type { AiImage, DetectedLabel, Tagger, TagOptions } from '../providers.js';
import { bounded } from './aws-rekognition.js';
import type { GoogleVisionConfig } from './config.js';
import { type ProviderCall, postJson, providerFailed } from './http.js';
import { imageForProvider } from './image.js';

const provider = 'Google Cloud Vision';

/** `images:annotate`'s answer for one image (cloud.google.com/vision/docs/request). */
interface AnnotateResponse {
  responses?: {
    labelAnnotations?: { description?: string; score?: number }[];
    error?: { code?: number; message?: string };
  }[];
}

/**
 * `google-auto-tagging` through Cloud Vision's `images:annotate` with `LABEL_DETECTION`,
 * authenticated with an API key (`?key=`). Scores (0–1) become ImageKit's confidences (0–100).
 */
export class GoogleVisionTagger implements Tagger {
  readonly source = 'google-auto-tagging';
  readonly external;
  readonly #config: GoogleVisionConfig;
  readonly #call: ProviderCall;

  constructor(config: GoogleVisionConfig, limits: Omit<ProviderCall, 'provider'>) {
    this.#config = config;
    this.#call = { provider, ...limits };
    this.external = { provider, sendPrivate: config.sendPrivate };
  }

  async tag(image: AiImage, options: TagOptions): Promise<DetectedLabel[]> {
    const url = new URL('/v1/images:annotate', this.#config.endpoint ?? 'https://vision.googleapis.com');
    url.searchParams.set('key', this.#config.key);
    const body = JSON.stringify({
      requests: [
        {
          image: { content: (await imageForProvider(image)).toString('base64') },
          features: [{ type: 'LABEL_DETECTION', maxResults: options.maxTags ?? 10 }],
        },
      ],
    });
    const answer = (await postJson(this.#call, url.href, {
      headers: { 'content-type': 'application/json' },
      body,
    })) as AnnotateResponse;
    const result = answer.responses?.[0];
    if (!result) throw providerFailed(provider, 'its answer has no responses.');
    if (result.error) throw providerFailed(provider, result.error.message ?? `error ${result.error.code}`);
    const labels: DetectedLabel[] = (result.labelAnnotations ?? [])
      .filter((label) => typeof label.description === 'string' && typeof label.score === 'number')
      .map((label) => ({ name: label.description!, confidence: Math.round(label.score! * 10000) / 100 }));
    return bounded(labels, options);
  }
}
