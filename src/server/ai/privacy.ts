import { ApiError } from '../errors.js';
import type { OffServer } from './providers.js';

/** What decides whether a file may leave the server: ImageKit's two visibility flags. */
export interface FileVisibility {
  isPrivate: boolean;
  isPublished: boolean;
}

/**
 * Refuses to hand a private or unpublished file to a provider that sends it to a third party,
 * unless the operator enabled that (`…_SEND_PRIVATE=true`). Local providers take any file.
 */
export function assertMaySend(provider: { readonly external?: OffServer }, file: FileVisibility): void {
  const external = provider.external;
  if (!external || external.sendPrivate || (!file.isPrivate && file.isPublished)) return;
  throw new ApiError(
    409,
    `This file is ${file.isPrivate ? 'private' : 'unpublished'}, and the ${external.provider} it would be sent to is a third party this server sends only public, published files to.`,
    {
      reason: 'PRIVATE_FILE_NOT_SENT',
      help: 'Publish the file (or make it public) first, or ask the server operator to allow private files for this provider (docs/ai-providers.md).',
    },
  );
}
