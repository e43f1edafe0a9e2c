import { ApiError } from '../errors.js';

export interface UnauthenticatedUploadLimits {
  /** Bytes one client address may have in flight before its uploads prove who sent them. */
  perClient: number;
  /** Bytes all clients together may have in flight so. */
  total: number;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;

/** What an upload without an Authorization header may still send before its signature fields. */
export interface UploadAllowance {
  /** Counts `bytes` more received; throws the refusal once they pass a limit. */
  add(bytes: number): void;
  /** Holds `bytes` for the upload at once (its declared length): refused now if it could never fit. */
  expect(bytes: number): void;
  /** The upload proved its sender, or ended: its bytes no longer count. */
  release(): void;
}

/**
 * Bounds the bytes this process accepts from uploads whose sender is not yet known: a signed
 * upload's fields may follow its file (as ImageKit's JavaScript SDK sends them), so its bytes are
 * staged before the signature can be checked. An upload is counted as it arrives, and, once its
 * file starts with the sender still unknown, held at its whole declared length: one that could
 * never fit is refused before a byte of the file is read.
 */
export class UnauthenticatedUploads {
  readonly #limits: UnauthenticatedUploadLimits;
  readonly #byClient = new Map<string, number>();
  #total = 0;

  constructor(limits: UnauthenticatedUploadLimits) {
    this.#limits = limits;
  }

  /** Bytes in flight now, for one client or in all. */
  inFlight(client?: string): number {
    return client === undefined ? this.#total : (this.#byClient.get(client) ?? 0);
  }

  /** Opens the allowance of one upload from `client`. */
  open(client: string): UploadAllowance {
    let held = 0;
    let received = 0;
    const hold = (upTo: number) => {
      if (upTo <= held) return;
      this.#reserve(client, upTo - held, upTo);
      held = upTo;
    };
    return {
      add: (bytes) => {
        received += bytes;
        hold(received);
      },
      expect: hold,
      release: () => {
        this.#free(client, held);
        held = 0;
      },
    };
  }

  #reserve(client: string, bytes: number, upload: number): void {
    const { perClient, total } = this.#limits;
    if (upload > perClient) {
      throw new ApiError(
        413,
        `An upload without an Authorization header may send at most ${megabytes(perClient)} before its signature fields (publicKey, signature, token, expire) say who sent it. Send those fields before the file, authenticate with a private key or a session token, or use the resumable endpoint.`,
        { reason: 'UNAUTHENTICATED_UPLOAD_TOO_LARGE' },
      );
    }
    const mine = this.inFlight(client);
    if (mine + bytes > perClient) {
      throw new ApiError(
        429,
        `Your address has ${megabytes(mine)} of uploads in flight whose sender is not yet known, and may have ${megabytes(perClient)}. Retry when they finish.`,
        { reason: 'UNAUTHENTICATED_UPLOADS_IN_FLIGHT' },
        { 'retry-after': '1' },
      );
    }
    if (this.#total + bytes > total) {
      throw new ApiError(
        503,
        'The server is receiving as many unauthenticated upload bytes as it accepts at once. Retry shortly.',
        { reason: 'UNAUTHENTICATED_UPLOADS_BUSY' },
        { 'retry-after': '1' },
      );
    }
    this.#byClient.set(client, mine + bytes);
    this.#total += bytes;
  }

  #free(client: string, bytes: number): void {
    if (bytes === 0) return;
    const left = this.inFlight(client) - bytes;
    if (left > 0) this.#byClient.set(client, left);
    else this.#byClient.delete(client);
    this.#total -= bytes;
  }
}
