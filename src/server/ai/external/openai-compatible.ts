import sharp from 'sharp';
import type { AiImage, Captioner, GeneratedImage, ImageGenerator } from '../providers.js';
import type { OpenAiConfig } from './config.js';
import { type ProviderCall, postJson, providerFailed } from './http.js';
import { imageForProvider } from './image.js';

const provider = 'OpenAI-compatible API';

/** The longest alt text kept (the details form's field takes 4096 characters). */
const maxAltText = 1000;

const headersOf = (config: OpenAiConfig): Record<string, string> => ({
  'content-type': 'application/json',
  ...(config.key && { authorization: `Bearer ${config.key}` }),
});

/** `/chat/completions`' answer: the first choice's message (platform.openai.com/docs/api-reference/chat). */
interface ChatResponse {
  choices?: { message?: { content?: string | { type?: string; text?: string }[] | null } }[];
}

/**
 * Alt text from any OpenAI-compatible chat completions API with a vision model: the image goes
 * as a base64 `data:` URL in an `image_url` part, with an instruction to answer with the alt text only.
 */
export class OpenAiCaptioner implements Captioner {
  readonly external;
  readonly #config: OpenAiConfig & { captionModel: string };
  readonly #call: ProviderCall;

  constructor(config: OpenAiConfig & { captionModel: string }, limits: Omit<ProviderCall, 'provider'>) {
    this.#config = config;
    this.#call = { provider, ...limits };
    this.external = { provider, sendPrivate: config.sendPrivate };
  }

  async caption(image: AiImage, options: { language?: string }): Promise<string> {
    const jpeg = await imageForProvider(image, 1024);
    const language = options.language ? ` Write it in the language with the code "${options.language}".` : '';
    const body = JSON.stringify({
      model: this.#config.captionModel,
      max_tokens: 300,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'text',
              text: `Write alt text for this image: one or two plain sentences saying what it shows, for someone who cannot see it. Do not start with "Image of". Answer with the alt text only.${language}`,
            },
            { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } },
          ],
        },
      ],
    });
    const answer = (await postJson(this.#call, `${this.#config.url}/chat/completions`, {
      headers: headersOf(this.#config),
      body,
    })) as ChatResponse;
    const content = answer.choices?.[0]?.message?.content;
    const text = Array.isArray(content)
      ? content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('')
      : content;
    const altText = (text ?? '')
      .trim()
      .replace(/^["'“]+|["'”]+$/g, '')
      .trim();
    if (!altText) throw providerFailed(provider, 'its answer has no text.');
    return [...altText].slice(0, maxAltText).join('');
  }
}

/** `/images/generations`' answer (platform.openai.com/docs/api-reference/images/create). */
interface ImagesResponse {
  data?: { b64_json?: string }[];
}

const mimeOfFormat: Record<string, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/**
 * Text to image through any OpenAI-compatible `/images/generations`, the image returned as
 * `b64_json` (asked for with `response_format`, except from the GPT image models, which always
 * answer so and refuse the parameter).
 */
export class OpenAiImageGenerator implements ImageGenerator {
  readonly external;
  readonly #config: OpenAiConfig & { imageModel: string };
  readonly #call: ProviderCall;

  constructor(config: OpenAiConfig & { imageModel: string }, limits: Omit<ProviderCall, 'provider'>) {
    this.#config = config;
    this.#call = { provider, ...limits };
    // A prompt carries no file: nothing private is sent.
    this.external = { provider, sendPrivate: config.sendPrivate };
  }

  async generate(prompt: string, options: { width?: number; height?: number }): Promise<GeneratedImage> {
    const model = this.#config.imageModel;
    const size = `${options.width ?? 1024}x${options.height ?? options.width ?? 1024}`;
    const body = JSON.stringify({
      model,
      prompt,
      n: 1,
      size,
      ...(!model.startsWith('gpt-image') && { response_format: 'b64_json' }),
    });
    const answer = (await postJson(this.#call, `${this.#config.url}/images/generations`, {
      headers: headersOf(this.#config),
      body,
    })) as ImagesResponse;
    const encoded = answer.data?.[0]?.b64_json;
    if (typeof encoded !== 'string' || encoded === '')
      throw providerFailed(provider, 'its answer has no b64_json image.');
    const bytes = Buffer.from(encoded, 'base64');
    const format = await sharp(bytes)
      .metadata()
      .then((metadata) => metadata.format)
      .catch(() => undefined);
    const mime = format && mimeOfFormat[format];
    if (!mime) throw providerFailed(provider, 'its answer is not a PNG, JPEG or WebP image.');
    return { bytes, mime };
  }
}
