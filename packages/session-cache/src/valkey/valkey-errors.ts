/**
 * Turns iovalkey failures into PlatformErrors that name the server (password hidden) and what
 * was being done, so "the cache is down" reads the same as every other port being down.
 */
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';

// Server replies that mean "not now" rather than "never": retrying elsewhere or later can help.
const TRANSIENT_REPLIES = /^(OOM|LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN)\b/;

/** The message of an operation that ran out of time (iovalkey's own wording, kept). */
export const TIMED_OUT = 'Command timed out';

function codeFor(error: Error, connected: boolean): ErrorCode {
  if (error.name === 'ReplyError')
    return TRANSIENT_REPLIES.test(error.message) ? 'unavailable' : 'internal';
  // A reply late from a connected server is slowness; a wait for a connection is an outage.
  if (error.message === TIMED_OUT) return connected ? 'timeout' : 'unavailable';
  // Connection refused/reset/closed, retries exhausted, DNS: the server cannot be reached.
  return 'unavailable';
}

export interface ConnectionState {
  /** Whether the client was connected when the error came. */
  connected: boolean;
  /** The latest socket error, which explains a bare "max retries reached" (ECONNREFUSED). */
  lastConnectionError: string | undefined;
}

/** Wraps an iovalkey error, naming the server and what was being done. */
export function toCacheError(
  error: unknown,
  displayUrl: string,
  doing: string,
  { connected, lastConnectionError }: ConnectionState,
): PlatformError {
  if (error instanceof PlatformError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  const code = codeFor(cause, connected);
  let reason = cause.message;
  if (cause.name === 'MaxRetriesPerRequestError')
    reason = `could not connect (${lastConnectionError ?? 'connection lost'})`;
  else if (code === 'unavailable' && cause.name !== 'ReplyError' && lastConnectionError)
    reason = `${cause.message} (last connection error: ${lastConnectionError})`;
  const summary =
    code === 'unavailable'
      ? `Valkey at ${displayUrl} is unavailable`
      : code === 'timeout'
        ? `Valkey at ${displayUrl} did not answer in time`
        : `Valkey at ${displayUrl} refused the command`;
  return new PlatformError(code, `${summary} while ${doing}: ${reason}`, {
    cause,
    details: { url: displayUrl },
  });
}
