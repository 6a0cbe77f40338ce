/**
 * GET/POST /login, POST /logout and (HOMELAB_SIGNUP=open) POST /signup. Forms get pages and
 * redirects, JSON clients get JSON. Failed sign-ins are rate limited and all read the same.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import { createUser, findUserByEmail } from '@homelab-ai/metadata-db';
import { apiError } from '../api/api-errors.js';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import { endBrowserSession, startBrowserSession } from './browser-sessions.js';
import { csrfProblem, originProblem } from './csrf.js';
import { createLoginRateLimiter } from './login-rate-limit.js';
import { loginPageFor } from './login-page.js';
import { clientAddress, peerAddress } from './network.js';
import {
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  decoyPasswordHash,
  hashPassword,
  verifyPassword,
} from './password-hash.js';
import { authenticateContext, safeNext } from './require-user.js';

export const WRONG_CREDENTIALS = 'Wrong email or password.';

const loginBody = z.object({
  email: z.string().trim().min(1, 'is required').max(320),
  password: z.string().min(1, 'is required').max(MAX_PASSWORD_LENGTH),
  next: z.string().optional(),
});
const signupBody = z.object({
  email: z.string().trim().min(3).max(320),
  display_name: z.string().trim().min(1).max(100).optional(),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH),
});

function wantsJson(context: Context): boolean {
  return context.req.header('content-type')?.startsWith('application/json') === true;
}

/** The body of a form or JSON request, validated; a bad body is `invalid_input` naming the field. */
async function readBody<T extends z.ZodType>(context: Context, schema: T): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = wantsJson(context) ? await context.req.json() : await context.req.parseBody();
  } catch {
    throw new PlatformError('invalid_input', 'the body must be JSON or a form');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError(
      'invalid_input',
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

function userView(user: { id: string; email: string; display_name: string; role: string }) {
  return { id: user.id, email: user.email, display_name: user.display_name, role: user.role };
}

export function addLoginRoutes(app: Hono<AuthEnv>, runtime: AuthRuntime): void {
  const limiter = createLoginRateLimiter(runtime.cache, runtime.settings);
  const page = (next: string, extra: { error?: string; email?: string } = {}) =>
    loginPageFor(runtime.settings, next, extra);

  app.get('/login', async (context) => {
    const next = safeNext(context.req.query('next'));
    if (await authenticateContext(context)) return context.redirect(next, 302);
    return context.html(page(next));
  });

  app.post('/login', async (context) => {
    const json = wantsJson(context);
    try {
      const foreign = originProblem(context, runtime.settings);
      // Browsers always send Origin on cross-site POSTs; scripts may send none.
      if (
        foreign !== undefined &&
        (context.req.header('origin') ?? context.req.header('referer'))
      ) {
        throw new PlatformError('forbidden', `refused as a possible forgery: ${foreign}`);
      }
      const body = await readBody(context, loginBody);
      const next = safeNext(body.next);
      const address = clientAddress(
        peerAddress(context),
        context.req.raw.headers,
        runtime.isTrustedProxy,
      );
      const wait = await limiter.blockedFor(address, body.email);
      if (wait !== undefined) {
        context.header('Retry-After', String(wait));
        const message = `Too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute(s).`;
        return json
          ? context.json({ error: { message, type: 'rate_limited' } }, 429)
          : context.html(page(next, { error: message, email: body.email }), 429);
      }
      const user = await findUserByEmail(runtime.db, body.email);
      const valid = await verifyPassword(
        body.password,
        user?.password_hash ?? (await decoyPasswordHash()),
      );
      if (!user || !user.password_hash || !valid || user.disabled) {
        await limiter.recordFailure(address, body.email);
        return json
          ? apiError(context, new PlatformError('unauthorized', WRONG_CREDENTIALS))
          : context.html(page(next, { error: WRONG_CREDENTIALS, email: body.email }), 401);
      }
      const { csrfToken } = await startBrowserSession(context, runtime, user);
      runtime.logger?.info({ userId: user.id }, 'user signed in');
      return json
        ? context.json({ user: userView(user), csrf_token: csrfToken, next })
        : context.redirect(next, 303);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.post('/logout', async (context) => {
    try {
      if (await authenticateContext(context)) {
        const problem = await csrfProblem(
          context,
          { principal: context.var.principal, session: context.var.session },
          runtime.settings,
        );
        if (problem !== undefined) {
          throw new PlatformError('forbidden', `refused as a possible forgery: ${problem}`);
        }
      }
      await endBrowserSession(context, runtime);
      return wantsJson(context) ? context.body(null, 204) : context.redirect('/login', 303);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.post('/signup', async (context) => {
    try {
      if (runtime.settings.signup !== 'open') {
        throw new PlatformError('forbidden', 'sign-up is closed: ask an admin for an account');
      }
      const problem = originProblem(context, runtime.settings);
      if (
        problem !== undefined &&
        (context.req.header('origin') ?? context.req.header('referer'))
      ) {
        throw new PlatformError('forbidden', `refused as a possible forgery: ${problem}`);
      }
      const body = await readBody(context, signupBody);
      const user = await createUser(runtime.db, {
        email: body.email,
        displayName: body.display_name ?? body.email.split('@')[0] ?? body.email,
        passwordHash: await hashPassword(body.password),
      });
      const { csrfToken } = await startBrowserSession(context, runtime, user);
      return wantsJson(context)
        ? context.json({ user: userView(user), csrf_token: csrfToken }, 201)
        : context.redirect('/', 303);
    } catch (error) {
      return apiError(context, error);
    }
  });
}
