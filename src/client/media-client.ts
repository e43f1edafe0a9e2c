import type { Asset, CustomMetadataField, FileMetadata, MediaFile } from '../shared/wire.js';
import type { Authorizer } from './auth.js';
import { errorFromResponse, isAbortError, MediaApiError } from './errors.js';

export type SortField = 'NAME' | 'CREATED' | 'UPDATED' | 'HEIGHT' | 'WIDTH' | 'SIZE' | 'RELEVANCE';
/** ImageKit's list sort values, such as `DESC_CREATED`. */
export type SortOrder = `${'ASC' | 'DESC'}_${SortField}`;

/** `GET /v1/files` parameters, as ImageKit names them. */
export interface ListAssetsParams {
  /** Folder whose direct children are listed (`/a/b`). */
  path?: string;
  type?: 'file' | 'file-version' | 'folder' | 'all';
  sort?: SortOrder;
  /** ImageKit's search language; with it, `type`, `tags` and `name` are ignored. */
  searchQuery?: string;
  fileType?: 'all' | 'image' | 'non-image';
  /** 1 to 1000. */
  limit?: number;
  skip?: number;
  tags?: string[];
  name?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Told when the request has gone out (the session is there and `fetch` was called). */
  sent?: () => void;
}

export interface MediaClientOptions {
  /**
   * The media backend's base URL (`https://media.example.com`). Relative URLs resolve against
   * the page. When absent, the authorizer's (a session's) endpoint is used.
   */
  endpoint?: string;
  auth: Authorizer;
  fetch?: typeof fetch;
  /** Retries after a 429 (waiting as the server says, at most 5 s each). Default 2. */
  rateLimitRetries?: number;
}

const maxRetryWaitMs = 5000;

/**
 * A typed, fetch-based client for the ImageKit v1 REST API, for browsers and Node. Failures are
 * thrown as `MediaApiError`; aborted calls as the platform's `AbortError`.
 */
export class MediaClient {
  private readonly options: MediaClientOptions;

  constructor(options: MediaClientOptions) {
    this.options = options;
  }

  /** `GET /v1/files`: files and/or folders, one page. */
  listAssets(params: ListAssetsParams = {}, options: RequestOptions = {}): Promise<Asset[]> {
    const query: Record<string, string | undefined> = {
      path: params.path,
      type: params.type,
      sort: params.sort,
      searchQuery: params.searchQuery?.trim() || undefined,
      fileType: params.fileType,
      limit: params.limit?.toString(),
      skip: params.skip?.toString(),
      tags: params.tags?.join(','),
      name: params.name,
    };
    return this.request<Asset[]>('GET', '/v1/files', { query, ...options });
  }

  /** `GET /v1/files/{fileId}/details`. */
  getFileDetails(fileId: string, options: RequestOptions = {}): Promise<MediaFile> {
    return this.request<MediaFile>('GET', `/v1/files/${encodeURIComponent(fileId)}/details`, options);
  }

  /** `GET /v1/files/{fileId}/metadata`: dimensions, format, EXIF. */
  getFileMetadata(fileId: string, options: RequestOptions = {}): Promise<FileMetadata> {
    return this.request<FileMetadata>('GET', `/v1/files/${encodeURIComponent(fileId)}/metadata`, options);
  }

  /** `POST /v1/folder`. */
  async createFolder(
    input: { folderName: string; parentFolderPath: string },
    options: RequestOptions = {},
  ): Promise<void> {
    await this.request('POST', '/v1/folder', { json: input, ...options });
  }

  /** `GET /v1/customMetadataFields`: the account's field definitions (labels, types). */
  listCustomMetadataFields(options: RequestOptions = {}): Promise<CustomMetadataField[]> {
    return this.request<CustomMetadataField[]>('GET', '/v1/customMetadataFields', options);
  }

  /** Any ImageKit v1 call, authenticated and with errors as values; answers the parsed JSON body. */
  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions & {
      query?: Record<string, string | undefined>;
      json?: unknown;
      /** A body as is (FormData for an upload); `json` wins when both are given. */
      body?: BodyInit;
    } = {},
  ): Promise<T> {
    const { auth, rateLimitRetries = 2 } = this.options;
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    const url = new URL(path.replace(/^\//, ''), `${await this.baseUrl(options.signal)}/`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    let retriedAuth = false;
    let retries = 0;
    for (;;) {
      const headers = new Headers(await this.authHeaders(method, options.signal));
      if (options.json !== undefined) headers.set('content-type', 'application/json');
      let response: Response;
      try {
        const answer = fetchImpl.call(globalThis, url, {
          method,
          headers,
          body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
          ...(options.signal && { signal: options.signal }),
        });
        options.sent?.();
        response = await answer;
      } catch (cause) {
        if (isAbortError(cause)) throw cause;
        throw new MediaApiError('The media server could not be reached. Check your connection and retry.', {
          status: 0,
          source: 'network',
          cause,
        });
      }
      if (response.ok) {
        if (response.status === 204) return undefined as T;
        const text = await response.text();
        return (text === '' ? undefined : JSON.parse(text)) as T;
      }
      // An expired or revoked session: get a new one and try once more.
      if (
        response.status === 401 &&
        !retriedAuth &&
        auth.invalidate?.(headers.get('authorization') ?? undefined)
      ) {
        retriedAuth = true;
        continue;
      }
      if (response.status === 429 && retries < rateLimitRetries) {
        retries++;
        const wait = Number(response.headers.get('retry-after-ms') ?? 1000);
        // A call aborted meanwhile fails on its signal when it is sent again.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(Number.isFinite(wait) ? wait : 1000, maxRetryWaitMs)),
        );
        continue;
      }
      throw await errorFromResponse(response, 'api');
    }
  }

  /** The `Authorization` header the next call would send (for uploads made by other code, such as Uppy). */
  authorization(signal?: AbortSignal): Promise<string> {
    return this.options.auth.authorization(signal);
  }

  /**
   * Every auth header a call with `method` would send: `Authorization` (none when a session
   * cookie authenticates) and what the authorizer adds, such as `X-CSRF-Token` on writes.
   */
  async authHeaders(method: string, signal?: AbortSignal): Promise<Record<string, string>> {
    const { auth } = this.options;
    const authorization = await auth.authorization(signal);
    return { ...(authorization && { authorization }), ...auth.headers?.(method) };
  }

  /** The media backend's base URL, without a trailing slash. */
  async baseUrl(signal?: AbortSignal): Promise<string> {
    const endpoint = this.options.endpoint || (await this.options.auth.endpoint?.(signal));
    if (!endpoint) {
      throw new MediaApiError(
        'No media endpoint is configured: set `endpoint` or use a session that names one.',
        {
          status: 0,
          source: 'api',
        },
      );
    }
    const base = typeof document === 'undefined' ? undefined : document.baseURI;
    return new URL(endpoint, base).href.replace(/\/+$/, '');
  }
}
