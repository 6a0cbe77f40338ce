/** Accounts and authentication for the gateway: see the Accounts section of the README. */
export { addAuthRoutes, type AuthRoutes } from './auth-routes.js';
export type { AuthCache, AuthDeps, AuthEnv, AuthRuntime } from './auth-env.js';
export {
  authSettings,
  DEFAULT_LOGIN_RATE_LIMIT,
  type AuthMode,
  type AuthSettings,
  type OidcProviderSettings,
} from './auth-settings.js';
export { createAuthenticator, SESSION_COOKIE, type AuthenticatorDeps } from './authenticator.js';
export {
  authenticateUpgrade,
  toHeaders,
  type Authentication,
  type Authenticator,
  type ConnectionInfo,
  type Principal,
  type PrincipalVia,
  type SessionDetails,
} from './principal.js';
export {
  csrfTokenOf,
  isApiPath,
  principalOf,
  requireAdmin,
  requireUser,
  safeNext,
} from './require-user.js';
export {
  ensureBootstrapAdmin,
  type BootstrapAdminDeps,
  type BootstrapAdminResult,
} from './bootstrap-admin.js';
export { hashPassword, verifyPassword } from './password-hash.js';
export { issueApiToken } from './account-routes.js';
export { API_TOKEN_PREFIX, hashToken } from './secrets.js';
export type { MetadataDatabase } from './auth-env.js';
export {
  startLoopbackOidcProvider,
  type LoopbackOidcProvider,
  type OidcTestUser,
} from './testing/loopback-oidc-provider.js';
