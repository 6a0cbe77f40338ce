/**
 * OIDC sign-in, any number of providers: authorization code + PKCE, with state and nonce.
 * The pending login lives in the SessionCache (so any gateway replica can finish it) under the
 * hash of a random handle that a short-lived HttpOnly cookie binds to this browser; it is
 * single use. The callback maps the provider's `sub` to a user, links a verified email to an
 * existing account, or (HOMELAB_SIGNUP=open) creates one.
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import * as oidc from 'openid-client';
import {
  createUser,
  findUserByEmail,
  findUserByIdentity,
  linkIdentity,
  type User,
} from '@homelab-ai/metadata-db';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import type { OidcProviderSettings } from './auth-settings.js';
import { startBrowserSession } from './browser-sessions.js';
import { secureCookies } from './cookies.js';
import { loginPageFor } from './login-page.js';
import { safeNext } from './require-user.js';
import { hashToken, randomSecret } from './secrets.js';

const STATE_COOKIE = 'hlai_oidc';
const PENDING_TTL_MS = 10 * 60_000;

interface PendingLogin {
  provider: string;
  verifier: string;
  state: string;
  nonce: string;
  next: string;
}

/** Discovers each provider once (again after a failure). */
function providerConfigs() {
  const discovered = new Map<string, Promise<oidc.Configuration>>();
  return (provider: OidcProviderSettings): Promise<oidc.Configuration> => {
    let config = discovered.get(provider.id);
    if (!config) {
      const issuer = new URL(provider.issuer);
      config = oidc.discovery(
        issuer,
        provider.clientId,
        provider.clientSecret,
        provider.clientSecret === undefined ? oidc.None() : undefined,
        // http issuers are allowed by the config only on loopback (development, tests).
        issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      config.catch(() => discovered.delete(provider.id));
      discovered.set(provider.id, config);
    }
    return config;
  };
}

function redirectUri(context: Context, runtime: AuthRuntime, provider: OidcProviderSettings) {
  const base = runtime.settings.publicUrl ?? new URL(context.req.url).origin;
  return `${base}/auth/oidc/${provider.id}/callback`;
}

/** The user this verified identity signs in, created or linked as the settings allow. */
async function userForIdentity(
  runtime: AuthRuntime,
  provider: OidcProviderSettings,
  claims: oidc.IDToken,
): Promise<User | string> {
  const linked = await findUserByIdentity(runtime.db, provider.id, claims.sub);
  if (linked) return linked;
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
  if (email === undefined || claims.email_verified !== true) {
    return `${provider.name} did not vouch for an email address, and this ${provider.name} account is not linked to a user here`;
  }
  let user = await findUserByEmail(runtime.db, email);
  if (!user) {
    if (runtime.settings.signup !== 'open') {
      return `There is no account for ${email}; ask an admin to create one.`;
    }
    const name = [claims.name, claims.preferred_username].find(
      (value) => typeof value === 'string',
    );
    user = await createUser(runtime.db, {
      email,
      displayName: typeof name === 'string' ? name : (email.split('@')[0] ?? email),
    });
  }
  await linkIdentity(runtime.db, {
    provider: provider.id,
    subject: claims.sub,
    userId: user.id,
    email,
  });
  return user;
}

export function addOidcRoutes(app: Hono<AuthEnv>, runtime: AuthRuntime): void {
  const configOf = providerConfigs();
  const providerOf = (id: string) => runtime.settings.oidcProviders.find((item) => item.id === id);
  const failed = (context: Context, status: 400 | 403 | 404 | 502, message: string) =>
    context.html(loginPageFor(runtime.settings, '/', { error: message }), status);

  app.get('/auth/oidc/:provider', async (context) => {
    const provider = providerOf(context.req.param('provider'));
    if (!provider) return failed(context, 404, 'No such sign-in provider.');
    let config: oidc.Configuration;
    try {
      config = await configOf(provider);
    } catch (error) {
      runtime.logger?.warn({ err: error, issuer: provider.issuer }, 'OIDC discovery failed');
      return failed(
        context,
        502,
        `${provider.name} cannot be reached right now (${provider.issuer}).`,
      );
    }
    const pending: PendingLogin = {
      provider: provider.id,
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      next: safeNext(context.req.query('next')),
    };
    const handle = randomSecret();
    await runtime.cache.setValue(`auth:oidc:${hashToken(handle)}`, JSON.stringify(pending), {
      ttlMs: PENDING_TTL_MS,
    });
    setCookie(context, STATE_COOKIE, handle, {
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level cross-site navigation.
      sameSite: 'Lax',
      secure: secureCookies(context, runtime.settings),
      path: '/auth/oidc',
      maxAge: PENDING_TTL_MS / 1000,
    });
    const target = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(context, runtime, provider),
      scope: provider.scopes.join(' '),
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return context.redirect(target.href, 302);
  });

  app.get('/auth/oidc/:provider/callback', async (context) => {
    const provider = providerOf(context.req.param('provider'));
    if (!provider) return failed(context, 404, 'No such sign-in provider.');
    const handle = getCookie(context, STATE_COOKIE);
    deleteCookie(context, STATE_COOKIE, { path: '/auth/oidc' });
    const key = handle === undefined ? undefined : `auth:oidc:${hashToken(handle)}`;
    const stored = key === undefined ? undefined : await runtime.cache.getValue(key);
    if (key !== undefined) await runtime.cache.deleteValue(key);
    const pending = stored === undefined ? undefined : (JSON.parse(stored) as PendingLogin);
    if (!pending || pending.provider !== provider.id) {
      return failed(context, 400, 'This sign-in link expired or was already used; start again.');
    }
    let claims: oidc.IDToken | undefined;
    try {
      const config = await configOf(provider);
      const current = new URL(redirectUri(context, runtime, provider));
      current.search = new URL(context.req.url).search;
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      runtime.logger?.warn({ err: error, provider: provider.id }, 'OIDC sign-in failed');
      return failed(
        context,
        400,
        `Signing in with ${provider.name} failed: ${(error as Error).message}`,
      );
    }
    if (!claims) return failed(context, 400, `${provider.name} sent no ID token.`);
    const user = await userForIdentity(runtime, provider, claims);
    if (typeof user === 'string') return failed(context, 403, user);
    if (user.disabled) return failed(context, 403, 'This account is disabled.');
    await startBrowserSession(context, runtime, user);
    runtime.logger?.info({ userId: user.id, provider: provider.id }, 'user signed in with OIDC');
    return context.redirect(pending.next, 303);
  });
}
