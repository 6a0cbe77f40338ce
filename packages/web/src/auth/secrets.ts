/** Random tokens, their stored hashes and constant-time comparison. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of API tokens, so they are recognisable in scripts and by secret scanners. */
export const API_TOKEN_PREFIX = 'hlai_';

/** A random url-safe secret with 256 bits of entropy, optionally prefixed. */
export function randomSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** How a token is stored: its sha256, hex. Tokens are random, so no salt or slow hash is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two strings without leaking where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  const left = createHash('sha256').update(given).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}
