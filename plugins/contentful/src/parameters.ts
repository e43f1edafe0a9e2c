/**
 * The app's parameters: installation parameters (the configuration screen), optional instance
 * parameters (per field, defined on the app definition) and the dialog's invocation parameters
 * (the field's settings, resolved). None of them is secret: every space member can read them.
 */

/** Saved by the configuration screen; every location reads them. */
export type InstallationParameters = {
  /** The media server's base URL; empty to use the one the token endpoint names in each session. */
  endpoint: string;
  /** The host's token endpoint; the app POSTs to `<authUrl>/session`. */
  authUrl: string;
  /** The folder editors start in and cannot leave (`/` for the whole library). */
  rootFolder: string;
  /** What may be picked, as `<input type=file accept>` (`image/*,application/pdf`); empty for anything. */
  accept: string;
  /** Whether a field holds several files. */
  multiple: boolean;
  /** With `multiple`, the most files a field holds; 0 for no limit. */
  maxFiles: number;
  /** Sign calls to the token endpoint through Contentful's request verification. */
  signRequests: boolean;
  /**
   * Act as the matching DAM user (by email): sessions name the editor's email and the media
   * server applies that user's grants. The token endpoint reads this from the installation
   * (`contentfulAuthorize`'s `damUsers`), never from the browser.
   */
  damUser: boolean;
  /** With `damUser`, what an editor without a DAM account gets: `refuse` (told why) or `roles` (the endpoint's scope, as without it). */
  damUserMissing: DamUserMissing;
};

export type DamUserMissing = 'refuse' | 'roles';

/** Per-field overrides, when the app definition declares these instance parameters. Empty means "as installed". */
export type InstanceParameters = {
  rootFolder?: string;
  accept?: string;
  /** `single` or `multiple`. */
  selection?: string;
  maxFiles?: number;
};

/** What the field hands the dialog: its settings, resolved. */
export type DialogInvocation = {
  rootFolder: string;
  accept: string;
  multiple: boolean;
  maxFiles: number;
};

export const defaultInstallation: InstallationParameters = {
  endpoint: '',
  authUrl: '',
  rootFolder: '/',
  accept: '',
  multiple: false,
  maxFiles: 0,
  signRequests: true,
  damUser: false,
  damUserMissing: 'refuse',
};

/** A mistake in the configuration form, tied to the input it is about. */
export class ParameterError extends Error {
  readonly field: keyof InstallationParameters;

  constructor(field: keyof InstallationParameters, message: string) {
    super(message);
    this.field = field;
  }
}

/** Stored parameters (perhaps from an older version, perhaps none yet) over the defaults, without judging them. */
export function readInstallation(
  stored: Partial<InstallationParameters> | null | undefined,
): InstallationParameters {
  const merged = { ...defaultInstallation };
  for (const key of Object.keys(defaultInstallation) as (keyof InstallationParameters)[]) {
    const value = stored?.[key];
    if (typeof value === typeof defaultInstallation[key]) Object.assign(merged, { [key]: value });
  }
  return merged;
}

/** What the form holds, checked and tidied for saving; throws a `ParameterError` naming the input at fault. */
export function normalizeInstallation(input: InstallationParameters): InstallationParameters {
  const authUrl = input.authUrl.trim();
  if (authUrl === '') throw new ParameterError('authUrl', 'Enter the URL of your token endpoint.');
  const maxFiles = Number(input.maxFiles);
  if (!Number.isSafeInteger(maxFiles) || maxFiles < 0) {
    throw new ParameterError('maxFiles', 'The most files per field must be a whole number (0 for no limit).');
  }
  return {
    endpoint: input.endpoint.trim() === '' ? '' : baseUrl(input.endpoint, 'endpoint', 'The media server URL'),
    authUrl: baseUrl(authUrl, 'authUrl', 'The token endpoint URL'),
    rootFolder: normalizeFolder(input.rootFolder, 'rootFolder'),
    accept: normalizeAccept(input.accept),
    multiple: Boolean(input.multiple),
    maxFiles: input.multiple ? maxFiles : 0,
    signRequests: Boolean(input.signRequests),
    damUser: Boolean(input.damUser),
    damUserMissing: input.damUserMissing === 'roles' ? 'roles' : 'refuse',
  };
}

/** A field's settings: its instance parameters where set, the installation's otherwise. */
export function fieldSettings(
  installation: InstallationParameters,
  instance: InstanceParameters,
): DialogInvocation {
  let rootFolder = installation.rootFolder;
  if (typeof instance.rootFolder === 'string' && instance.rootFolder.trim() !== '') {
    try {
      rootFolder = normalizeFolder(instance.rootFolder, 'rootFolder');
    } catch {
      // A malformed override keeps the installation's folder rather than opening the whole library.
    }
  }
  const multiple =
    instance.selection === 'single'
      ? false
      : instance.selection === 'multiple'
        ? true
        : installation.multiple;
  const maxFiles =
    typeof instance.maxFiles === 'number' && Number.isSafeInteger(instance.maxFiles) && instance.maxFiles >= 0
      ? instance.maxFiles
      : installation.maxFiles;
  let accept = installation.accept;
  if (typeof instance.accept === 'string' && instance.accept.trim() !== '') {
    try {
      accept = normalizeAccept(instance.accept);
    } catch {
      // As above: a malformed override never widens what the field takes.
    }
  }
  return {
    rootFolder,
    accept,
    multiple,
    maxFiles: multiple ? maxFiles : 0,
  };
}

/** Reads the dialog's invocation parameters, which arrive through Contentful as plain JSON. */
export function readInvocation(value: unknown): DialogInvocation {
  const given = (value && typeof value === 'object' ? value : {}) as Partial<DialogInvocation>;
  return {
    rootFolder: typeof given.rootFolder === 'string' ? given.rootFolder : '/',
    accept: typeof given.accept === 'string' ? given.accept : '',
    multiple: given.multiple === true,
    maxFiles: typeof given.maxFiles === 'number' && given.maxFiles > 0 ? Math.floor(given.maxFiles) : 0,
  };
}

function baseUrl(value: string, field: keyof InstallationParameters, what: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ParameterError(field, `${what} must be a full URL, such as https://media.example.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ParameterError(field, `${what} must start with https://.`);
  }
  if (url.search || url.hash)
    throw new ParameterError(field, `${what} must not have a query or a #fragment.`);
  return url.href.replace(/\/+$/, '');
}

/** `brand/logos/` → `/brand/logos`; `/` stays. Dot segments are refused, not resolved. */
function normalizeFolder(value: string, field: keyof InstallationParameters): string {
  const segments = value.split('/').filter((segment) => segment.trim() !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new ParameterError(field, 'The root folder must not contain . or .. segments.');
  }
  return `/${segments.map((segment) => segment.trim()).join('/')}`;
}

/** `image/*, .PDF` → `image/*,.pdf`; anything that is neither a MIME type nor an extension is refused. */
function normalizeAccept(value: string): string {
  const entries = value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const wrong = entries.find((entry) => !/^(\.[a-z0-9]+|[a-z]+\/(\*|[a-z0-9][a-z0-9.+-]*))$/.test(entry));
  if (wrong !== undefined) {
    throw new ParameterError(
      'accept',
      `"${wrong}" is not a file type. Use MIME types or extensions, such as image/*, application/pdf, .svg.`,
    );
  }
  return entries.join(',');
}
