/**
 * The authenticator: bearer API token, then session cookie, then (trusted-header mode, from a
 * trusted proxy only) the proxy's header, then (mode `none`, loopback Host only) the admin.
 * Disabled users are refused whichever way they come.
 */
import {
  createUser,
  extendWebSession,
  findApiTokenByHash,
  findFirstActiveAdmin,
  findUserByEmail,
  findUserByIdentity,
  findWebSession,
  linkIdentity,
  touchApiToken,
  type User,
} from '@homelab-ai/metadata-db';
import type { AuthSettings } from './auth-settings.js';
import { trustedProxyMatcher } from './network.js';
import type { Authentication, Authenticator, ConnectionInfo, PrincipalVia } from './principal.js';
import { hashToken } from './secrets.js';
import type { MetadataDatabase } from './auth-env.js';

export const SESSION_COOKIE = 'hlai_session';
/** Session expiry and token last-use are written at most this often (one write a minute). */
const SLIDE_EVERY_MS = 60_000;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface AuthenticatorDeps {
  db: MetadataDatabase;
  settings: AuthSettings;
}

/** The value of one cookie in a Cookie header. */
export function readCookie(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function principalOf(user: User, via: PrincipalVia) {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.display_name,
    role: user.role,
    via,
  };
}

/** Whether the Host header names this machine (single-user mode refuses DNS-rebound names). */
function isLoopbackHostHeader(headers: Headers): boolean {
  const host = (headers.get('host') ?? '').toLowerCase().replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function createAuthenticator({ db, settings }: AuthenticatorDeps): Authenticator {
  const isTrustedProxy = trustedProxyMatcher(settings.trustedProxies);
  const ttlMs = settings.sessionTtlHours * 3_600_000;

  async function byToken(token: string): Promise<Authentication | undefined> {
    const found = await findApiTokenByHash(db, hashToken(token));
    if (!found || found.user.disabled) return undefined;
    const lastUsed = found.row.last_used_at?.getTime() ?? 0;
    // One write a minute at most (and no query at all in between).
    if (Date.now() - lastUsed > SLIDE_EVERY_MS) await touchApiToken(db, found.row.id);
    return { principal: principalOf(found.user, 'token'), session: undefined };
  }

  async function bySession(cookie: string): Promise<Authentication | undefined> {
    const tokenHash = hashToken(cookie);
    const found = await findWebSession(db, tokenHash);
    if (!found || found.user.disabled) return undefined;
    const now = Date.now();
    let extendedUntil: Date | undefined;
    if (found.row.expires_at.getTime() - now < ttlMs - SLIDE_EVERY_MS) {
      extendedUntil = new Date(now + ttlMs);
      await extendWebSession(db, tokenHash, extendedUntil);
    }
    return {
      principal: principalOf(found.user, 'session'),
      session: { tokenHash, csrfToken: found.row.csrf_token, extendedUntil },
    };
  }

  async function byProxyHeader(headers: Headers): Promise<Authentication | undefined> {
    const email = settings.trustedHeaders.email
      .map((name) => headers.get(name)?.trim().toLowerCase())
      .find((value) => value !== undefined && value !== '');
    if (email === undefined || !EMAIL.test(email)) return undefined;
    const name = settings.trustedHeaders.name
      .map((header) => headers.get(header)?.trim())
      .find((value) => value !== undefined && value !== '');
    let user =
      (await findUserByIdentity(db, 'header', email)) ?? (await findUserByEmail(db, email));
    if (!user) {
      try {
        user = await createUser(db, { email, displayName: name ?? email.split('@')[0] ?? email });
      } catch {
        // Another replica created it for the same first request.
        user = await findUserByEmail(db, email);
      }
      if (!user) return undefined;
    }
    await linkIdentity(db, { provider: 'header', subject: email, userId: user.id, email });
    if (user.disabled) return undefined;
    return { principal: principalOf(user, 'header'), session: undefined };
  }

  /** A browser's WebSocket from another site (cross-site WebSocket hijacking) is nobody. */
  function isForeignSocket(headers: Headers): boolean {
    if (headers.get('upgrade')?.toLowerCase() !== 'websocket') return false;
    const origin = headers.get('origin');
    if (origin === null) return false; // not a browser
    const allowed = [headers.get('host'), settings.publicUrl && new URL(settings.publicUrl).host];
    try {
      return !allowed.includes(new URL(origin).host);
    } catch {
      return true;
    }
  }

  async function resolve(
    headers: Headers,
    connection: ConnectionInfo = {},
  ): Promise<Authentication | undefined> {
    if (isForeignSocket(headers)) return undefined;
    const authorization = headers.get('authorization');
    if (authorization !== null) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      // A wrong token is an answer, not a reason to try the cookie.
      return match?.[1] === undefined ? undefined : byToken(match[1]);
    }
    const cookie = readCookie(headers, SESSION_COOKIE);
    if (cookie) {
      const session = await bySession(cookie);
      if (session) return session;
    }
    if (
      settings.mode === 'trusted-header' &&
      connection.remoteAddress !== undefined &&
      isTrustedProxy(connection.remoteAddress)
    ) {
      return byProxyHeader(headers);
    }
    if (settings.mode === 'none' && isLoopbackHostHeader(headers)) {
      const admin = await findFirstActiveAdmin(db);
      return admin && { principal: principalOf(admin, 'none'), session: undefined };
    }
    return undefined;
  }

  return {
    resolve,
    authenticate: async (headers, connection) => (await resolve(headers, connection))?.principal,
  };
}
