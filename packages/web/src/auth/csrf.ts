/**
 * CSRF protection for state-changing requests a browser could be tricked into sending: the
 * Origin (or Referer) must be this site, and a session's requests must carry its CSRF token
 * (header X-CSRF-Token or form field _csrf). Bearer-token requests are exempt: browsers never
 * attach them on their own.
 */
import type { Context } from 'hono';
import type { AuthSettings } from './auth-settings.js';
import type { Authentication } from './principal.js';
import { sameSecret } from './secrets.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** The problem with the request's Origin/Referer, or undefined when it is this site. */
export function originProblem(context: Context, settings: AuthSettings): string | undefined {
  const origin = context.req.header('origin') ?? context.req.header('referer');
  if (origin === undefined || origin === '' || origin === 'null') {
    return 'the request has no Origin or Referer header';
  }
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'the Origin header is not a URL';
  }
  const allowed = [new URL(context.req.url).host];
  if (settings.publicUrl !== undefined) allowed.push(new URL(settings.publicUrl).host);
  return allowed.includes(host) ? undefined : `requests from ${origin} are not accepted`;
}

async function submittedToken(context: Context): Promise<string | undefined> {
  const header = context.req.header('x-csrf-token');
  if (header !== undefined) return header;
  // Only small urlencoded forms are read here; uploads and JSON carry the header.
  if (!context.req.header('content-type')?.startsWith('application/x-www-form-urlencoded')) {
    return undefined;
  }
  const form = await context.req.parseBody();
  const field = form._csrf;
  return typeof field === 'string' ? field : undefined;
}

/** Why this request must be refused as a possible forgery, or undefined when it may proceed. */
export async function csrfProblem(
  context: Context,
  auth: Authentication,
  settings: AuthSettings,
): Promise<string | undefined> {
  if (isSafeMethod(context.req.method) || auth.principal.via === 'token') return undefined;
  const fromOrigin = originProblem(context, settings);
  if (fromOrigin !== undefined) return fromOrigin;
  if (auth.session === undefined) return undefined;
  const token = await submittedToken(context);
  if (token === undefined || !sameSecret(token, auth.session.csrfToken)) {
    return 'the CSRF token is missing or wrong (send the X-CSRF-Token header or the _csrf field)';
  }
  return undefined;
}
