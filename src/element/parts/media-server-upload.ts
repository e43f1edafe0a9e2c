import {
  BasePlugin,
  type Body,
  type DefinePluginOpts,
  type Meta,
  type PluginOpts,
  type Uppy,
} from '@uppy/core';
import Tus from '@uppy/tus';
import XHRUpload from '@uppy/xhr-upload';
import type { ErrorReason, MediaFile } from '../../shared/wire.js';

/** Where and how the media server takes files. */
export interface MediaServerUploadOptions extends PluginOpts {
  /** The upload API: `<base>/api/v1/files/upload`, one multipart POST per file. */
  endpoint: string;
  /** The resumable endpoint (tus) and the size above which files go there; without it every file takes the upload API. */
  resumable?: { endpoint: string; threshold: number } | undefined;
  /** Headers for the upload API (none when each file carries its own signature). */
  headers?: () => Record<string, string>;
  /** Headers for the resumable endpoint. */
  resumableHeaders?: () => Record<string, string>;
  /** Files sent at once over the upload API. */
  limit?: number;
  /** Bytes per resumable request. */
  chunkSize?: number;
  /** An upload this plugin ran has ended, every file sent or failed: a batch, or one file retried. */
  onUploadEnd?: (fileIDs: string[]) => void;
}

const defaultOptions = {
  headers: () => ({}),
  resumableHeaders: () => ({}),
  // As many at once as a browser opens to one host over HTTP/1.1.
  limit: 6,
  chunkSize: 16 * 1024 * 1024,
  onUploadEnd: () => {},
};

type Options = DefinePluginOpts<MediaServerUploadOptions, keyof typeof defaultOptions>;

/** What an uploader plugin hands Uppy to run on a batch. */
type UploadStep = (fileIDs: string[], uploadID: string) => Promise<void>;

/** What a stock uploader plugin is to this one: made, installed, uninstalled. */
interface StockUploader {
  install(): void;
  uninstall(): void;
}

/**
 * The Uppy uploader for the media server: files up to the server's threshold go to its upload API
 * (Uppy's XHR uploader), bigger ones to its resumable endpoint (Uppy's tus uploader). Uppy runs
 * every uploader on every file and has no per-file choice (transloadit/uppy#4604), so this plugin
 * is the one uploader Uppy sees, and the two stock plugins do the sending for it.
 */
export class MediaServerUpload<M extends Meta, B extends Body> extends BasePlugin<Options, M, B> {
  readonly #stock: StockUploader[] = [];
  #form: UploadStep | undefined;
  #resumable: UploadStep | undefined;

  constructor(uppy: Uppy<M, B>, options: MediaServerUploadOptions) {
    super(uppy, { ...defaultOptions, ...options });
    this.id = this.opts.id ?? 'MediaServerUpload';
    this.type = 'uploader';
  }

  override install(): void {
    this.#form = this.#adopt((uppy) => new XHRUpload(uppy, this.#formOptions()));
    const resumable = this.opts.resumable;
    if (resumable) {
      this.#resumable = this.#adopt(
        (uppy) =>
          new Tus(uppy, {
            endpoint: resumable.endpoint,
            chunkSize: this.opts.chunkSize,
            allowedMetaFields: true,
            removeFingerprintOnSuccess: true,
            headers: () => this.opts.resumableHeaders(),
            onShouldRetry: (error, attempt, _options, next) => {
              const status = error.originalResponse?.getStatus() ?? 0;
              return status >= 400 && status < 500 && status !== 409 && status !== 423 && status !== 429
                ? false
                : next(error) && attempt < 5;
            },
          }),
      );
    }
    this.uppy.addUploader(this.#upload);
  }

  override uninstall(): void {
    this.uppy.removeUploader(this.#upload);
    for (const plugin of this.#stock.splice(0)) plugin.uninstall();
  }

  #formOptions(): ConstructorParameters<typeof XHRUpload<M, B>>[1] {
    return {
      endpoint: this.opts.endpoint,
      fieldName: 'file',
      // A file's meta holds only what it should send: ImageKit's fields, its name and type.
      allowedMetaFields: true,
      limit: this.opts.limit,
      headers: () => this.opts.headers(),
      shouldRetry: (xhr) => xhr.status === 0 || xhr.status === 429 || xhr.status >= 500,
      onAfterResponse: (xhr) => {
        if (xhr.status >= 400)
          throw Object.assign(new Error(serverMessage(xhr.responseText, xhr.status)), {
            reason: serverReason(xhr.responseText),
          });
      },
      getResponseData: (xhr) => JSON.parse(xhr.responseText) as B,
    };
  }

  /** Each file to the uploader for its size, all at once. */
  readonly #upload: UploadStep = async (fileIDs, uploadID) => {
    const threshold = this.opts.resumable?.threshold ?? Number.POSITIVE_INFINITY;
    const big = fileIDs.filter((id) => (this.uppy.getFile(id)?.size ?? 0) > threshold);
    const small = fileIDs.filter((id) => !big.includes(id));
    await Promise.all([
      small.length > 0 ? this.#form?.(small, uploadID) : undefined,
      big.length > 0 ? this.#resumable?.(big, uploadID) : undefined,
    ]);
    this.opts.onUploadEnd(fileIDs);
  };

  /**
   * Makes and installs a stock uploader plugin that sees Uppy as it is, except that the upload
   * step it adds comes here instead of joining Uppy's own (where it would get every file).
   */
  #adopt(make: (uppy: Uppy<M, B>) => StockUploader): UploadStep {
    let step: UploadStep | undefined;
    const view = new Proxy(this.uppy, {
      get(target, key) {
        if (key === 'addUploader')
          return (fn: UploadStep) => {
            step = fn;
          };
        if (key === 'removeUploader') return () => true;
        const value = Reflect.get(target, key, target) as unknown;
        // Uppy's methods use its private fields: they run on Uppy itself, not on this view.
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const plugin = make(view);
    plugin.install();
    this.#stock.push(plugin);
    if (!step) throw new Error('The uploader plugin added no upload step.');
    return step;
  }
}

/** The file as the server answered it: the upload API's body, or the last tus PATCH's. */
export function uploadedFile(body: unknown): MediaFile | undefined {
  const answer = body as (MediaFile & { xhr?: XMLHttpRequest }) | undefined;
  return answer?.xhr ? (JSON.parse(answer.xhr.responseText) as MediaFile) : answer;
}

/** The server's `{message}` from an error body, or a plain line for a status. */
export function serverMessage(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return status === 0 ? 'The media server could not be reached.' : `The upload failed (HTTP ${status}).`;
}

/** The server's `reason` from an error body. */
function serverReason(text: string): ErrorReason | undefined {
  try {
    const { reason } = JSON.parse(text) as { reason?: unknown };
    return typeof reason === 'string' ? (reason as ErrorReason) : undefined;
  } catch {
    return undefined;
  }
}

/** An upload error as the user should read it: the server's own message when there is one. */
export function friendlyError(
  error: Error & { originalResponse?: { getBody(): string; getStatus(): number } | null },
): string {
  const response = error.originalResponse;
  if (response) return serverMessage(response.getBody(), response.getStatus());
  const json = /response text: (\{.*\})/s.exec(error.message)?.[1];
  return json ? serverMessage(json, 0) : error.message;
}
