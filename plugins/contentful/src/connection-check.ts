/**
 * Checks a configuration the way an editor will use it: a session from the token endpoint, then
 * a listing of the root folder on the media server with that session. Before the app is
 * installed Contentful cannot sign requests yet, so the token endpoint is only asked whether it
 * answers, and the media server whether it is there.
 */
import { MediaApiError, MediaClient, SessionAuthorizer } from 'media-library';
import type { InstallationParameters } from './parameters.js';
import type { SignerSdk } from './sdk.js';
import { signingFailed, tokenEndpointFetch } from './token-endpoint-client.js';

export interface CheckResult {
  /** Whether the configuration may be saved. */
  ok: boolean;
  /** What was found, for the admin. */
  message: string;
  /** Saved, but something needs the admin's attention (a refusal, an empty folder). */
  warning?: boolean;
}

export async function checkConnection(
  parameters: InstallationParameters,
  sdk: SignerSdk,
  options: { installed: boolean },
): Promise<CheckResult> {
  const { authUrl, endpoint, rootFolder } = parameters;
  const insecure = [authUrl, endpoint].find((url) => url.startsWith('http:') && !isLocal(url));
  if (insecure && globalThis.location?.protocol === 'https:') {
    return {
      ok: false,
      message: `${insecure} must use https://: Contentful runs on HTTPS and browsers block plain HTTP calls from it.`,
    };
  }
  const sign = parameters.signRequests && options.installed;
  const authorizer = new SessionAuthorizer({
    fetchAuth: tokenEndpointFetch(authUrl, { sign, sdk }),
    ...(rootFolder !== '/' && { request: { folder: `${rootFolder}/` } }),
  });
  let session: Awaited<ReturnType<SessionAuthorizer['session']>>;
  try {
    session = await authorizer.session();
  } catch (error) {
    const failure = asMediaError(error);
    if (failure.source === 'network') {
      return {
        ok: false,
        message: `The token endpoint at ${authUrl} could not be reached. Check the URL, and that its CORS settings let this app's origin (${globalThis.location?.origin}) call it.`,
      };
    }
    if (failure.status !== 401 && failure.status !== 403) {
      return {
        ok: false,
        message: `The token endpoint at ${authUrl} answered HTTP ${failure.status} (${failure.message}). The app calls ${authUrl}/session: is the adapter mounted there?`,
      };
    }
    const server = await probeMediaServer(endpoint);
    if (server) return server;
    const later =
      parameters.signRequests && !options.installed
        ? ' Contentful signs requests only once the app is installed: check the connection again after installing.'
        : '';
    const why = failure.reason === signingFailed ? failure.message : `It said: ${failure.message}`;
    return {
      ok: true,
      warning: true,
      message: `The token endpoint answers, but gave you no session. ${why}${later}`,
    };
  }
  const client = new MediaClient({ ...(endpoint && { endpoint }), auth: authorizer });
  const server = endpoint || session.endpoint;
  let files: number;
  try {
    files = (await client.listAssets({ path: rootFolder, limit: 1 })).length;
  } catch (error) {
    const failure = asMediaError(error);
    return {
      ok: false,
      message:
        failure.source === 'network'
          ? `The media server at ${server} could not be reached.`
          : failure.status === 401 || failure.status === 403
            ? `The media server at ${server} refused the token endpoint's session (${failure.message}). Are the token endpoint's keys a key pair of this server?`
            : `The media server at ${server} answered HTTP ${failure.status}: ${failure.message}`,
    };
  }
  const access = session.scope.access === 'read' ? 'read-only' : 'read and write';
  const connected = `Connected: the token endpoint gave you a session (${access}, folder ${session.scope.folder}) and the media server at ${server} answered.`;
  if (files === 0) {
    return {
      ok: true,
      warning: true,
      message: `${connected} The folder ${rootFolder} is empty or does not exist yet.`,
    };
  }
  return { ok: true, message: connected };
}

/** Asks the media server for a listing without credentials: an ImageKit-style refusal means it is there. */
async function probeMediaServer(endpoint: string): Promise<CheckResult | undefined> {
  if (!endpoint) return undefined;
  let response: Response;
  try {
    response = await fetch(`${endpoint}/v1/files?limit=1`, { credentials: 'omit' });
  } catch {
    return { ok: false, message: `The media server at ${endpoint} could not be reached.` };
  }
  const body: unknown = await response.json().catch(() => undefined);
  const answers = body !== null && typeof body === 'object' && ('message' in body || Array.isArray(body));
  if (answers) return undefined;
  return {
    ok: false,
    message: `${endpoint} does not answer like a media server (HTTP ${response.status} to GET /v1/files). Enter the server's base URL.`,
  };
}

function asMediaError(error: unknown): MediaApiError {
  if (error instanceof MediaApiError) return error;
  return new MediaApiError(error instanceof Error ? error.message : String(error), {
    status: 0,
    source: 'network',
  });
}

function isLocal(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}
