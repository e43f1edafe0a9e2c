import type { AuditAction, AuditPage } from '../shared/audit.js';
import type { MediaClient, RequestOptions } from './media-client.js';

/** `GET /_ml/audit` filters; every one optional. Times are ISO 8601 or epoch milliseconds. */
export interface AuditQuery {
  fileId?: string;
  /** A folder: entries on it and everything below it. */
  folder?: string;
  /** An actor's id: a public key, a session's `sub`, a user's id. */
  actor?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
  /** The `nextCursor` of the page before. */
  cursor?: string;
  /** 1 to 200; 50 when absent. */
  limit?: number;
}

/** `GET /_ml/audit` (the media server's, not ImageKit's): one page of the audit log, newest first. */
export function listAuditEntries(
  client: MediaClient,
  query: AuditQuery = {},
  options: RequestOptions = {},
): Promise<AuditPage> {
  const { limit, ...rest } = query;
  return client.request<AuditPage>('GET', '/_ml/audit', {
    query: { ...rest, ...(limit !== undefined && { limit: String(limit) }) },
    ...options,
  });
}

/**
 * Whether this client may read the audit log (or, with `fileId` or `folder`, that part of it: a
 * member's for what it manages): one cheap request. A refusal (403), a server without the log
 * (ImageKit's 404) or any other failure all answer false.
 */
export async function mayReadAudit(
  client: MediaClient,
  part: Pick<AuditQuery, 'fileId' | 'folder'> = {},
  options: RequestOptions = {},
): Promise<boolean> {
  try {
    await listAuditEntries(client, { ...part, limit: 1 }, options);
    return true;
  } catch {
    return false;
  }
}
