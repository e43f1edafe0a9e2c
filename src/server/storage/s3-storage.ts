import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BlobNotFoundError, type BlobStorage, type ByteRange } from './blob-storage.js';

const safeKey = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Parts of a multipart upload: big enough to keep the part count low, small enough to buffer. */
const partBytes = 16 * 1024 * 1024;
/** S3 copies up to 5 GiB in one call; larger objects are copied part by part. */
const singleCopyLimit = 5 * 1024 ** 3;
const copyPartBytes = 512 * 1024 * 1024;

export interface S3Location {
  bucket: string;
  /** Without slashes at either end; empty for the bucket's root. */
  prefix: string;
}

/** `s3://bucket/some/prefix` → bucket and prefix. */
export function parseS3Url(url: string): S3Location {
  const parsed = new URL(url);
  if (parsed.protocol !== 's3:' || !parsed.hostname) {
    throw new Error(`storage should look like s3://bucket/prefix, not ${url}`);
  }
  return { bucket: parsed.hostname, prefix: decodeURIComponent(parsed.pathname).replace(/^\/+|\/+$/g, '') };
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
};

/**
 * Creates the client from the AWS SDK's own configuration (AWS_ACCESS_KEY_ID, AWS_REGION,
 * profiles, instance roles…). An S3-compatible `endpoint` gets path-style addressing, and
 * checksums only where S3 requires them, which such servers do not all understand.
 */
export function s3ClientFor(endpoint: string | undefined): S3Client {
  if (!endpoint) return new S3Client({});
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Blobs as objects under one prefix of an S3 bucket (or an S3-compatible server's). Objects appear
 * whole or not at all, so a reader never sees part of one; ranges are passed through to S3.
 */
export class S3Storage implements BlobStorage {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(client: S3Client, location: S3Location) {
    this.#client = client;
    this.#bucket = location.bucket;
    this.#prefix = location.prefix ? `${location.prefix}/` : '';
  }

  /** Fails with a message naming the bucket when it cannot be reached with these credentials. */
  async check(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const why = status === 404 ? 'it does not exist' : status === 403 ? 'access is denied' : String(error);
      throw new Error(`cannot use the S3 bucket "${this.#bucket}": ${why}`);
    }
  }

  #key(key: string): string {
    if (!safeKey.test(key) || key.split('/').includes('..')) throw new Error(`unsafe blob key ${key}`);
    return this.#prefix + key;
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const { size } = await stat(localPath);
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: this.#key(key),
        Body: createReadStream(localPath),
        ContentLength: size,
      },
      partSize: partBytes,
      queueSize: 4,
      leavePartsOnError: false,
    });
    await upload.done();
    await rm(localPath, { force: true });
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const object = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key(key),
          ...(range && { Range: `bytes=${range.start}-${range.end}` }),
        }),
      );
      return object.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }),
      );
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const size = await this.size(fromKey);
    if (size === undefined) throw new BlobNotFoundError(fromKey);
    const source = `${this.#bucket}/${this.#key(fromKey)}`;
    if (size <= singleCopyLimit) {
      await this.#client.send(
        new CopyObjectCommand({ Bucket: this.#bucket, Key: this.#key(toKey), CopySource: source }),
      );
      return;
    }
    await this.#copyInParts(source, this.#key(toKey), size);
  }

  async #copyInParts(source: string, key: string, size: number): Promise<void> {
    const { UploadId } = await this.#client.send(
      new CreateMultipartUploadCommand({ Bucket: this.#bucket, Key: key }),
    );
    try {
      const parts = [];
      for (let start = 0, part = 1; start < size; start += copyPartBytes, part++) {
        const end = Math.min(size, start + copyPartBytes) - 1;
        const { CopyPartResult } = await this.#client.send(
          new UploadPartCopyCommand({
            Bucket: this.#bucket,
            Key: key,
            UploadId,
            PartNumber: part,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ PartNumber: part, ETag: CopyPartResult?.ETag });
      }
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#bucket,
          Key: key,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (error) {
      await this.#client
        .send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key: key, UploadId }))
        .catch(() => {});
      throw error;
    }
  }

  async write(key: string, bytes: Uint8Array): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#key(key),
        Body: bytes,
        ContentLength: bytes.length,
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(key) }));
  }

  async deleteTree(prefix: string): Promise<void> {
    const under = `${this.#key(prefix)}/`;
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: under, ContinuationToken: token }),
      );
      const objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (objects.length > 0) {
        const { Errors } = await this.#client.send(
          new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        if (Errors?.length) throw new Error(`deleting ${Errors[0]!.Key} failed: ${Errors[0]!.Message}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async *keys(prefix = ''): AsyncGenerator<string> {
    const under = this.#prefix + (prefix ? `${prefix}/` : '');
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: under, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key.slice(this.#prefix.length);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  close(): void {
    this.#client.destroy();
  }
}
