/**
 * S3 failures as platform errors that name the endpoint, bucket and key, so a message in a log
 * says which store broke and whether trying again can help.
 */
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';

export interface S3Target {
  /** The endpoint as configured, or "AWS S3 (region)". */
  endpoint: string;
  bucket: string;
}

interface S3ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

export function httpStatusOf(error: unknown): number | undefined {
  return (error as S3ErrorShape | undefined)?.$metadata?.httpStatusCode;
}

export function errorNameOf(error: unknown): string {
  const shape = error as S3ErrorShape | undefined;
  return shape?.name ?? shape?.code ?? '';
}

/** True when the request never got an answer from the server. */
export function isUnreachable(error: unknown): boolean {
  const shape = error as S3ErrorShape | undefined;
  if (shape?.code !== undefined && NETWORK_CODES.has(shape.code)) return true;
  return (
    shape?.name === 'TimeoutError' ||
    (shape?.name === 'Error' &&
      httpStatusOf(error) === undefined &&
      /socket hang up/i.test(shape.message ?? ''))
  );
}

function codeFor(error: unknown): ErrorCode {
  const name = errorNameOf(error);
  const status = httpStatusOf(error);
  if (name === 'NoSuchBucket') return 'unavailable';
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return 'not_found';
  if (name === 'EntityTooLarge') return 'payload_too_large';
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || status === 401)
    return 'unauthorized';
  if (name === 'AccessDenied' || status === 403) return 'forbidden';
  if (name === 'AbortError') return 'cancelled';
  if (name === 'SlowDown' || (status !== undefined && status >= 500)) return 'unavailable';
  return 'internal';
}

/**
 * Wraps an S3 client error. `action` reads as a verb phrase ("storing"), `key` is the object
 * key when there is one.
 */
export function s3Failure(
  target: S3Target,
  action: string,
  key: string | undefined,
  error: unknown,
): PlatformError {
  const where = `bucket ${JSON.stringify(target.bucket)} at ${target.endpoint}`;
  const what = key === undefined ? where : `object ${JSON.stringify(key)} in ${where}`;
  const details = { endpoint: target.endpoint, bucket: target.bucket, key };
  const reason = (error as S3ErrorShape | undefined)?.message ?? String(error);
  if (isUnreachable(error))
    return new PlatformError(
      'unavailable',
      `S3 at ${target.endpoint} is unreachable (${action} ${what}): ${reason}`,
      { cause: error, details },
    );
  const code = codeFor(error);
  if (code === 'not_found')
    return new PlatformError('not_found', `no ${what}`, { cause: error, details });
  const name = errorNameOf(error);
  return new PlatformError(code, `${action} ${what} failed: ${name ? `${name}: ` : ''}${reason}`, {
    cause: error,
    details,
  });
}
