/** The signed-in user's own account: GET /api/me, API tokens, password change. */
import type { Hono } from 'hono';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import {
  createApiToken,
  deleteApiToken,
  deleteUserWebSessions,
  findUserById,
  listApiTokens,
  updateUser,
  type ApiToken,
} from '@homelab-ai/metadata-db';
import { apiError } from '../api/api-errors.js';
import { readJson } from '../api/request-body.js';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import { MAX_PASSWORD_LENGTH, hashPassword, verifyPassword } from './password-hash.js';
import { requireUser } from './require-user.js';
import { API_TOKEN_PREFIX, hashToken, randomSecret } from './secrets.js';
import { newPassword } from './user-admin.js';

export const createTokenBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  /** Days until the token stops working; absent: it never expires. */
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});
export const passwordBody = z.object({
  current_password: z.string().max(MAX_PASSWORD_LENGTH).optional(),
  new_password: newPassword,
});

export function tokenView(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    created_at: token.created_at,
    last_used_at: token.last_used_at,
    expires_at: token.expires_at,
  };
}

/** Creates an API token for a user; the raw token is returned once and never stored. */
export async function issueApiToken(
  runtime: AuthRuntime,
  userId: string,
  name: string,
  expiresInDays?: number,
): Promise<{ token: string; row: ApiToken }> {
  const token = randomSecret(API_TOKEN_PREFIX);
  const row = await createApiToken(runtime.db, {
    userId,
    name,
    tokenHash: hashToken(token),
    expiresAt:
      expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * 86_400_000),
  });
  return { token, row };
}

/** Changes the user's password; the current one is needed when there is one. */
export async function changeOwnPassword(
  runtime: AuthRuntime,
  userId: string,
  body: z.infer<typeof passwordBody>,
): Promise<void> {
  const user = await findUserById(runtime.db, userId);
  if (!user) throw new PlatformError('not_found', 'your account no longer exists');
  if (
    user.password_hash !== null &&
    !(await verifyPassword(body.current_password ?? '', user.password_hash))
  ) {
    throw new PlatformError('invalid_input', 'current_password: is wrong');
  }
  await updateUser(runtime.db, user.id, { passwordHash: await hashPassword(body.new_password) });
}

export function addAccountRoutes(app: Hono<AuthEnv>, runtime: AuthRuntime): void {
  app.get('/api/me', requireUser(), (context) => {
    const principal = context.var.principal;
    return context.json({
      id: principal.userId,
      email: principal.email,
      display_name: principal.displayName,
      role: principal.role,
      via: principal.via,
      csrf_token: context.var.session?.csrfToken ?? null,
    });
  });

  app.get('/api/tokens', requireUser(), async (context) => {
    const tokens = await listApiTokens(runtime.db, context.var.principal.userId);
    return context.json({ tokens: tokens.map(tokenView) });
  });

  app.post('/api/tokens', requireUser(), async (context) => {
    try {
      const body = await readJson(context, createTokenBody);
      const { token, row } = await issueApiToken(
        runtime,
        context.var.principal.userId,
        body.name,
        body.expires_in_days,
      );
      return context.json({ ...tokenView(row), token }, 201);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.delete('/api/tokens/:id', requireUser(), async (context) => {
    try {
      await deleteApiToken(runtime.db, context.var.principal.userId, context.req.param('id'));
      return context.body(null, 204);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.post('/api/me/password', requireUser(), async (context) => {
    try {
      const body = await readJson(context, passwordBody);
      await changeOwnPassword(runtime, context.var.principal.userId, body);
      // Other browsers signed in with the old password are signed out.
      await deleteUserWebSessions(
        runtime.db,
        context.var.principal.userId,
        context.var.session?.tokenHash,
      );
      return context.body(null, 204);
    } catch (error) {
      return apiError(context, error);
    }
  });
}
