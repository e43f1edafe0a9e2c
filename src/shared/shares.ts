/**
 * Share links and downloads on the wire (`/_ml/shares`, `/_ml/downloads`; docs/server.md,
 * Share links). A link's URL carries its token and is answered once, when the link is made.
 */
import type { AuditActor } from './audit.js';

/** What a link opens: a file (by id), a folder (by path) or a collection (by id). */
export type ShareTarget =
  | { type: 'file'; id: string }
  | { type: 'folder'; path: string }
  | { type: 'collection'; id: string };

export interface Share {
  id: string;
  /** The public page `…/s/<token>`: only in the answer to the POST that made the link. */
  url?: string;
  target: ShareTarget;
  title: string | null;
  /** ISO 8601, or null for a link that does not expire. */
  expiresAt: string | null;
  hasPassword: boolean;
  allowDownload: boolean;
  createdBy: AuditActor;
  createdAt: string;
  updatedAt: string;
}

/** `POST /_ml/shares`. */
export interface NewShare {
  target: ShareTarget;
  expiresAt?: string;
  password?: string;
  allowDownload: boolean;
  title?: string;
}

/** `PATCH /_ml/shares/{id}`: `null` clears an expiry, a password or a title. */
export interface SharePatchBody {
  expiresAt?: string | null;
  password?: string | null;
  allowDownload?: boolean;
  title?: string | null;
}

/** `POST /_ml/downloads`: one short-lived URL for a ZIP of several files or a folder. */
export interface DownloadLink {
  url: string;
  expiresAt: string;
  files: number;
  bytes: number;
}

/** Shortest password a link may have. */
export const minSharePasswordLength = 8;
