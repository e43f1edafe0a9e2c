import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { parseDeliveryUrl } from '../library/delivery.js';
import { usageAnalytics } from '../library/delivery-usage.js';
import { originDeliveryPath } from '../library/url-endpoints.js';
import type { App, RoutePlugin } from './route-plugin.js';
import { OpenObject, StringParams } from './schemas.js';

/** ImageKit's date range rules for usage calls: `YYYY-MM-DD` days, start before end, within 90 days. */
export function readUsageRange(startDate: string | undefined, endDate: string | undefined): void {
  if (!startDate || !endDate) {
    throw badRequest('startDate and endDate are required in query parameters.', {
      reason: 'MISSING_PARAMETER',
    });
  }
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const start = Date.parse(startDate);
  const end = Date.parse(endDate);
  if (!day.test(startDate) || !day.test(endDate) || Number.isNaN(start) || Number.isNaN(end)) {
    throw badRequest('startDate and endDate should be in format YYYY-MM-DD.', {
      reason: 'INVALID_PARAMETER',
    });
  }
  if (start > end)
    throw badRequest('startDate should not be after endDate.', { reason: 'INVALID_PARAMETER' });
  if (end - start >= 90 * 86_400_000) {
    throw badRequest('startDate and endDate should be less than 90 days apart.', {
      reason: 'INVALID_PARAMETER',
    });
  }
}

/**
 * Counts every delivery response (the library's catch-all and URL endpoints' origins) for usage
 * analytics. A root hook, so it sees the delivery plugin's responses without living in it.
 */
export function countDeliveries(app: App, ctx: ServerContext, endpointPath: string): void {
  const reasons = new WeakMap<FastifyRequest, string>();
  const rendersBefore = new WeakMap<FastifyRequest, number>();
  const isDelivery = (request: FastifyRequest) => {
    const route = request.routeOptions.url ?? '';
    return (
      (request.method === 'GET' || request.method === 'HEAD') &&
      (route === '/*' || route.startsWith(originDeliveryPath))
    );
  };
  app.addHook('onRequest', async (request) => {
    if (isDelivery(request)) rendersBefore.set(request, ctx.derivedImages.renders);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && typeof payload === 'string' && isDelivery(request)) {
      const reason = /"reason":"([A-Z_]+)"/.exec(payload)?.[1];
      if (reason) reasons.set(request, reason);
    }
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!isDelivery(request)) return;
    let path = request.url;
    let urlEndpoint = '/';
    if (path.startsWith(`${originDeliveryPath}/`))
      path = path.slice(path.indexOf('/', originDeliveryPath.length + 1));
    if (request.originalUrl !== request.url) {
      urlEndpoint = request.originalUrl.slice(endpointPath.length + 1).split(/[/?]/)[0] ?? '/';
    }
    let parsed: { filePath: string; transformation: string };
    try {
      parsed = parseDeliveryUrl(path, path === request.url ? endpointPath : '');
    } catch {
      parsed = { filePath: path.split('?')[0]!, transformation: '' };
    }
    const length = Number(reply.getHeader('content-length') ?? 0);
    ctx.deliveryUsage.record({
      at: Date.now(),
      status: reply.statusCode,
      bytes: request.method === 'HEAD' || !Number.isFinite(length) ? 0 : length,
      contentType: reply.getHeader('content-type') as string | undefined,
      path: parsed.filePath,
      transformation: parsed.transformation,
      urlEndpoint,
      userAgent: request.headers['user-agent'],
      referrer: refererOrigin(request.headers.referer),
      errorReason: reasons.get(request),
      rendered: ctx.derivedImages.renders > (rendersBefore.get(request) ?? Number.POSITIVE_INFINITY),
    });
  });
  app.addHook('onClose', async () => ctx.deliveryUsage.close());
}

/** A referrer as its origin: pages' paths and queries are theirs, not ours to keep. */
function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** `GET /v1/accounts/usage-analytics` (the SDK's `accounts.usageAnalytics`). */
export const usageAnalyticsRoutes: RoutePlugin = async (app, { ctx }) => {
  app.get(
    '/v1/accounts/usage-analytics',
    {
      schema: { querystring: StringParams('startDate', 'endDate'), response: { 200: OpenObject } },
      config: { access: 'read', rateGroup: 'usage' },
    },
    async (request) => {
      const { startDate, endDate } = request.query;
      readUsageRange(startDate, endDate);
      await ctx.deliveryUsage.flush();
      return usageAnalytics(ctx.store, startDate!, endDate!);
    },
  );
};
