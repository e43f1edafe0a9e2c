import type { MediaClient } from '../../client/media-client.js';
import type { AiCapabilities } from '../../shared/wire.js';

/** Asked once per server: `GET /_ml/ai` is public and the same for everyone. */
const asked = new Map<string, Promise<AiCapabilities | undefined>>();
/** The answers already in, by client: for what must decide at once (a context menu's items). */
const answered = new WeakMap<MediaClient, AiCapabilities | undefined>();

/** What `aiCapabilities` answered for this client, if it has; undefined until then. */
export const knownAiCapabilities = (client: MediaClient): AiCapabilities | undefined => answered.get(client);

/**
 * The AI actions the client's server offers; undefined where it has none to tell (ImageKit, an
 * older server, a network failure), so the element offers none of them.
 */
export async function aiCapabilities(client: MediaClient): Promise<AiCapabilities | undefined> {
  const base = await client.baseUrl().catch(() => undefined);
  if (!base) return undefined;
  let answer = asked.get(base);
  if (!answer) {
    answer = fetch(`${base}/_ml/ai`)
      .then((response) => (response.ok ? (response.json() as Promise<AiCapabilities>) : undefined))
      .catch(() => undefined);
    asked.set(base, answer);
  }
  return answer.then((capabilities) => {
    answered.set(client, capabilities);
    return capabilities;
  });
}
