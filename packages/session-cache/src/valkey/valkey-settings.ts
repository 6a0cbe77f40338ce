/**
 * Settings of the Valkey adapter: checked once at creation, so a wrong `VALKEY_URL` stops
 * startup with a message naming it instead of failing on the first chat turn.
 */
import { PlatformError } from '@homelab-ai/contracts';

export interface ValkeySessionCacheSettings {
  /** `redis://[user:password@]host:6379/0` (also `rediss:`, `valkey:`, `valkeys:` for TLS). */
  url: string;
  /** Put before every key, so several deployments can share one server (default `homelab:`). */
  keyPrefix?: string;
  /** Longest wait for a connection (default 2,000 ms). */
  connectTimeoutMs?: number;
  /** Longest wait for one reply, queued time included (default 2,000 ms). */
  commandTimeoutMs?: number;
}

export interface CheckedValkeySettings {
  url: string;
  /** The URL with any password replaced by `***`: the only form put in messages and logs. */
  displayUrl: string;
  keyPrefix: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export const DEFAULT_KEY_PREFIX = 'homelab:';
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

const PROTOCOLS = new Set(['redis:', 'rediss:', 'valkey:', 'valkeys:']);

function invalidConfig(message: string): PlatformError {
  return new PlatformError('invalid_config', message);
}

/** The URL without its password, fit for messages and logs. */
export function redactUrl(url: URL): string {
  if (url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href;
}

function checkTimeout(value: number | undefined, fallback: number, name: string): number {
  const checked = value ?? fallback;
  if (!Number.isSafeInteger(checked) || checked < 1)
    throw invalidConfig(
      `Valkey session cache: ${name} must be a positive whole number of ms, got ${checked}`,
    );
  return checked;
}

/** Validates settings and fills in defaults; `invalid_config` naming VALKEY_URL otherwise. */
export function checkValkeySettings(settings: ValkeySessionCacheSettings): CheckedValkeySettings {
  let parsed: URL;
  try {
    parsed = new URL(settings.url);
  } catch (error) {
    // Not echoed: a malformed URL may still hold a password.
    throw new PlatformError(
      'invalid_config',
      'VALKEY_URL is not a URL; expected redis://host:6379/0',
      { cause: error },
    );
  }
  const shown = redactUrl(parsed);
  if (!PROTOCOLS.has(parsed.protocol))
    throw invalidConfig(
      `VALKEY_URL ${shown} must start with redis://, rediss://, valkey:// or valkeys://`,
    );
  if (parsed.hostname === '') throw invalidConfig(`VALKEY_URL ${shown} names no host`);
  const database = parsed.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d{1,5}$/.test(database))
    throw invalidConfig(`VALKEY_URL ${shown}: the path must be a database number like /0`);
  const keyPrefix = settings.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (keyPrefix.length > 128 || /\p{Cc}/u.test(keyPrefix))
    throw invalidConfig(
      `Valkey session cache: keyPrefix ${JSON.stringify(keyPrefix.slice(0, 140))} must be at most 128 characters without control characters`,
    );
  return {
    url: settings.url,
    displayUrl: shown,
    keyPrefix,
    connectTimeoutMs: checkTimeout(
      settings.connectTimeoutMs,
      DEFAULT_CONNECT_TIMEOUT_MS,
      'connectTimeoutMs',
    ),
    commandTimeoutMs: checkTimeout(
      settings.commandTimeoutMs,
      DEFAULT_COMMAND_TIMEOUT_MS,
      'commandTimeoutMs',
    ),
  };
}
