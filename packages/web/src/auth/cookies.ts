/** The session cookie: HttpOnly, SameSite=Lax, Secure on https (or as configured). */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AuthSettings } from './auth-settings.js';
import { SESSION_COOKIE } from './authenticator.js';

/** Whether cookies set on this request get the Secure flag. */
export function secureCookies(context: Context, settings: AuthSettings): boolean {
  if (settings.secureCookies !== 'auto') return settings.secureCookies === 'always';
  return (
    settings.publicUrl?.startsWith('https:') === true ||
    new URL(context.req.url).protocol === 'https:' ||
    context.req.header('x-forwarded-proto') === 'https'
  );
}

export function setSessionCookie(
  context: Context,
  settings: AuthSettings,
  token: string,
  expiresAt: Date,
): void {
  setCookie(context, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secureCookies(context, settings),
    path: '/',
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(context: Context, settings: AuthSettings): void {
  deleteCookie(context, SESSION_COOKIE, { path: '/', secure: secureCookies(context, settings) });
}
