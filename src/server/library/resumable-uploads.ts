import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileStore } from '@tus/file-store';
import type { Upload } from '@tus/server';
import type { UploadResponse } from '../../shared/wire.js';
import type { Principal } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { StagedFile } from './staging.js';
import { checkUploadAhead, ingestUpload, type UploadFields } from './uploads.js';

/** Metadata keys the server sets on a resumable upload (whatever the client sent under them). */
const ownerKey = 'mlOwner';
const subjectKey = 'mlSubject';

/** A finished upload's record: who made it and the file it became, for a client that lost the answer. */
interface FinishedUpload {
  owner: string;
  subject: string;
  size: number;
  fileId: string;
}

/** tus upload ids (`Uid.rand`): 32 hex digits. Anything else is not ours. */
const uploadId = /^[0-9a-f]{32}$/;

/**
 * Resumable uploads (tus) waiting under `<dataDir>/tus/`: `<id>` holds the bytes received so far,
 * `<id>.json` tus's record (length, metadata), `<id>.done.json` the file a finished upload became.
 * Each is the caller's alone; finishing one is `ingestUpload`, exactly as a form upload.
 */
export class ResumableUploads {
  readonly dir: string;
  readonly store: FileStore;

  constructor(dir: string) {
    this.dir = dir;
    this.store = new FileStore({ directory: dir });
  }

  /**
   * Before a resumable upload is created: the caller's upload fields and declared size are
   * checked as a form upload's would be, and the upload is marked as the caller's.
   */
  async create(ctx: ServerContext, upload: Upload, principal: Principal): Promise<Upload['metadata']> {
    const fields = uploadFields(upload.metadata);
    await checkUploadAhead(ctx, fields, principal, upload.size);
    return { ...upload.metadata, [ownerKey]: principal.publicKey, [subjectKey]: principal.subject ?? '' };
  }

  /** Refuses (as absent) an upload the caller did not start; finished ones included. */
  async assertOwner(id: string, principal: Principal): Promise<void> {
    const owner = await this.ownerOf(id);
    if (!owner || owner.owner !== principal.publicKey || owner.subject !== (principal.subject ?? '')) {
      throw notFound('There is no such resumable upload, or it has expired. Start the upload again.', {
        reason: 'UPLOAD_NOT_FOUND',
      });
    }
  }

  /**
   * Turns the received bytes into a file with the same rules as `POST /api/v1/files/upload`
   * (the finishing caller's scope applies), and keeps a record of the result. The upload is over
   * either way: refused bytes are not kept.
   */
  async finish(
    ctx: ServerContext,
    upload: Upload,
    principal: Principal,
    urlEndpoint: string,
  ): Promise<UploadResponse> {
    const staged = await StagedFile.adopt(ctx.stagingDir, join(this.dir, upload.id));
    try {
      const file = await ingestUpload(ctx, {
        fields: uploadFields(upload.metadata),
        staged,
        urlEndpoint,
        principal,
      });
      const record: FinishedUpload = {
        owner: principal.publicKey,
        subject: principal.subject ?? '',
        size: staged.size,
        fileId: file.fileId,
      };
      await writeFile(join(this.dir, `${upload.id}.done.json`), JSON.stringify(record), { flush: true });
      return file;
    } finally {
      await staged.discard();
      await this.store.configstore.delete(upload.id);
    }
  }

  /** What a finished upload became, if it finished (and has not expired). */
  async finished(id: string): Promise<FinishedUpload | undefined> {
    if (!uploadId.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(join(this.dir, `${id}.done.json`), 'utf8')) as FinishedUpload;
    } catch {
      return undefined;
    }
  }

  /** Drops a finished upload's record (the file stays). */
  async forget(id: string): Promise<void> {
    if (uploadId.test(id)) await rm(join(this.dir, `${id}.done.json`), { force: true });
  }

  /**
   * Deletes uploads nobody has touched for `expiryMs`: unfinished ones (their bytes too) and the
   * records of finished ones. An upload in progress is touched by every write.
   */
  async sweep(expiryMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    const ids = new Set(names.map((name) => name.replace(/(\.done)?\.json$/, '')));
    let removed = 0;
    for (const id of ids) {
      if (!uploadId.test(id)) continue;
      const paths = [id, `${id}.json`, `${id}.done.json`].map((name) => join(this.dir, name));
      const touched = await Promise.all(
        paths.map((path) =>
          stat(path).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        ),
      );
      if (now - Math.max(...touched) < expiryMs) continue;
      await Promise.all(paths.map((path) => rm(path, { force: true })));
      removed++;
    }
    return removed;
  }

  private async ownerOf(id: string): Promise<{ owner: string; subject: string } | undefined> {
    if (!uploadId.test(id)) return undefined;
    const done = await this.finished(id);
    if (done) return done;
    const info = await this.store.configstore.get(id);
    const metadata = info?.metadata;
    if (!metadata?.[ownerKey]) return undefined;
    return { owner: metadata[ownerKey], subject: metadata[subjectKey] ?? '' };
  }
}

/** tus metadata as upload fields (ImageKit's names, as a form upload sends them); ours left out. */
function uploadFields(metadata: Upload['metadata']): UploadFields {
  const fields: UploadFields = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key === ownerKey || key === subjectKey) continue;
    fields[key] = value ?? undefined;
  }
  return fields;
}
