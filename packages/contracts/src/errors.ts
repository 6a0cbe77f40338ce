/**
 * One table of error codes. The HTTP status, the bus error reply and whether a retry can help
 * are all derived from it, so a failure reads the same on every edge.
 */
export const ERROR_CODES = {
  invalid_message: {
    httpStatus: 400,
    retryable: false,
    summary: 'the message does not match its schema',
  },
  invalid_config: {
    httpStatus: 500,
    retryable: false,
    summary: 'a configuration value is invalid',
  },
  invalid_input: { httpStatus: 400, retryable: false, summary: 'the input is invalid' },
  conflict: {
    httpStatus: 409,
    retryable: false,
    summary: 'the request conflicts with the current state',
  },
  not_found: { httpStatus: 404, retryable: false, summary: 'no such resource' },
  unauthorized: { httpStatus: 401, retryable: false, summary: 'authentication required' },
  forbidden: { httpStatus: 403, retryable: false, summary: 'not allowed' },
  payload_too_large: { httpStatus: 413, retryable: false, summary: 'the payload is too large' },
  timeout: { httpStatus: 504, retryable: true, summary: 'the operation timed out' },
  unavailable: { httpStatus: 503, retryable: true, summary: 'a dependency is unavailable' },
  model_not_configured: { httpStatus: 503, retryable: false, summary: 'no model is configured' },
  model_error: { httpStatus: 502, retryable: true, summary: 'the model service failed' },
  model_rejected: {
    httpStatus: 502,
    retryable: false,
    summary: 'the model service refused the request',
  },
  cancelled: { httpStatus: 499, retryable: false, summary: 'the operation was cancelled' },
  internal: { httpStatus: 500, retryable: false, summary: 'internal error' },
} as const satisfies Record<string, { httpStatus: number; retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A typed platform error: a code from the table, a message for humans, an optional cause. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }
}

/** Wraps anything thrown into a PlatformError, keeping the original as `cause`. */
export function toPlatformError(error: unknown, fallback: ErrorCode = 'internal'): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof Error) {
    if (error.name === 'AbortError')
      return new PlatformError('cancelled', error.message, { cause: error });
    return new PlatformError(fallback, error.message, { cause: error });
  }
  return new PlatformError(fallback, String(error));
}

/** The bus error reply of the original platform: `{error, message, type}`. */
export interface ErrorReply {
  error: true;
  message: string;
  type: ErrorCode;
  request_id?: string;
}

export function toErrorReply(error: unknown, requestId?: string): ErrorReply {
  const platformError = toPlatformError(error);
  const reply: ErrorReply = {
    error: true,
    message: platformError.message,
    type: platformError.code,
  };
  if (requestId !== undefined) reply.request_id = requestId;
  return reply;
}
