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

/** Asks the server for a ZIP of the files, the folder or the collection and starts it as a normal browser download. */
export async function downloadZip(
  host: LibraryHost,
  what: Parameters<typeof createDownload>[1],
): Promise<void> {
  try {
    const client = host.client ?? (await host.connection()).client;
    startDownload(host, (await createDownload(client, what)).url);
  } catch (error) {
    host.notify(host.l10n.t('downloadZipFailed', { message: toMediaError(error).message }));
  }
}

/** Starts a signed download URL as a normal browser download, and says so. */
export function startDownload(host: LibraryHost, url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.hidden = true;
  host.element.shadowRoot?.append(link);
  link.click();
  link.remove();
  host.notify(host.l10n.t('downloadStarting'));
}
