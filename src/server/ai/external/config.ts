/**
 * Which external AI providers the operator set up (docs/ai-providers.md). Each is off until its
 * credentials are set, and each sends only published, public files' bytes unless its
 * `…_SEND_PRIVATE=true` says the operator accepts that private files leave the server too.
 */

/** AWS Rekognition DetectLabels, for `aws-auto-tagging`. */
export interface AwsRekognitionConfig {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Another endpoint than `https://rekognition.<region>.amazonaws.com` (a VPC endpoint, a test server). */
  endpoint?: string;
  sendPrivate: boolean;
}

/** Google Cloud Vision label detection, for `google-auto-tagging`. */
export interface GoogleVisionConfig {
  key: string;
  /** Another endpoint than `https://vision.googleapis.com` (a test server). */
  endpoint?: string;
  sendPrivate: boolean;
}

/** Any OpenAI-compatible API: chat completions for alt text, image generations for "Generate". */
export interface OpenAiConfig {
  /** The API's base URL, up to and including its version: `https://api.openai.com/v1`. */
  url: string;
  key?: string;
  /** A vision-capable chat model: alt text is offered only when set. */
  captionModel?: string;
  /** An image model: "Generate" is offered only when set. */
  imageModel?: string;
  sendPrivate: boolean;
}

export interface ExternalAiConfig {
  aws?: AwsRekognitionConfig;
  google?: GoogleVisionConfig;
  openai?: OpenAiConfig;
  /** How long one call to a provider may take. */
  timeoutMs: number;
  /** The largest answer read from a provider (a generated image's base64 included). */
  maxResponseBytes: number;
}

export const defaultExternalAiConfig: ExternalAiConfig = {
  timeoutMs: 60_000,
  maxResponseBytes: 32 * 1024 ** 2,
};

type Env = Record<string, string | undefined>;

const sendPrivate = (env: Env, name: string): boolean => {
  const text = env[name];
  if (text === undefined || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw new Error(`${name}="${text}" should be true or false`);
};

const httpUrl = (name: string, text: string): string => {
  let protocol: string | undefined;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error(`${name}="${text}" should be an http(s) URL such as https://api.openai.com/v1`);
  return text.replace(/\/+$/, '');
};

/** `MEDIA_LIBRARY_AI_*`: the external providers, each only when its credentials are set. */
export function resolveExternalAiConfig(env: Env): ExternalAiConfig {
  const config: ExternalAiConfig = { ...defaultExternalAiConfig };
  const timeout = env.MEDIA_LIBRARY_AI_TIMEOUT_MS;
  if (timeout !== undefined && timeout !== '') {
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1000)
      throw new Error(`MEDIA_LIBRARY_AI_TIMEOUT_MS="${timeout}" should be milliseconds, 1000 or more`);
    config.timeoutMs = Number(timeout);
  }
  const region = env.MEDIA_LIBRARY_AI_AWS_REGION;
  if (region) {
    const accessKeyId = env.MEDIA_LIBRARY_AI_AWS_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.MEDIA_LIBRARY_AI_AWS_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey)
      throw new Error(
        'MEDIA_LIBRARY_AI_AWS_REGION is set: set MEDIA_LIBRARY_AI_AWS_ACCESS_KEY_ID and MEDIA_LIBRARY_AI_AWS_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) too.',
      );
    const sessionToken = env.MEDIA_LIBRARY_AI_AWS_SESSION_TOKEN ?? env.AWS_SESSION_TOKEN;
    const endpoint = env.MEDIA_LIBRARY_AI_AWS_ENDPOINT;
    config.aws = {
      region,
      accessKeyId,
      secretAccessKey,
      ...(sessionToken && { sessionToken }),
      ...(endpoint && { endpoint: httpUrl('MEDIA_LIBRARY_AI_AWS_ENDPOINT', endpoint) }),
      sendPrivate: sendPrivate(env, 'MEDIA_LIBRARY_AI_AWS_SEND_PRIVATE'),
    };
  }
  const googleKey = env.MEDIA_LIBRARY_AI_GOOGLE_VISION_KEY;
  if (googleKey) {
    const endpoint = env.MEDIA_LIBRARY_AI_GOOGLE_VISION_ENDPOINT;
    config.google = {
      key: googleKey,
      ...(endpoint && { endpoint: httpUrl('MEDIA_LIBRARY_AI_GOOGLE_VISION_ENDPOINT', endpoint) }),
      sendPrivate: sendPrivate(env, 'MEDIA_LIBRARY_AI_GOOGLE_VISION_SEND_PRIVATE'),
    };
  }
  const openaiUrl =
    env.MEDIA_LIBRARY_AI_OPENAI_URL ?? (env.MEDIA_LIBRARY_AI_OPENAI_KEY && 'https://api.openai.com/v1');
  if (openaiUrl) {
    const { MEDIA_LIBRARY_AI_OPENAI_KEY: key, MEDIA_LIBRARY_AI_OPENAI_CAPTION_MODEL: captionModel } = env;
    const imageModel = env.MEDIA_LIBRARY_AI_OPENAI_IMAGE_MODEL;
    if (!captionModel && !imageModel)
      throw new Error(
        'MEDIA_LIBRARY_AI_OPENAI_URL or _KEY is set: name a model with MEDIA_LIBRARY_AI_OPENAI_CAPTION_MODEL (alt text) and/or MEDIA_LIBRARY_AI_OPENAI_IMAGE_MODEL (Generate).',
      );
    config.openai = {
      url: httpUrl('MEDIA_LIBRARY_AI_OPENAI_URL', openaiUrl),
      ...(key && { key }),
      ...(captionModel && { captionModel }),
      ...(imageModel && { imageModel }),
      sendPrivate: sendPrivate(env, 'MEDIA_LIBRARY_AI_OPENAI_SEND_PRIVATE'),
    };
  }
  return config;
}
