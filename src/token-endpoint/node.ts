import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenEndpoint } from './handler.js';

/** What the Node and Express adapters hand to `authorize` as its context. */
export interface NodeContext {
  req: IncomingMessage;
  res: ServerResponse;
}

/** A Node request as Express and Connect extend it (all optional, so plain `http` works too). */
type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown; protocol?: string };

// Bodies here are small JSON; anything longer is cut one byte past the limit so the handler answers 413.
const maxBodyBytes = 1024 * 1024;

/** For `http.createServer`: answers the endpoint's paths and 404 for any other. */
export function toNodeHandler(
  endpoint: TokenEndpoint<NodeContext>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await send(res, await endpoint(await toRequest(req), { req, res }));
    } catch (error) {
      console.error('token endpoint:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'The token endpoint failed.' }));
    }
  };
}

/**
 * Express or Connect middleware: `app.use('/media', toExpressMiddleware(endpoint))`. Paths the
 * endpoint does not answer go on to `next()`. Works before or after `express.json()`.
 */
export function toExpressMiddleware(
  endpoint: TokenEndpoint<NodeContext>,
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  return (req, res, next) => {
    const path = new URL((req as NodeRequest).originalUrl ?? req.url ?? '/', 'http://x').pathname;
    if (!endpoint.handles(path)) return next();
    toRequest(req)
      .then((request) => endpoint(request, { req, res }))
      .then((response) => send(res, response))
      .catch(next);
  };
}

/** A Fetch `Request` for a Node request, with the full URL (mount path included) and body. */
export async function toRequest(req: IncomingMessage): Promise<Request> {
  const node = req as NodeRequest;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const protocol = node.protocol ?? (encrypted ? 'https' : 'http');
  const url = new URL(node.originalUrl ?? req.url ?? '/', `${protocol}://${req.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'content-length' || name === 'transfer-encoding') continue;
    for (const each of [value].flat()) headers.append(name, each);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  return new Request(url, { method, headers, body: await bodyOf(node) });
}

async function bodyOf(req: NodeRequest): Promise<Uint8Array<ArrayBuffer> | string> {
  // A body parser (express.json(), express.text()…) may have read the stream already.
  if (req.readableEnded && req.body !== undefined) {
    if (typeof req.body === 'string') return req.body;
    if (req.body instanceof Uint8Array) return new Uint8Array(req.body);
    return JSON.stringify(req.body);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    if (size > maxBodyBytes) continue;
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  const bytes = new Uint8Array(Math.min(size, maxBodyBytes + 1));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.byteLength;
    if (offset === bytes.length) break;
  }
  return bytes;
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = response.body ? new Uint8Array(await response.arrayBuffer()) : undefined;
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(body);
}
