import {
  normalizeScopeFolder,
  type Scope,
  SessionTokenError,
  verifySessionToken,
} from '../shared/session-token.js';
import { EndpointError, json, readText } from './responses.js';

/** Proxy mode: the browser calls `<mount>/api/v1/…` with its session; the adapter adds the private key. */
export interface ProxyOptions {
  /** The management API to forward to; default `https://api.imagekit.io`. */
  upstream?: string;
}

export const defaultUpstream = 'https://api.imagekit.io';
export const proxyMethods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

const maxBodyBytes = 1024 * 1024;
const maxFileIds = 100;
const fileIdPattern = /^[A-Za-z0-9_-]{1,100}$/;
const notFoundFile = 'The requested file does not exist.';
// Only these upstream headers reach the browser: the body's type, request ids and rate limits.
const passedHeaders = [
  'content-type',
  'x-ik-requestid',
  'x-request-id',
  'x-ratelimit-limit',
  'x-ratelimit-reset',
  'x-ratelimit-interval',
  'retry-after-ms',
  'retry-after',
  'x-should-retry',
];

interface Call {
  scope: Scope;
  /** The path's captured groups (file ids). */
  params: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** Whether the file is visible to the session; answers its upstream refusal when the upstream refuses. */
  requireFile(fileId: string): Promise<void>;
}

interface ProxiedCall {
  method: (typeof proxyMethods)[number];
  path: RegExp;
  /** Refuses what the scope does not allow; may narrow the query, or answer itself. */
  guard?: (call: Call) => unknown;
  /** Drop listed items outside the scope from the answer. */
  filterList?: boolean;
}

const fileIdGuard = (call: Call) => call.requireFile(call.params[0]!);

/** The allow-list: ImageKit's calls the element makes, each with the check that keeps it in scope. */
const calls: ProxiedCall[] = [
  { method: 'GET', path: /^v1\/files$/, guard: narrowList, filterList: true },
  { method: 'GET', path: /^v1\/files\/([^/]+)\/details$/, guard: fileIdGuard },
  { method: 'PATCH', path: /^v1\/files\/([^/]+)\/details$/, guard: fileIdGuard },
  { method: 'DELETE', path: /^v1\/files\/([^/]+)$/, guard: fileIdGuard },
  { method: 'GET', path: /^v1\/files\/([^/]+)\/metadata$/, guard: fileIdGuard },
  { method: 'GET', path: /^v1\/files\/([^/]+)\/versions$/, guard: fileIdGuard },
  { method: 'GET', path: /^v1\/files\/([^/]+)\/versions\/[A-Za-z0-9_-]+$/, guard: fileIdGuard },
  { method: 'DELETE', path: /^v1\/files\/([^/]+)\/versions\/[A-Za-z0-9_-]+$/, guard: fileIdGuard },
  { method: 'PUT', path: /^v1\/files\/([^/]+)\/versions\/[A-Za-z0-9_-]+\/restore$/, guard: fileIdGuard },
  { method: 'POST', path: /^v1\/files\/(?:copy|move)$/, guard: guardFileTransfer },
  { method: 'POST', path: /^v1\/files\/rename$/, guard: (call) => guardVisibleFilePath(call, 'filePath') },
  {
    method: 'POST',
    path: /^v1\/files\/(?:batch\/deleteByFileIds|addTags|removeTags|removeAITags)$/,
    guard: guardFileIds,
  },
  { method: 'POST', path: /^v1\/folder$/, guard: guardNewFolder },
  { method: 'DELETE', path: /^v1\/folder$/, guard: (call) => guardOwnFolder(call, 'folderPath', true) },
  { method: 'POST', path: /^v1\/bulkJobs\/(copyFolder|moveFolder)$/, guard: guardFolderTransfer },
  {
    method: 'POST',
    path: /^v1\/bulkJobs\/renameFolder$/,
    guard: (call) => guardOwnFolder(call, 'folderPath', false),
  },
  { method: 'GET', path: /^v1\/bulkJobs\/[A-Za-z0-9_-]+$/ },
  { method: 'GET', path: /^v1\/customMetadataFields$/ },
];

const inScope = (scope: Scope, path: string) => path.startsWith(scope.folder);

/** A folder path as ImageKit takes it (`a/b`, `/a/b/`) in the `/a/b/` form; `..` is refused. */
function folderOf(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new EndpointError(400, `Send ${name} as a folder path string.`);
  try {
    return normalizeScopeFolder(value.startsWith('/') ? value : `/${value}`);
  } catch (error) {
    throw new EndpointError(
      400,
      `${name}: ${(error as Error).message.replace('scope.folder', 'the folder')}.`,
    );
  }
}

function outside(scope: Scope, path: string): EndpointError {
  return new EndpointError(
    403,
    `This session may only work inside ${scope.folder}, and ${path} is outside it.`,
  );
}

function narrowList(call: Call): Response | undefined {
  const { scope, query } = call;
  const path = query.get('path');
  if (path === null || path === '') {
    if (scope.folder !== '/') query.set('path', scope.folder);
    return undefined;
  }
  const folder = folderOf(path, 'path');
  // A folder above the scope is listed (and filtered) so the session can navigate down to its own.
  if (!inScope(scope, folder) && !scope.folder.startsWith(folder)) return json(200, []);
  return undefined;
}

function listedInScope(scope: Scope, item: unknown): boolean {
  if (!item || typeof item !== 'object') return false;
  const { type, filePath, folderPath } = item as { type?: unknown; filePath?: unknown; folderPath?: unknown };
  if (type === 'folder' && typeof folderPath === 'string') {
    const folder = folderPath.endsWith('/') ? folderPath : `${folderPath}/`;
    return inScope(scope, folder) || scope.folder.startsWith(folder);
  }
  return typeof filePath === 'string' && inScope(scope, filePath);
}

async function guardVisibleFilePath(call: Call, name: string): Promise<void> {
  const path = call.body[name];
  if (typeof path !== 'string' || path === '') throw new EndpointError(400, `Send ${name}.`);
  const normalized = path.startsWith('/') ? path : `/${path}`;
  if (normalized.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new EndpointError(400, `${name} must not contain . or .. segments.`);
  }
  if (!inScope(call.scope, normalized)) throw new EndpointError(404, notFoundFile);
}

async function guardFileTransfer(call: Call): Promise<void> {
  await guardVisibleFilePath(call, 'sourceFilePath');
  const destination = folderOf(call.body.destinationPath, 'destinationPath');
  if (!inScope(call.scope, destination)) throw outside(call.scope, destination);
}

async function guardFileIds(call: Call): Promise<void> {
  const ids = call.body.fileIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > maxFileIds) {
    throw new EndpointError(400, `Send fileIds as a list of 1 to ${maxFileIds} file ids.`);
  }
  for (const id of ids) await call.requireFile(String(id));
}

function guardNewFolder(call: Call): void {
  const parent = folderOf(call.body.parentFolderPath, 'parentFolderPath');
  const name = call.body.folderName;
  if (typeof name !== 'string' || name.trim() === '' || name.includes('/')) {
    throw new EndpointError(400, 'Send folderName as a single folder name.');
  }
  const folder = folderOf(`${parent}${name}`, 'folderName');
  if (!inScope(call.scope, folder)) throw outside(call.scope, folder);
}

/** A folder the session may change: inside its scope, and (unless deleting) not its root, which would leave the scope. */
function guardOwnFolder(call: Call, name: string, mayBeRoot: boolean): void {
  const folder = folderOf(call.body[name], name);
  if (!inScope(call.scope, folder)) {
    throw new EndpointError(404, `No folder found with folderPath \`${String(call.body[name])}\`.`);
  }
  if (!mayBeRoot && folder === call.scope.folder) {
    throw new EndpointError(
      403,
      `This session is rooted at ${folder}; it may not move or rename that folder.`,
    );
  }
}

function guardFolderTransfer(call: Call): void {
  // Moving the scope's own root would take everything out of the scope; copying it is fine.
  guardOwnFolder(call, 'sourceFolderPath', call.params[0] === 'copyFolder');
  const destination = folderOf(call.body.destinationPath, 'destinationPath');
  if (!inScope(call.scope, destination)) throw outside(call.scope, destination);
}

export interface ProxyConfig {
  privateKey: string;
  publicKey: string;
  upstream: string;
}

/**
 * Forwards an allow-listed ImageKit call with Basic auth added, after checking the session
 * token and the scope. `path` is the part after `<mount>/api/`, like `v1/files`.
 */
export async function proxyCall(config: ProxyConfig, request: Request, path: string): Promise<Response> {
  const scope = await sessionScope(config, request);
  const method = request.method as ProxiedCall['method'];
  const matched = calls
    .map((call) => ({ call, match: call.method === method ? call.path.exec(path) : null }))
    .find((candidate) => candidate.match !== null);
  if (!matched?.match) {
    const known = calls.some((call) => call.path.test(path));
    throw new EndpointError(
      known ? 405 : 404,
      known
        ? `${method} /${path} is not forwarded by this token endpoint.`
        : `/${path} is not one of the calls this token endpoint forwards.`,
    );
  }
  if (method !== 'GET' && scope.access !== 'readwrite') {
    throw new EndpointError(
      403,
      `This session is read-only: it may browse ${scope.folder} but not change anything.`,
    );
  }
  const authorization = `Basic ${btoa(`${config.privateKey}:`)}`;
  const url = new URL(request.url);
  const bodyText = method === 'GET' ? '' : await readText(request, maxBodyBytes);
  const call: Call = {
    scope,
    params: matched.match.slice(1),
    query: url.searchParams,
    body: parseBody(bodyText),
    requireFile: (fileId) => requireVisibleFile(config, authorization, scope, fileId),
  };
  const answered = await matched.call.guard?.(call);
  if (answered instanceof Response) return answered;
  const query = call.query.toString();
  const upstream = await forward(`${config.upstream}/${path}${query ? `?${query}` : ''}`, {
    method,
    headers: {
      authorization,
      accept: 'application/json',
      ...(bodyText && { 'content-type': 'application/json' }),
    },
    ...(bodyText && { body: bodyText }),
  });
  const headers = new Headers();
  for (const name of passedHeaders) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  headers.set('cache-control', 'no-store');
  if (matched.call.filterList && upstream.ok) {
    const items: unknown = await upstream.json();
    const visible = Array.isArray(items) ? items.filter((item) => listedInScope(scope, item)) : [];
    return new Response(JSON.stringify(visible), { status: upstream.status, headers });
  }
  return new Response(upstream.body, { status: upstream.status, headers });
}

function parseBody(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EndpointError(400, 'The request body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new EndpointError(400, 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

async function sessionScope(config: ProxyConfig, request: Request): Promise<Scope> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match) throw new EndpointError(401, 'Send your session token as Authorization: Bearer <token>.');
  try {
    const claims = await verifySessionToken(match[1]!, {
      privateKey: config.privateKey,
      publicKey: config.publicKey,
    });
    return claims.scope;
  } catch (error) {
    if (error instanceof SessionTokenError) {
      const again = error.problem === 'EXPIRED' ? '' : ' Ask for a new session.';
      throw new EndpointError(401, `${error.message}${again}`);
    }
    throw error;
  }
}

async function requireVisibleFile(config: ProxyConfig, authorization: string, scope: Scope, fileId: string) {
  if (!fileIdPattern.test(fileId)) throw new EndpointError(404, notFoundFile);
  const response = await forward(`${config.upstream}/v1/files/${fileId}/details`, {
    headers: { authorization, accept: 'application/json' },
  });
  if (response.status === 404) throw new EndpointError(404, notFoundFile);
  if (!response.ok) {
    throw new EndpointError(
      502,
      `The media backend answered ${response.status} when asked about file ${fileId}.`,
    );
  }
  const file = (await response.json()) as { filePath?: unknown };
  if (typeof file.filePath !== 'string' || !inScope(scope, file.filePath))
    throw new EndpointError(404, notFoundFile);
}

async function forward(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual' });
  } catch {
    throw new EndpointError(502, 'The media backend could not be reached. Try again shortly.');
  }
}
