import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';
import { PlatformError } from '@homelab-ai/contracts';

/** Maps nats.js errors onto the platform's error codes, naming the subject. */
export function toBusError(error: unknown, subject: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const cause = error instanceof RequestError && error.cause instanceof Error ? error.cause : error;
  if (
    cause instanceof NoRespondersError ||
    (error instanceof RequestError && error.isNoResponders())
  ) {
    return new PlatformError('unavailable', `no responders for ${subject}`, { cause: error });
  }
  if (cause instanceof TimeoutError) {
    return new PlatformError('timeout', `no reply on ${subject} in time`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError('unavailable', `NATS: ${message} (subject ${subject})`, {
    cause: error,
  });
}
