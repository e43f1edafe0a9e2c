import type { ErrorBody } from '../shared/wire.js';

/** Where a failure came from: the media server, the host's token endpoint, or the network. */
export type MediaErrorSource = 'api' | 'session' | 'network';

/**
 * A failed call, as a value the element can show: ImageKit's `{message, help}` plus the HTTP
 * status, the server's `reason` and request id when there is one.
 */
export class MediaApiError extends Error {
  readonly status: number;
  readonly source: MediaErrorSource;
  /** The media server's `ErrorReason`, or whatever reason the host's token endpoint gave. */
  readonly reason: string | undefined;
  readonly help: string | undefined;
  readonly requestId: string | undefined;
  readonly body: Partial<ErrorBody> | undefined;

  constructor(
    message: string,
    options: {
      status: number;
      source: MediaErrorSource;
      body?: Partial<ErrorBody>;
      requestId?: string | null;
      cause?: unknown;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MediaApiError';
    this.status = options.status;
    this.source = options.source;
    this.body = options.body;
    this.reason = options.body?.reason;
    this.help = options.body?.help;
    this.requestId = options.requestId ?? undefined;
  }

  /** 1-based position of a searchQuery syntax error (`… at position 7`), when the message names one. */
  get queryPosition(): number | undefined {
    if (this.status !== 400) return undefined;
    const match = /at position (\d+)/.exec(this.message);
    return match ? Number(match[1]) : undefined;
  }

  /** Whether the message is about the searchQuery (so the element shows it next to the query). */
  get isQueryError(): boolean {
    return this.status === 400 && /search query/i.test(this.message);
  }

  /** True when the session ran out or was refused, so a new one (or a new login) is needed. */
  get isAuthError(): boolean {
    return this.status === 401 || (this.source === 'session' && this.status === 403);
  }
}

/** Reads an error response into a MediaApiError, whatever its body looks like. */
export async function errorFromResponse(
  response: Response,
  source: MediaErrorSource,
): Promise<MediaApiError> {
  let body: Partial<ErrorBody> | undefined;
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === 'object') body = parsed as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  const fallback =
    source === 'session'
      ? `The media library could not get a session (HTTP ${response.status}).`
      : `The media server answered HTTP ${response.status}.`;
  return new MediaApiError(typeof body?.message === 'string' ? body.message : fallback, {
    status: response.status,
    source,
    ...(body && { body }),
    requestId: response.headers.get('x-request-id') ?? response.headers.get('x-ik-requestId'),
  });
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
