import '../i18n/en-shares.js';
import { createDownload } from '../../client/shares.js';
import type { LibraryHost } from '../state/library-host.js';
import { toMediaError } from './media-error.js';
import type { ShareSubject } from './share-link-dialog.js';

/**
 * The menus' and the details panel's way to share links and ZIP downloads: the share dialog loads
 * (its own chunk) only when first opened.
 */
export async function openShareDialog(host: LibraryHost, subject: ShareSubject): Promise<void> {
  await import('./share-link-dialog.js');
  const dialog = host.overlay('ml-share-link-dialog');
  dialog.client = host.client;
  await dialog.open(subject);
}

/** Asks the server for a ZIP of the files or the folder and starts it as a normal browser download. */
export async function downloadZip(
  host: LibraryHost,
  what: { fileIds: string[] } | { folder: string },
): Promise<void> {
  const l = host.l10n;
  try {
    const client = host.client ?? (await host.connection()).client;
    const { url } = await createDownload(client, what);
    const link = document.createElement('a');
    link.href = url;
    link.download = '';
    link.hidden = true;
    host.element.shadowRoot?.append(link);
    link.click();
    link.remove();
    host.notify(l.t('downloadStarting'));
  } catch (error) {
    host.notify(l.t('downloadZipFailed', { message: toMediaError(error).message }));
  }
}
