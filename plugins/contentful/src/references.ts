/**
 * Where used, from the field location: after the editor changes the field, the app tells the
 * media server which of its files the entry uses (`PUT /_ml/references`, `DELETE` when none),
 * with the editor's own session from the host's token endpoint. The place is the entry
 * (`contentful:<space>/<environment>`, `entry/<id>`), so it holds the files of every field and
 * locale of the entry that this app manages, not only this one.
 */
import { readFieldValue, type StoredFile } from './field-value.js';
import type { InstallationParameters } from './parameters.js';
import type { FieldSdk } from './sdk.js';
import { tokenEndpointFetch } from './token-endpoint-client.js';

/** One place: what the server's `PUT /_ml/references` takes. */
export interface ReferencesPlace {
  source: string;
  key: string;
  title: string;
  url: string;
  fileIds: string[];
}

/** The fileIds the entry uses: `current` (this field and locale, just written) and any other field or locale holding this app's value. */
export function entryFileIds(sdk: FieldSdk, current: StoredFile[]): string[] {
  const ids = new Set(current.map((file) => file.fileId));
  for (const [fieldId, field] of Object.entries(sdk.entry.fields)) {
    for (const locale of field.locales) {
      if (fieldId === sdk.field.id && locale === sdk.field.locale) continue;
      for (const file of readFieldValue(field.getValue(locale))) ids.add(file.fileId);
    }
  }
  return [...ids];
}

/** The place for the entry: its display field's value as the title, and its page in the web app. */
export function entryPlace(sdk: FieldSdk, fileIds: string[]): ReferencesPlace {
  const { space, environment, entry } = sdk.ids;
  const display = sdk.contentType.displayField ? sdk.entry.fields[sdk.contentType.displayField] : undefined;
  const shown = display ? (display.getValue(sdk.field.locale) ?? display.getValue()) : undefined;
  const title =
    typeof shown === 'string' && shown.trim() !== '' ? shown.trim() : `${sdk.contentType.name} ${entry}`;
  return {
    source: `contentful:${space}/${environment}`,
    key: `entry/${entry}`,
    title: title.slice(0, 500),
    url: `https://app.contentful.com/spaces/${space}/environments/${environment}/entries/${entry}`,
    fileIds,
  };
}

/** The editor's session from the token endpoint: its token and the media server's base URL. */
async function editorSession(
  sdk: FieldSdk,
  installation: InstallationParameters,
): Promise<{ token: string; base: string }> {
  const fetchAuth = tokenEndpointFetch(installation.authUrl, { sign: installation.signRequests, sdk });
  const response = await fetchAuth('session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const session = (await response.json().catch(() => ({}))) as {
    token?: string;
    endpoint?: string;
    message?: string;
  };
  if (!response.ok || !session.token) {
    throw new Error(session.message ?? `The token endpoint answered ${response.status}.`);
  }
  return {
    token: session.token,
    base: (installation.endpoint || session.endpoint || '').replace(/\/+$/, ''),
  };
}

/** Where a file is now. */
export type FileLocation = Pick<StoredFile, 'url' | 'filePath' | 'name'>;

/**
 * The current url, path and name of each file the media server still has (a move or rename in
 * the library changes them; the fileId stays). Files it cannot tell about are left out.
 */
export async function currentLocations(
  sdk: FieldSdk,
  installation: InstallationParameters,
  fileIds: string[],
): Promise<Map<string, FileLocation>> {
  const { token, base } = await editorSession(sdk, installation);
  const found = new Map<string, FileLocation>();
  await Promise.all(
    [...new Set(fileIds)].map(async (fileId) => {
      const response = await fetch(`${base}/v1/files/${encodeURIComponent(fileId)}/details`, {
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      if (!response?.ok) return;
      const file = (await response.json().catch(() => ({}))) as Partial<FileLocation>;
      if (
        typeof file.url === 'string' &&
        typeof file.filePath === 'string' &&
        typeof file.name === 'string'
      ) {
        found.set(fileId, { url: file.url, filePath: file.filePath, name: file.name });
      }
    }),
  );
  return found;
}

/**
 * Reports the place with a session from the token endpoint. A file deleted from the library since
 * it was chosen is left out. Throws with the server's message when it is refused (a read-only
 * editor's session may not record references).
 */
export async function reportReferences(
  sdk: FieldSdk,
  installation: InstallationParameters,
  place: ReferencesPlace,
): Promise<void> {
  const session = await editorSession(sdk, installation);
  const base = session.base;
  let fileIds = place.fileIds;
  for (let attempt = 0; attempt < 2; attempt++) {
    const empty = fileIds.length === 0;
    const response = await fetch(`${base}/_ml/references`, {
      method: empty ? 'DELETE' : 'PUT',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(empty ? { source: place.source, key: place.key } : { ...place, fileIds }),
    });
    if (response.ok) return;
    const answer = (await response.json().catch(() => ({}))) as {
      message?: string;
      missingFileIds?: unknown;
    };
    const missing = Array.isArray(answer.missingFileIds) ? answer.missingFileIds : [];
    if (response.status !== 400 || missing.length === 0) {
      throw new Error(answer.message ?? `The media server answered ${response.status}.`);
    }
    fileIds = fileIds.filter((id) => !missing.includes(id));
  }
}
