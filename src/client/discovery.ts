import type { SimilarAnswer, Suggestion } from '../shared/discovery.js';
import type { MediaClient, RequestOptions } from './media-client.js';

/** `GET /_ml/suggest`: names, tags, AI tags, folders and metadata values starting with `text`. */
export async function suggest(
  client: MediaClient,
  text: string,
  limit = 8,
  options: RequestOptions = {},
): Promise<Suggestion[]> {
  const answer = await client.request<{ suggestions: Suggestion[] }>('GET', '/_ml/suggest', {
    query: { q: text, limit: String(limit) },
    ...options,
  });
  return answer.suggestions;
}

/** `GET /_ml/files/{id}/similar`: the files that look most like this image. */
export function similarFiles(
  client: MediaClient,
  fileId: string,
  limit = 40,
  options: RequestOptions = {},
): Promise<SimilarAnswer> {
  return client.request<SimilarAnswer>('GET', `/_ml/files/${encodeURIComponent(fileId)}/similar`, {
    query: { limit: String(limit) },
    ...options,
  });
}
