/**
 * What the auth module needs to know: `config.auth` of @homelab-ai/config (the gateway passes
 * that object), plus limits that tests may shorten.
 */
import type { AuthConfig, OidcProviderConfig } from '@homelab-ai/config';

export type OidcProviderSettings = OidcProviderConfig;
export type AuthMode = AuthConfig['mode'];

export interface AuthSettings extends AuthConfig {
  /** Failed sign-ins allowed per address and per email within the window. */
  loginRateLimit?: { maxFailures: number; windowMs: number };
}

export const DEFAULT_LOGIN_RATE_LIMIT = { maxFailures: 10, windowMs: 5 * 60_000 };

/** Settings with every default, for tests and embedding: override what matters. */
export function authSettings(overrides: Partial<AuthSettings> = {}): AuthSettings {
  return {
    mode: 'local',
    adminEmail: 'admin@homelab.local',
    adminPassword: undefined,
    bootstrapToken: undefined,
    sessionTtlHours: 168,
    secureCookies: 'auto',
    trustedHeaders: {
      email: ['x-auth-request-email', 'x-forwarded-email'],
      name: ['x-auth-request-preferred-username', 'x-forwarded-preferred-username'],
    },
    trustedProxies: [],
    oidcProviders: [],
    publicUrl: undefined,
    signup: 'closed',
    ...overrides,
  };
}
