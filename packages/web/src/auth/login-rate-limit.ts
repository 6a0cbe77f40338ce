/**
 * Login rate limits through the SessionCache port: failed sign-ins are counted per client
 * address and per email in a fixed window; at the limit further attempts are refused (429)
 * until the window ends, whether or not the password would be right. Successes do not count.
 */
import type { AuthCache } from './auth-env.js';
import { DEFAULT_LOGIN_RATE_LIMIT, type AuthSettings } from './auth-settings.js';
import { hashToken } from './secrets.js';

export interface LoginRateLimiter {
  /** Seconds to wait when this address or email is blocked, else undefined. */
  blockedFor(address: string, email: string): Promise<number | undefined>;
  recordFailure(address: string, email: string): Promise<void>;
}

export function createLoginRateLimiter(cache: AuthCache, settings: AuthSettings): LoginRateLimiter {
  const { maxFailures, windowMs } = settings.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT;
  // Hashed, so any address or email is a valid, bounded cache key.
  // Without a peer address (an in-process request) only the email is limited.
  const keys = (address: string, email: string) => [
    ...(address === 'unknown' ? [] : [`auth:login:ip:${hashToken(address)}`]),
    `auth:login:email:${hashToken(email.trim().toLowerCase())}`,
  ];
  return {
    async blockedFor(address, email) {
      for (const key of keys(address, email)) {
        const until = await cache.getValue(`${key}:blocked`);
        if (until !== undefined) return Math.max(1, Math.ceil((Number(until) - Date.now()) / 1000));
      }
      return undefined;
    },
    async recordFailure(address, email) {
      for (const key of keys(address, email)) {
        const failures = await cache.increment(key, { windowMs });
        if (failures >= maxFailures) {
          await cache.setValue(`${key}:blocked`, String(Date.now() + windowMs), {
            ttlMs: windowMs,
          });
        }
      }
    },
  };
}
