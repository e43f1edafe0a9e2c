import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReason } from '../shared/wire.js';
import type { ServerConfig } from './config.js';
import { HELP } from './errors.js';
import type { App } from './routes/route-plugin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The body may take as long as it needs while it keeps arriving (resumable upload PATCHes of
     * big files): only the idle timeout applies, not the whole-request one.
     */
    longBody?: boolean;
  }
}

type Timeouts = Pick<ServerConfig, 'headersTimeoutMs' | 'bodyIdleTimeoutMs' | 'requestTimeoutMs'>;

/** Options for Node's HTTP server: it enforces the header timeout itself (and answers 408). */
export function httpServerOptions(config: Timeouts) {
  return {
    headersTimeout: config.headersTimeoutMs,
    // Node looks for expired headers this often; its default (30 s) would blur short timeouts.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, config.headersTimeoutMs / 4)),
  };
}

const statusText: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * Answers on the bare socket and closes it: for requests Fastify never saw (headers too slow or
 * malformed) and bodies that stopped arriving, where no reply can wait for the handler.
 */
function answerOnSocket(
  socket: Socket,
  status: number,
  message: string,
  reason: ErrorReason,
  requestId?: string,
) {
  if (socket.writable) {
    const body = JSON.stringify({ message, help: HELP, reason });
    const id = requestId ? `x-ik-requestId: ${requestId}\r\nx-request-id: ${requestId}\r\n` : '';
    socket.write(
      `HTTP/1.1 ${status} ${statusText[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n${id}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Fastify's `clientErrorHandler`: a request that never became one still gets our error body. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answerOnSocket(socket, 408, 'Your request headers took too long to arrive.', 'REQUEST_TIMEOUT');
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    answerOnSocket(socket, 431, 'Your request headers are too large.', 'HEADERS_TOO_LARGE');
  } else {
    answerOnSocket(socket, 400, 'Your request is not valid HTTP.', 'INVALID_REQUEST');
  }
}

const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;

/**
 * Bounds how long a request body may take: `bodyIdleTimeoutMs` without a byte (the socket's own
 * idle timer, which Node refreshes as the parser reads), and `requestTimeoutMs` in all unless the
 * route takes long bodies. Either answers 408 and closes the connection; the handler reading the
 * body then sees it end early.
 */
export function enforceBodyTimeouts(app: App, config: Timeouts): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!hasBody(request)) return;
    const raw = request.raw;
    const socket = raw.socket;
    const expire = (message: string) => {
      if (raw.complete) return;
      request.log.info({ reason: 'REQUEST_TIMEOUT' }, message);
      if (reply.raw.headersSent) socket.destroy();
      else answerOnSocket(socket, 408, message, 'REQUEST_TIMEOUT', request.id);
    };
    // Node emits the socket's idle timeout on the request only while its body is incomplete…
    raw.setTimeout(config.bodyIdleTimeoutMs, () =>
      expire(`Your request body stopped arriving: nothing came for ${config.bodyIdleTimeoutMs / 1000} s.`),
    );
    // …and on the response always: with the body in, waiting on us (a render, a copy) is not idling.
    reply.raw.on('timeout', () => {
      if (raw.complete && !socket.destroyed) socket.setTimeout(0);
    });
    const whole = request.routeOptions.config.longBody
      ? undefined
      : setTimeout(
          () => expire(`Your request body took longer than ${config.requestTimeoutMs / 1000} s to arrive.`),
          config.requestTimeoutMs,
        );
    whole?.unref();
    raw.once('end', () => {
      clearTimeout(whole);
      if (!socket.destroyed) socket.setTimeout(0);
    });
    reply.raw.once('close', () => clearTimeout(whole));
  });
}
