import { PlatformError } from '@homelab-ai/contracts';

/** The status Milvus answers most RPCs with (enums decoded as names by the SDK). */
export interface MilvusStatus {
  error_code?: string | number;
  code?: number;
  reason?: string;
}

// Milvus's merr codes (pkg/util/merr): the ones a caller can act on.
const COLLECTION_NOT_FOUND = 100;
const PARAMETER_INVALID = 1100;
// gRPC status codes the SDK surfaces as `error.code`.
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAUTHENTICATED = 16;
const GRPC_UNAVAILABLE = 14;

/** Throws a PlatformError when a Milvus status is not Success, naming the action. */
export function checkStatus(status: MilvusStatus | undefined, action: string): void {
  if (!status) return;
  if (status.error_code === 'Success' || status.error_code === 0) {
    if (status.code === undefined || status.code === 0) return;
  }
  const reason = status.reason || `error code ${String(status.error_code)}`;
  const message = `Milvus could not ${action}: ${reason}`;
  const details = { milvusCode: status.code, milvusErrorCode: status.error_code };
  if (status.code === COLLECTION_NOT_FOUND || /collection not (found|exist)/i.test(reason)) {
    throw new PlatformError('not_found', message, { details });
  }
  if (status.code === PARAMETER_INVALID || status.error_code === 'IllegalArgument') {
    throw new PlatformError('invalid_input', message, { details });
  }
  throw new PlatformError('internal', message, { details });
}

/** Maps anything the SDK throws onto the platform's codes, naming the server's address. */
export function toMilvusError(error: unknown, address: string, action: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || /UNAVAILABLE/.test(text)) {
    return new PlatformError(
      'unavailable',
      `Milvus at ${address} is unreachable (${action}): ${text}`,
      {
        cause: error,
      },
    );
  }
  if (code === GRPC_UNAUTHENTICATED) {
    return new PlatformError(
      'unauthorized',
      `Milvus at ${address} refused the credentials: ${text}`,
      {
        cause: error,
      },
    );
  }
  // A failed status the SDK throws as a plain object (e.g. insert into a missing collection).
  if (error && typeof error === 'object' && 'status' in error) {
    try {
      checkStatus((error as { status: MilvusStatus }).status, action);
    } catch (mapped) {
      return mapped as PlatformError;
    }
  }
  return new PlatformError('internal', `Milvus could not ${action}: ${text}`, { cause: error });
}
