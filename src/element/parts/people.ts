// What the element needs once a session acts for a DAM user, in one lazy chunk: the user's levels
// (`/_ml/me`), the share dialog's strings, and opening that dialog (a chunk of its own).
import '../i18n/en-people.js';
import type { MediaClient } from '../../client/media-client.js';
import { getMe } from '../../client/people.js';
import type { LibraryHost } from '../state/library-host.js';
import type { People } from '../state/people.js';
import type { ShareItem } from './share-dialog.js';

/** The levels of the user `client` acts for; `{key: true}` for a key (no user), rejects otherwise. */
export async function loadLevels(client: MediaClient, folder: string, probe: boolean): Promise<People> {
  try {
    const me = await getMe(client, folder);
    return me.reach ? { reach: me.reach } : {};
  } catch (error) {
    if (probe && (error as { reason?: string }).reason === 'USER_NOT_FOUND') return { key: true };
    throw error;
  }
}

/** Opens "Share with people…" for `item` in the element's layout. */
export async function openShare(host: LibraryHost, item: ShareItem): Promise<void> {
  const { client } = await host.connection();
  await import('./share-dialog.js');
  await host.overlay('ml-share-dialog').open(client, item);
}
