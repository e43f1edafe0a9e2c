import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AiImage, DetectedLabel, Tagger, TagOptions } from '../providers.js';
import type { AwsRekognitionConfig } from './config.js';
import { type ProviderCall, postJson, providerFailed } from './http.js';
import { imageForProvider } from './image.js';

const provider = 'AWS Rekognition';

/** DetectLabels' answer, as far as we read it (docs.aws.amazon.com/rekognition/latest/APIReference/API_DetectLabels.html). */
interface DetectLabelsResponse {
  Labels?: {
    Name?: string;
    Confidence?: number;
    Instances?: { BoundingBox?: { Width: number; Height: number; Left: number; Top: number } }[];
  }[];
}

/**
 * `aws-auto-tagging` through Rekognition's DetectLabels: a JSON 1.1 POST with
 * `X-Amz-Target: RekognitionService.DetectLabels`, signed with Signature Version 4 for the
 * `rekognition` service in the configured region. Boxes come back as fractions of the image.
 */
export class AwsRekognitionTagger implements Tagger {
  readonly source = 'aws-auto-tagging';
  readonly external;
  readonly #config: AwsRekognitionConfig;
  readonly #call: ProviderCall;
  readonly #signer: SignatureV4;

  constructor(config: AwsRekognitionConfig, limits: Omit<ProviderCall, 'provider'>) {
    this.#config = config;
    this.#call = { provider, ...limits };
    this.external = { provider, sendPrivate: config.sendPrivate };
    this.#signer = new SignatureV4({
      service: 'rekognition',
      region: config.region,
      credentials: {
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
        ...(config.sessionToken && { sessionToken: config.sessionToken }),
      },
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  async tag(image: AiImage, options: TagOptions): Promise<DetectedLabel[]> {
    const url = new URL(this.#config.endpoint ?? `https://rekognition.${this.#config.region}.amazonaws.com`);
    const body = JSON.stringify({
      Image: { Bytes: (await imageForProvider(image)).toString('base64') },
      ...(options.maxTags !== undefined && { MaxLabels: options.maxTags }),
      ...(options.minConfidence !== undefined && { MinConfidence: options.minConfidence }),
    });
    const signed = await this.#signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port && { port: Number(url.port) }),
      path: url.pathname,
      query: {},
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'RekognitionService.DetectLabels',
      },
      body,
    });
    const answer = (await postJson(this.#call, url.href, {
      headers: signed.headers as Record<string, string>,
      body,
    })) as DetectLabelsResponse;
    if (!Array.isArray(answer.Labels)) throw providerFailed(provider, 'its answer has no Labels.');
    const labels: DetectedLabel[] = [];
    for (const label of answer.Labels) {
      if (typeof label.Name !== 'string' || typeof label.Confidence !== 'number') continue;
      const box = label.Instances?.find((instance) => instance.BoundingBox)?.BoundingBox;
      labels.push({
        name: label.Name,
        confidence: Math.round(label.Confidence * 100) / 100,
        ...(box && {
          box: {
            x: Math.round(box.Left * image.width),
            y: Math.round(box.Top * image.height),
            width: Math.round(box.Width * image.width),
            height: Math.round(box.Height * image.height),
          },
        }),
      });
    }
    return bounded(labels, options);
  }
}

/** Most confident first, above `minConfidence`, at most `maxTags`: whatever the provider did itself. */
export function bounded(labels: DetectedLabel[], options: TagOptions): DetectedLabel[] {
  return labels
    .filter((label) => label.confidence >= (options.minConfidence ?? 0))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, options.maxTags ?? labels.length);
}
