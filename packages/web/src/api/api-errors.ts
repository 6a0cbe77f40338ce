/** JSON errors for the HTTP API: `{error: {message, type}}` with the status of the error code. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { toPlatformError } from '@homelab-ai/contracts';

export function apiError(context: Context, error: unknown): Response {
  const failure = toPlatformError(error);
  const status = (failure.httpStatus === 499 ? 400 : failure.httpStatus) as ContentfulStatusCode;
  return context.json({ error: { message: failure.message, type: failure.code } }, status);
}
