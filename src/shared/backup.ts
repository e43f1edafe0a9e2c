/** `GET /_ml/backup`: the backup bucket's queue (docs/operations.md, "Backup"). */
export interface BackupStatus {
  /** Whether `--backup` / `MEDIA_LIBRARY_BACKUP` is set. */
  enabled: boolean;
  /** The backup location, `s3://bucket/prefix`, or null. */
  target: string | null;
  /** Writes waiting (new, or failed and due again after a backoff). */
  pending: number;
  /** Writes given up after the last attempt. */
  failed: number;
  /** The most recent failure, `<path>: <reason>`, or null. */
  lastError: string | null;
  /** When a write last succeeded (ms since the epoch), or null. */
  lastSuccessAt: number | null;
}
