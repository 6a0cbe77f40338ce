/**
 * Errors in OpenAI's shape, `{error: {message, type, code, param}}`, with the HTTP status of
 * the platform's error-code table, so the official clients raise their typed errors.
 */
import { toPlatformError, type PlatformError } from '@homelab-ai/contracts';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

/** OpenAI's code for a few of ours; the rest keep the platform's code. */
const OPENAI_CODES: Partial<Record<PlatformError['code'], string>> = {
  unauthorized: 'invalid_api_key',
  invalid_input: 'invalid_request',
  invalid_message: 'invalid_request',
};

function detail(failure: PlatformError, key: string): string | null {
  const value = failure.details?.[key];
  return typeof value === 'string' ? value : null;
}

export function toOpenAiError(error: unknown): { status: number; body: OpenAiErrorBody } {
  const failure = toPlatformError(error);
  const status = failure.httpStatus === 499 ? 400 : failure.httpStatus;
  return {
    status,
    body: {
      error: {
        message: failure.message,
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
        code: detail(failure, 'openai_code') ?? OPENAI_CODES[failure.code] ?? failure.code,
        param: detail(failure, 'param'),
      },
    },
  };
}

/** The JSON error response; a 401 tells the client to send a bearer token. */
export function openAiErrorResponse(context: Context, error: unknown): Response {
  const { status, body } = toOpenAiError(error);
  if (status === 401) context.header('WWW-Authenticate', 'Bearer realm="homelab-ai"');
  return context.json(body, status as ContentfulStatusCode);
}
