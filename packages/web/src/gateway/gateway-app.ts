/** The gateway's HTTP app: the chat page, static assets, health and metrics. */
import { Hono } from 'hono';
import type { PlatformMetrics } from '@homelab-ai/observability';
import { addKnowledgeRoutes, type KnowledgeRoutesDeps } from '../api/knowledge-routes.js';
import { renderChatPage, type ChatPageModel } from '../chat/chat-page.js';
import type { HealthProvider } from './health-report.js';
import { addOpsRoutes } from './ops-routes.js';
import { addStaticRoutes } from './static-assets.js';

export interface GatewayDependencies {
  health: HealthProvider;
  metrics: PlatformMetrics;
  /** What the chat page should say about the model ports. */
  chatPage: () => Promise<ChatPageModel>;
  /** The knowledge API (collections, documents, search). */
  knowledge?: KnowledgeRoutesDeps;
}

export function createGatewayApp(dependencies: GatewayDependencies): Hono {
  const app = new Hono();
  app.use(async (context, next) => {
    await next();
    const route = context.req.routePath || 'unmatched';
    dependencies.metrics.httpRequests.inc({ route, status: String(context.res.status) });
  });
  addOpsRoutes(app, dependencies.health, dependencies.metrics);
  addStaticRoutes(app);
  if (dependencies.knowledge) addKnowledgeRoutes(app, dependencies.knowledge);
  app.get('/', async (context) => context.html(renderChatPage(await dependencies.chatPage())));
  return app;
}
