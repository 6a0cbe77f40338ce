/**
 * Turns Postgres errors (from `pg` or PGlite, both carry the SQLSTATE in `code`) into
 * PlatformErrors, and names a database target without its password.
 */
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';

/** The SQLSTATE of a database error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function codeFor(state: string | undefined): ErrorCode {
  if (state === undefined) return 'internal';
  if (state === UNIQUE_VIOLATION || state === '40001' || state === '40P01') return 'conflict';
  if (state === FOREIGN_KEY_VIOLATION) return 'not_found';
  // 22xxx bad data (e.g. a malformed uuid), 23xxx other constraint violations.
  if (state.startsWith('22') || state.startsWith('23')) return 'invalid_input';
  // 08xxx connection exceptions, 57P0x the server shutting down or starting.
  if (state.startsWith('08') || state.startsWith('57P')) return 'unavailable';
  return 'internal';
}

/** Wraps a failed query: `what` says what was being done, the cause keeps the original. */
export function toDatabaseError(error: unknown, what: string): PlatformError {
  if (error instanceof PlatformError) return error;
  const state = sqlState(error);
  return new PlatformError(codeFor(state), `${what}: ${errorMessage(error)}`, {
    cause: error,
    ...(state === undefined ? {} : { details: { sqlState: state } }),
  });
}

/** An error's message; for an AggregateError (IPv4 + IPv6 connect attempts) all of them. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(errorMessage))].join('; ');
  }
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return error.message || code || error.name;
  }
  return String(error);
}

/** `host:port/database` of a Postgres URL: safe to log, never shows the password. */
export function describePostgresTarget(url: URL): string {
  const host = url.hostname || 'localhost';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  return `${host}:${url.port || '5432'}/${database}`;
}

/** Parses DATABASE_URL, failing with a message that does not repeat the (secret) URL. */
export function parsePostgresUrl(databaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch (error) {
    throw new PlatformError(
      'invalid_config',
      'DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database)',
      { cause: error },
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new PlatformError(
      'invalid_config',
      `DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`,
    );
  }
  return url;
}
