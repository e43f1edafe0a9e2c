import type { AiProviders } from '../providers.js';
import { AwsRekognitionTagger } from './aws-rekognition.js';
import type { ExternalAiConfig } from './config.js';
import { GoogleVisionTagger } from './google-vision.js';
import { OpenAiCaptioner, OpenAiImageGenerator } from './openai-compatible.js';

/**
 * The external providers the operator configured (docs/ai-providers.md), to merge over the local
 * ones: each one here replaces the local provider of its capability.
 */
export function externalAiProviders(config: ExternalAiConfig): Partial<AiProviders> {
  const limits = { timeoutMs: config.timeoutMs, maxResponseBytes: config.maxResponseBytes };
  const providers: Partial<AiProviders> = {};
  const taggers: AiProviders['taggers'] = {};
  if (config.aws) taggers['aws-auto-tagging'] = new AwsRekognitionTagger(config.aws, limits);
  if (config.google) taggers['google-auto-tagging'] = new GoogleVisionTagger(config.google, limits);
  if (Object.keys(taggers).length > 0) providers.taggers = taggers;
  const { openai } = config;
  if (openai?.captionModel)
    providers.captioner = new OpenAiCaptioner({ ...openai, captionModel: openai.captionModel }, limits);
  if (openai?.imageModel)
    providers.imageGenerator = new OpenAiImageGenerator({ ...openai, imageModel: openai.imageModel }, limits);
  return providers;
}

/** Local providers with the external ones over them; taggers merge by extension name. */
export function withExternalProviders(local: AiProviders, external: Partial<AiProviders>): AiProviders {
  return { ...local, ...external, taggers: { ...local.taggers, ...external.taggers } };
}
