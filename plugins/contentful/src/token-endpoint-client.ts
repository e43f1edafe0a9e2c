/**
 * How the app calls the host's token endpoint: from Contentful's iframe, on another origin, so
 * without cookies. With request verification on, Contentful signs each call for the editor
 * (`cma.appSignedRequest.create`) and the endpoint checks the signature with the app's signing
 * secret, which identifies the editor, space and environment with no vendor login.
 */
import type { FetchAuth } from 'media-library';
import type { SignerSdk } from './sdk.js';

type SignedMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD';

/**
 * The element's `fetchAuth` for `authUrl`. Signed calls carry Contentful's headers; the body is
 * not signed (a session request can only narrow what the editor gets), so a body parser in front
 * of the endpoint cannot break the signature.
 */
export function tokenEndpointFetch(authUrl: string, options: { sign: boolean; sdk: SignerSdk }): FetchAuth {
  const base = authUrl.replace(/\/+$/, '');
  return async (path, init) => {
    const url = new URL(`${base}/${path}`);
    const headers = new Headers(init.headers);
    if (options.sign) {
      const signature = await signatureHeaders(
        options.sdk,
        url,
        (init.method ?? 'GET').toUpperCase(),
        headers,
      );
      if (signature instanceof Response) return signature;
      for (const [name, value] of Object.entries(signature)) headers.set(name, value);
    }
    return fetch(url, { ...init, headers, credentials: 'omit' });
  };
}

/** Contentful's signature headers for this call, or a 401 answer explaining why there are none. */
async function signatureHeaders(
  sdk: SignerSdk,
  url: URL,
  method: string,
  headers: Headers,
): Promise<Record<string, string> | Response> {
  const appDefinitionId = sdk.ids.app;
  if (!appDefinitionId)
    return refusal('Contentful did not say which app this is, so it cannot sign the request.');
  const signedHeaders: Record<string, string> = {};
  const contentType = headers.get('content-type');
  if (contentType) signedHeaders['content-type'] = contentType;
  try {
    const signed = await sdk.cma.appSignedRequest.create(
      { appDefinitionId },
      { method: method as SignedMethod, path: url.pathname + url.search, headers: signedHeaders },
    );
    return { ...signed.additionalHeaders };
  } catch (error) {
    // Typically: no signing secret on the app definition, or the app is not installed yet.
    const reason = error instanceof Error ? error.message : String(error);
    return refusal(
      `Contentful could not sign the request to the token endpoint (${reason}). Set a signing secret under the app's Security settings, or turn request signing off.`,
    );
  }
}

/** The `reason` of the session error when Contentful would not sign (rather than the endpoint refusing). */
export const signingFailed = 'CONTENTFUL_SIGNING_FAILED';

/** A token-endpoint-shaped refusal, so the element shows the reason where it shows any session error. */
function refusal(message: string): Response {
  return new Response(JSON.stringify({ message, reason: signingFailed }), {
    status: 401,
    headers: { 'content-type': 'application/json' },
  });
}
