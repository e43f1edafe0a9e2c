import { MediaApiError } from '../../client/errors.js';

/** Any failure as a MediaApiError, so the UI always has a message to show. */
export function toMediaError(error: unknown): MediaApiError {
  if (error instanceof MediaApiError) return error;
  return new MediaApiError(error instanceof Error ? error.message : String(error), {
    status: 0,
    source: 'api',
  });
}
