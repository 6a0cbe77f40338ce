/**
 * The gateway's HTTP app: health and metrics, static assets, sign-in, the Companions app, the
 * knowledge API and the OpenAI-compatible API. Everything but health, assets and sign-in is
 * behind the authentication guard and acts for the signed-in user.
 */
import { Hono } from 'hono';
import { countRequests } from './count-requests.js';
import type { PlatformMetrics } from '@homelab-ai/observability';
import { addKnowledgeRoutes, type KnowledgeRoutesDeps } from '../api/knowledge-routes.js';
import type { AppDeps } from '../app/app-deps.js';
import { addAuthRoutes, csrfTokenOf, principalOf, type AuthDeps } from '../auth/index.js';
import type { Authenticator } from '../auth/principal.js';
import { addOpenAiRoutes, type OpenAiRoutesDeps } from '../openai/index.js';
import { addAppRoutes } from '../app/app-routes.js';
import type { HealthProvider } from './health-report.js';
import { addOpsRoutes } from './ops-routes.js';
import { addStaticRoutes } from './static-assets.js';

export interface GatewayDependencies {
  health: HealthProvider;
  metrics: PlatformMetrics;
  /** Accounts: sign-in, sessions, tokens, admin. */
  auth: AuthDeps;
  app: Omit<AppDeps, 'userOf' | 'csrfTokenOf' | 'canSignOut'>;
  knowledge?: Omit<KnowledgeRoutesDeps, 'ownerOf'>;
  /** The OpenAI-compatible `/v1` API (bearer tokens only). */
  openAi?: Omit<OpenAiRoutesDeps, 'authenticate'>;
}

export interface Gateway {
  app: Hono;
  /** Who a request (or a WebSocket upgrade) signs in as. */
  authenticator: Authenticator;
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

export function createGatewayApp(dependencies: GatewayDependencies): Gateway {
  const app = new Hono();
  app.use(countRequests(dependencies.metrics));
  app.use(async (context, next) => {
    await next();
    context.header('x-content-type-options', 'nosniff');
    context.header('referrer-policy', 'same-origin');
    if (!context.res.headers.has('x-frame-options')) context.header('x-frame-options', 'DENY');
  });
  addOpsRoutes(app, dependencies.health, dependencies.metrics);
  addStaticRoutes(app);
  const auth = addAuthRoutes(app, dependencies.auth);
  const { authenticator } = auth;
  if (dependencies.openAi) {
    addOpenAiRoutes(app, {
      ...dependencies.openAi,
      authenticate: (headers) => authenticator.authenticate(headers),
    });
  }
  const requireSignedIn = auth.requireUser();
  for (const path of GUARDED) app.use(path, requireSignedIn);
  if (dependencies.knowledge) {
    addKnowledgeRoutes(app, {
      ...dependencies.knowledge,
      ownerOf: (context) => Promise.resolve(principalOf(context).userId),
    });
  }
  addAppRoutes(app, {
    ...dependencies.app,
    userOf: principalOf,
    csrfTokenOf,
    canSignOut: (context) => principalOf(context).via === 'session',
  });
  return { app, authenticator };
}
