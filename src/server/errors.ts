import type { ErrorBody } from '../shared/wire.js';

/** ImageKit puts this `help` on every error; clients and tests do not depend on its text. */
export const HELP = 'For support kindly contact us at support@imagekit.io.';

type ErrorExtras = Omit<ErrorBody, 'message' | 'help'> & { help?: string };

/** An error a client caused (or may retry), carried as a value with its status and ImageKit's body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    extras: ErrorExtras = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    const { help, ...rest } = extras;
    this.body = { message, help: help ?? HELP, ...rest };
    this.headers = headers;
  }
}

export const badRequest = (message: string, extras?: ErrorExtras) => new ApiError(400, message, extras);
export const notFound = (message: string, extras?: ErrorExtras) => new ApiError(404, message, extras);
export const forbidden = (message: string, extras?: ErrorExtras) => new ApiError(403, message, extras);
export const conflict = (message: string, extras?: ErrorExtras) => new ApiError(409, message, extras);

export const messages = {
  missingKey: 'Your request does not contain private API key.',
  unknownKey: 'Your account cannot be authenticated.',
  expiredKey: 'Your request contains expired private API key.',
  fileNotFound: 'The requested file does not exist.',
  folderNotFound: (path: string) => `No folder found with folderPath \`${path}\`.`,
  fieldNotFound: 'No such custom metadata field exists.',
  missingFile: 'Your request is missing file parameter.',
  missingFileName: 'Your request is missing fileName parameter.',
  fileTooLarge: 'Your request contains invalid file parameter. The file size exceeds limits.',
  bothAuthMethods:
    'Your request contains both signature and basic auth parameter. Use only one method, you might be exposing your private API key.',
  invalidExpire:
    'Your request contains invalid expire parameter. Expire parameter should be a Unix time in less than 1 hour into the future.',
  nameTaken:
    'A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.',
  invalidChecksSyntax: 'Your request contains invalid syntax for the checks parameter.',
  failedChecks: "Your request failed 'checks' validation.",
  invalidCustomMetadata: 'Invalid custom metadata.',
} as const;
