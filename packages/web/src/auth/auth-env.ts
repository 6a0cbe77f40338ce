/** The Hono environment of authenticated routes and the per-app state the middleware reads. */
import type { Logger } from '@homelab-ai/observability';
import type { MetadataDb } from '@homelab-ai/metadata-db';
import type { AuthSettings } from './auth-settings.js';
import type { Authenticator, Principal, SessionDetails } from './principal.js';

/**
 * What auth needs from the SessionCache port (structurally the same methods), for login rate
 * limits and the short-lived OIDC login state.
 */
/** The typed query handle of the metadata database (`MetadataDb['db']`). */
export type MetadataDatabase = MetadataDb['db'];

export interface AuthCache {
  increment(key: string, options: { windowMs: number; by?: number }): Promise<number>;
  setValue(
    key: string,
    value: string,
    options: { ttlMs: number; onlyIfAbsent?: boolean },
  ): Promise<boolean>;
  getValue(key: string): Promise<string | undefined>;
  deleteValue(key: string): Promise<void>;
}

export interface AuthDeps {
  db: MetadataDatabase;
  cache: AuthCache;
  settings: AuthSettings;
  logger?: Logger;
  /** Told of each sign-in (the gateway publishes the login event on the bus). */
  onSignIn?: (user: { id: string; display_name: string }) => void;
}

/** Everything the auth middleware and routes share, set on each request by `addAuthRoutes`. */
export interface AuthRuntime extends AuthDeps {
  authenticator: Authenticator;
  isTrustedProxy: (address: string) => boolean;
}

export interface AuthEnv {
  Variables: {
    /** The signed-in user (set by `requireUser()` / `requireAdmin()`). */
    principal: Principal;
    /** The browser session, when the request came with a session cookie. */
    session: SessionDetails | undefined;
    authRuntime: AuthRuntime;
  };
}
