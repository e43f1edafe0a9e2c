import { addEnglish } from './localize.js';

/** English for share links and ZIP downloads (the lazy share dialog and the menus' entries). */
export const enShares = {
  shareLink: 'Share link…',
  shareLinkDialogTitle: 'Share {name}',
  shareNewLink: 'New link',
  shareLinkTitle: 'Title (optional)',
  shareExpiry: 'Expires on (optional)',
  sharePassword: 'Password (optional, at least 8 characters)',
  shareAllowDownload: 'Allow downloads',
  shareCreate: 'Create link',
  shareCreating: 'Creating the link…',
  shareCreated: 'Link created. Copy it now: it is shown only once.',
  shareUrl: 'Link',
  shareCopy: 'Copy link',
  shareCopied: 'Link copied',
  shareExisting: 'Existing links',
  shareNone: 'No links yet.',
  shareLinksLoading: 'Loading links…',
  shareNoExpiry: 'Does not expire',
  shareExpires: 'Expires {date}',
  shareProtected: 'Password',
  sharePreviewsOnly: 'Previews only',
  shareUntitled: 'Untitled link',
  shareRevoke: 'Revoke',
  shareRevokeNamed: 'Revoke {name}',
  shareRevoked: 'Link revoked: it no longer opens.',
  sharePasswordShort: 'A password needs at least 8 characters.',
  shareExpiryPast: 'Pick a date after today.',
  downloadZip: 'Download as ZIP',
  downloadSelected: { one: 'Download {count} file as ZIP', other: 'Download {count} files as ZIP' },
  downloadStarting: 'Your download is starting.',
  downloadZipFailed: 'Could not download: {message}',
} as const;

addEnglish(enShares);
