import type { ServerConfig } from './config.js';
import { badRequest } from './errors.js';

interface HostName {
  hostname: string;
  /** Empty: any port. */
  port: string;
}

function parseHost(text: string): HostName | undefined {
  try {
    const { hostname, port } = new URL(`http://${text}`);
    return { hostname, port };
  } catch {
    return undefined;
  }
}

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];
const wildcardAddresses = new Set(['', '0.0.0.0', '::']);

/**
 * The `Host` names this server answers (`ServerConfig.allowedHosts`), or undefined when any Host
 * will do because file URLs come from `urlEndpoint` and never from the request.
 */
export function hostNamesAnswered(
  config: Pick<ServerConfig, 'allowedHosts' | 'urlEndpoint' | 'host'>,
): HostName[] | undefined {
  if (config.allowedHosts.length === 0 && config.urlEndpoint) return undefined;
  const bound = config.host.includes(':') ? `[${config.host}]` : config.host;
  const names =
    config.allowedHosts.length > 0
      ? config.allowedHosts
      : [...loopbackNames, ...(wildcardAddresses.has(config.host) ? [] : [bound])];
  return names.map((name) => parseHost(name)).filter((name): name is HostName => name !== undefined);
}

/**
 * Refuses a request whose `Host` is not one this server answers: it would end up in the `url`
 * and `thumbnail` of answers a cache may keep (cache poisoning), and a name that resolves to us
 * only by DNS rebinding would make a foreign page same-origin with the API.
 */
export function assertHostAnswered(answered: HostName[] | undefined, host: string | undefined): void {
  if (!answered) return;
  const given = host === undefined ? undefined : parseHost(host);
  const known =
    given !== undefined &&
    answered.some(
      (name) => name.hostname === given.hostname && (name.port === '' || name.port === given.port),
    );
  if (known) return;
  throw badRequest(
    `This server does not answer to the host ${JSON.stringify(String(host ?? '').slice(0, 100))}. Its operator lists the names it serves in MEDIA_LIBRARY_ALLOWED_HOSTS, or sets MEDIA_LIBRARY_URL_ENDPOINT.`,
    { reason: 'UNKNOWN_HOST' },
  );
}
