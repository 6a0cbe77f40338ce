/**
 * `addAuthRoutes(app, deps)`: installs the auth runtime on every request and mounts login,
 * logout, sign-up, OIDC, account and admin routes and the /account and /admin/users pages. Returns the authenticator (for WebSocket
 * upgrades) and the guards.
 */
import type { Hono, MiddlewareHandler } from 'hono';
import { addAccountPage } from './account-page.js';
import { addAccountRoutes } from './account-routes.js';
import { addAdminUsersPage } from './admin-users-page.js';
import { addAdminRoutes } from './admin-routes.js';
import type { AuthDeps, AuthEnv, AuthRuntime } from './auth-env.js';
import { createAuthenticator } from './authenticator.js';
import { addLoginRoutes } from './login-routes.js';
import { trustedProxyMatcher } from './network.js';
import { addOidcRoutes } from './oidc-login.js';
import type { Authenticator } from './principal.js';
import { guard } from './require-user.js';

export interface AuthRoutes {
  /** For WebSocket upgrades: `authenticateUpgrade(auth.authenticator, request)`. */
  authenticator: Authenticator;
  /** Like the exported `requireUser()`, bound to this app's auth (any registration order). */
  requireUser(): MiddlewareHandler<AuthEnv>;
  requireAdmin(): MiddlewareHandler<AuthEnv>;
}

/** Call before adding routes guarded by `requireUser()` / `requireAdmin()`. */
export function addAuthRoutes<App extends Hono>(app: App, deps: AuthDeps): AuthRoutes {
  const runtime: AuthRuntime = {
    ...deps,
    authenticator: createAuthenticator(deps),
    isTrustedProxy: trustedProxyMatcher(deps.settings.trustedProxies),
  };
  const authApp = app as unknown as Hono<AuthEnv>;
  authApp.use(async (context, next) => {
    context.set('authRuntime', runtime);
    await next();
  });
  addLoginRoutes(authApp, runtime);
  addOidcRoutes(authApp, runtime);
  addAccountRoutes(authApp, runtime);
  addAdminRoutes(authApp, runtime);
  addAccountPage(authApp, runtime);
  addAdminUsersPage(authApp, runtime);
  return {
    authenticator: runtime.authenticator,
    requireUser: () => guard(false, runtime),
    requireAdmin: () => guard(true, runtime),
  };
}
