import type { ServerConfig } from '../config.js';
import { LocalAnalyser, LocalBackgroundRemover, LocalTagger } from './local/analyser.js';
import { humanModelsMissing } from './local/human.js';
import { closeModelProcess } from './local/model-process.js';
import type { AiProviders } from './providers.js';

export type { AiProviders } from './providers.js';

/**
 * The providers this node has: the local models unless `--no-ai` or their files are missing (then
 * `unavailable` says why). External providers, where configured, take their capability's place.
 */
export function createAiProviders(config: Pick<ServerConfig, 'ai' | 'maxImagePixels'>): AiProviders {
  const missing = config.ai ? humanModelsMissing() : 'AI is turned off on this server (--no-ai).';
  if (missing !== undefined) return { taggers: {}, unavailable: missing };
  const analyser = new LocalAnalyser(config.maxImagePixels);
  return {
    taggers: {
      'google-auto-tagging': new LocalTagger('google-auto-tagging', analyser),
      'aws-auto-tagging': new LocalTagger('aws-auto-tagging', analyser),
    },
    backgroundRemover: new LocalBackgroundRemover(config.maxImagePixels),
    analyser,
  };
}

/**
 * Ends the local models' process (a closing server): it does not outlive its server. Shared by the
 * servers of one process; the next use starts it again.
 */
export async function closeLocalModels(): Promise<void> {
  closeModelProcess();
}
