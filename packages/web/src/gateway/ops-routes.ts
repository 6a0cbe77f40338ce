/** `/healthz` and `/metrics`: served by the gateway and by every single-role process. */
import type { Hono } from 'hono';
import type { PlatformMetrics } from '@homelab-ai/observability';
import type { HealthProvider } from './health-report.js';

export function addOpsRoutes(app: Hono, health: HealthProvider, metrics: PlatformMetrics): void {
  app.get('/healthz', async (context) => {
    const report = await health();
    return context.json(report, report.status === 'unhealthy' ? 503 : 200);
  });
  app.get('/metrics', async (context) => {
    const body = await metrics.registry.metrics();
    return context.body(body, 200, { 'content-type': metrics.registry.contentType });
  });
}
