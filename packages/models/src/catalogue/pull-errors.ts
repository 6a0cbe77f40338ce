/**
 * How the downloader names its failures: a cancel keeps the part for a later resume, a local
 * disk failure is not retried, anything else from the network is retryable by resuming.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { DownloadTarget } from './download-attempt.js';

const LOCAL_FAILURES = new Set(['ENOSPC', 'EACCES', 'EPERM', 'EROFS', 'EDQUOT', 'EISDIR']);

/** Classifies anything thrown by an attempt: cancel, local disk failure, or a network drop. */
export function asPullError(
  error: unknown,
  target: DownloadTarget,
  partPath: string,
): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof Error && error.name === 'AbortError')
    return new PlatformError(
      'cancelled',
      `models: download of ${target.file} cancelled; ${partPath} is kept and the next pull resumes from it`,
      { cause: error },
    );
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && LOCAL_FAILURES.has(code))
    return new PlatformError(
      'internal',
      `models: cannot write ${partPath}: ${(error as Error).message}; check HOMELAB_MODELS_DIR and free space`,
      { cause: error },
    );
  const reason = describeNetworkError(error);
  return new PlatformError('unavailable', `models: download from ${target.url} broke: ${reason}`, {
    cause: error,
  });
}

export function exhausted(
  failure: PlatformError,
  failures: number,
  partPath: string,
): PlatformError {
  if (!failure.retryable || failures === 0) return failure;
  return new PlatformError(
    failure.code,
    `${failure.message} (gave up after ${failures + 1} attempts; run the pull again to resume ` +
      `from ${partPath})`,
    { cause: failure },
  );
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
