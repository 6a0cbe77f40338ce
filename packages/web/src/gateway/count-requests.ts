/** Counts each request by route and status in `homelab_http_requests_total`. */
import type { MiddlewareHandler } from 'hono';
import type { PlatformMetrics } from '@homelab-ai/observability';

export function countRequests(metrics: PlatformMetrics): MiddlewareHandler {
  return async (context, next) => {
    await next();
    const route = context.req.routePath || 'unmatched';
    metrics.httpRequests.inc({ route, status: String(context.res.status) });
  };
}
