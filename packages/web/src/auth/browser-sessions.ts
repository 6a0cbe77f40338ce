/** Starting and ending browser sessions: a random cookie token, its sha256 row, a CSRF token. */
import type { Context } from 'hono';
import {
  createWebSession,
  deleteExpiredWebSessions,
  deleteWebSession,
  recordLogin,
  type User,
} from '@homelab-ai/metadata-db';
import type { AuthRuntime } from './auth-env.js';
import { SESSION_COOKIE, readCookie } from './authenticator.js';
import { clearSessionCookie, setSessionCookie } from './cookies.js';
import { hashToken, randomSecret } from './secrets.js';

/** Signs the user in on this browser: replaces any session the request came with. */
export async function startBrowserSession(
  context: Context,
  runtime: AuthRuntime,
  user: User,
): Promise<{ csrfToken: string }> {
  const previous = readCookie(context.req.raw.headers, SESSION_COOKIE);
  if (previous !== undefined) await deleteWebSession(runtime.db, hashToken(previous));
  const token = randomSecret();
  const csrfToken = randomSecret();
  const expiresAt = new Date(Date.now() + runtime.settings.sessionTtlHours * 3_600_000);
  await createWebSession(runtime.db, {
    tokenHash: hashToken(token),
    userId: user.id,
    csrfToken,
    expiresAt,
  });
  await recordLogin(runtime.db, user.id);
  runtime.onSignIn?.(user);
  // Housekeeping: sign-ins are rare enough to sweep expired sessions (indexed) each time.
  await deleteExpiredWebSessions(runtime.db);
  setSessionCookie(context, runtime.settings, token, expiresAt);
  return { csrfToken };
}

/** Deletes the request's session (if any) and clears the cookie. */
export async function endBrowserSession(context: Context, runtime: AuthRuntime): Promise<void> {
  const cookie = readCookie(context.req.raw.headers, SESSION_COOKIE);
  if (cookie === undefined) return;
  await deleteWebSession(runtime.db, hashToken(cookie));
  clearSessionCookie(context, runtime.settings);
}
