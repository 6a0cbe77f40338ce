/**
 * `requireUser()` and `requireAdmin()`: Hono middleware that authenticates the request, checks
 * CSRF on state-changing requests, refreshes a sliding session cookie and sets
 * `c.var.principal`. Who is not signed in gets a 401 JSON on the API and a redirect to the
 * login page in a browser.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { PlatformError } from '@homelab-ai/contracts';
import { apiError } from '../api/api-errors.js';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import { SESSION_COOKIE, readCookie } from './authenticator.js';
import { setSessionCookie } from './cookies.js';
import { csrfProblem } from './csrf.js';
import { peerAddress } from './network.js';

/** Whether a path belongs to a JSON API (answered with 401/403 JSON, never a redirect). */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/v1' || path.startsWith('/v1/');
}

/** `next` when it is a path on this site, else `/` (no open redirects). */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith('/') || next.startsWith('//')) return '/';
  // Backslashes (browsers read them as /) and control characters make odd URLs: refuse them.
  if ([...next].some((char) => char === '\\' || char.charCodeAt(0) < 0x20)) return '/';
  return next;
}

function runtimeOf(context: Context<AuthEnv>): AuthRuntime {
  const runtime = context.get('authRuntime') as AuthRuntime | undefined;
  if (!runtime) {
    throw new PlatformError(
      'internal',
      'authentication is not set up: call addAuthRoutes(app, deps) before adding protected routes',
    );
  }
  return runtime;
}

function unauthenticated(context: Context): Response {
  const url = new URL(context.req.url);
  const message = 'sign in first: send "Authorization: Bearer <API token>" or a session cookie';
  if (isApiPath(url.pathname)) return apiError(context, new PlatformError('unauthorized', message));
  const login = `/login?next=${encodeURIComponent(safeNext(url.pathname + url.search))}`;
  if (context.req.header('hx-request') === 'true') {
    context.header('HX-Redirect', login);
    return context.body(null, 401);
  }
  if (context.req.method === 'GET' || context.req.method === 'HEAD')
    return context.redirect(login, 302);
  return apiError(context, new PlatformError('unauthorized', message));
}

function forbidden(context: Context, message: string): Response {
  return apiError(context, new PlatformError('forbidden', message));
}

/** Authenticates without refusing anyone: sets the principal when there is one. */
export async function authenticateContext(context: Context<AuthEnv>): Promise<boolean> {
  const runtime = runtimeOf(context);
  const cookie = readCookie(context.req.raw.headers, SESSION_COOKIE);
  const auth = await runtime.authenticator.resolve(context.req.raw.headers, {
    remoteAddress: peerAddress(context),
  });
  if (!auth) return false;
  context.set('principal', auth.principal);
  context.set('session', auth.session);
  if (auth.session?.extendedUntil !== undefined && cookie !== undefined) {
    setSessionCookie(context, runtime.settings, cookie, auth.session.extendedUntil);
  }
  return true;
}

/** The guard; bound to a runtime it works even on routes added before `addAuthRoutes`. */
export function guard(adminOnly: boolean, runtime?: AuthRuntime): MiddlewareHandler<AuthEnv> {
  return createMiddleware<AuthEnv>(async (context, next) => {
    try {
      if (runtime !== undefined) context.set('authRuntime', runtime);
      if (!(await authenticateContext(context))) return unauthenticated(context);
      const problem = await csrfProblem(
        context,
        { principal: context.var.principal, session: context.var.session },
        runtimeOf(context).settings,
      );
      if (problem !== undefined)
        return forbidden(context, `refused as a possible forgery: ${problem}`);
      if (adminOnly && context.var.principal.role !== 'admin') {
        return forbidden(context, 'only admins may do this');
      }
    } catch (error) {
      return apiError(context, error);
    }
    await next();
    return undefined;
  });
}

/** Lets signed-in users through (any role); sets `c.var.principal`. */
export function requireUser(): MiddlewareHandler<AuthEnv> {
  return guard(false);
}

/** Lets admins through; a signed-in user who is not one gets 403. */
export function requireAdmin(): MiddlewareHandler<AuthEnv> {
  return guard(true);
}

/** The CSRF token pages embed (meta tag, htmx hx-headers, `_csrf` fields); '' without a session. */
export function csrfTokenOf(context: Context): string {
  const session = (context as Context<AuthEnv>).get('session');
  return session?.csrfToken ?? '';
}

/** The signed-in principal (behind `requireUser()`), or a 401 error. */
export function principalOf(context: Context) {
  const principal = (context as Context<AuthEnv>).get('principal') as
    AuthEnv['Variables']['principal'] | undefined;
  if (!principal) throw new PlatformError('unauthorized', 'sign in first');
  return principal;
}
