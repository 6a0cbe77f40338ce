/**
 * The gateway's HTTP app: health and metrics, static assets, sign-in, the Companions app, the
 * knowledge API and the OpenAI-compatible API. Everything but health, assets and sign-in is
 * behind the authentication guard and acts for the signed-in user.
 */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { PlatformMetrics } from '@homelab-ai/observability';
import { addKnowledgeRoutes, type KnowledgeRoutesDeps } from '../api/knowledge-routes.js';
import type { AppDeps, AppUser } from '../app/app-deps.js';
import { addAppRoutes } from '../app/app-routes.js';
import type { HealthProvider } from './health-report.js';
import { addOpsRoutes } from './ops-routes.js';
import { addStaticRoutes } from './static-assets.js';

/** Accounts as the gateway uses them (see auth/). */
export interface GatewayAuth {
  /** Sign-in pages, OIDC callbacks, account, tokens and admin routes. */
  addRoutes: (app: Hono) => void;
  /** Lets signed-in users through (and checks CSRF); pages redirect to sign-in, APIs get 401. */
  requireUser: MiddlewareHandler;
  userOf: (context: Context) => AppUser;
  csrfTokenOf: (context: Context) => string;
  canSignOut: boolean;
}

export interface GatewayDependencies {
  health: HealthProvider;
  metrics: PlatformMetrics;
  auth: GatewayAuth;
  app: Omit<AppDeps, 'userOf' | 'csrfTokenOf' | 'canSignOut'>;
  knowledge?: Omit<KnowledgeRoutesDeps, 'ownerOf'>;
  /** Adds `/v1/...` (bearer tokens, checked by those routes). */
  addOpenAiRoutes?: (app: Hono) => void;
}

/** Paths that act for a user. */
const GUARDED = [
  '/',
  '/c/*',
  '/app/*',
  '/companions',
  '/companions/*',
  '/library',
  '/api/collections',
  '/api/collections/*',
  '/api/documents/*',
  '/api/sessions',
  '/api/sessions/*',
  '/api/companions',
  '/api/companions/*',
];

export function createGatewayApp(dependencies: GatewayDependencies): Hono {
  const { auth } = dependencies;
  const app = new Hono();
  app.use(async (context, next) => {
    await next();
    const route = context.req.routePath || 'unmatched';
    dependencies.metrics.httpRequests.inc({ route, status: String(context.res.status) });
  });
  app.use(async (context, next) => {
    await next();
    context.header('x-content-type-options', 'nosniff');
    context.header('referrer-policy', 'same-origin');
    if (!context.res.headers.has('x-frame-options')) context.header('x-frame-options', 'DENY');
  });
  addOpsRoutes(app, dependencies.health, dependencies.metrics);
  addStaticRoutes(app);
  auth.addRoutes(app);
  dependencies.addOpenAiRoutes?.(app);
  for (const path of GUARDED) app.use(path, auth.requireUser);
  if (dependencies.knowledge) {
    addKnowledgeRoutes(app, {
      ...dependencies.knowledge,
      ownerOf: (context) => Promise.resolve(auth.userOf(context).userId),
    });
  }
  addAppRoutes(app, {
    ...dependencies.app,
    userOf: auth.userOf,
    csrfTokenOf: auth.csrfTokenOf,
    canSignOut: auth.canSignOut,
  });
  return app;
}
