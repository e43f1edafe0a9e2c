import type { ServerConfig } from '../config.js';
import { LocalAnalyser, LocalBackgroundRemover, LocalTagger } from './local/analyser.js';
import { humanModelsMissing } from './local/human.js';
import { closeModelProcess } from './local/model-process.js';
import { closeOcr } from './local/ocr.js';
import type { AiProviders } from './providers.js';

export type { AiProviders } from './providers.js';

/**
 * The providers this node has: the local models unless `--no-ai` or their files are missing (then
 * `unavailable` says why). External providers, where configured, take their capability's place.
 */
export function createAiProviders(config: Pick<ServerConfig, 'ai'>): AiProviders {
  const missing = config.ai ? humanModelsMissing() : 'AI is turned off on this server (--no-ai).';
  if (missing !== undefined) return { taggers: {}, unavailable: missing };
  const analyser = new LocalAnalyser();
  return {
    taggers: {
      'google-auto-tagging': new LocalTagger('google-auto-tagging', analyser),
      'aws-auto-tagging': new LocalTagger('aws-auto-tagging', analyser),
    },
    backgroundRemover: new LocalBackgroundRemover(),
    analyser,
  };
}

/**
 * Ends the local models' process and OCR worker (a closing server): neither keeps the process
 * alive once its server is gone. Shared by the servers of one process; the next use starts them.
 */
export async function closeLocalModels(): Promise<void> {
  closeModelProcess();
  await closeOcr();
}
