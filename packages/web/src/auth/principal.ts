/** Who a request acts for, and the port that finds out from request headers. */
import type { IncomingHttpHeaders } from 'node:http';

export type PrincipalVia = 'session' | 'token' | 'header' | 'none';

export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  role: 'admin' | 'user';
  /** How the request was authenticated; `none` is single-user mode (HOMELAB_AUTH_MODE=none). */
  via: PrincipalVia;
}

/** The browser session behind a cookie-authenticated request. */
export interface SessionDetails {
  tokenHash: string;
  csrfToken: string;
  /** Set when this request slid the expiry forward: the cookie should be sent again. */
  extendedUntil: Date | undefined;
}

export interface Authentication {
  principal: Principal;
  session: SessionDetails | undefined;
}

export interface ConnectionInfo {
  /** The TCP peer; needed for trusted-header mode (headers from other peers are ignored). */
  remoteAddress?: string | undefined;
}

export interface Authenticator {
  /**
   * The principal of a request (HTTP or WebSocket upgrade): a bearer API token, else the
   * session cookie, else — in trusted-header mode and from a trusted proxy — the proxy's
   * header. Undefined when nobody (or a disabled user) is signed in.
   */
  authenticate(headers: Headers, connection?: ConnectionInfo): Promise<Principal | undefined>;
  /** Like `authenticate`, with the session details the CSRF check and cookie refresh need. */
  resolve(headers: Headers, connection?: ConnectionInfo): Promise<Authentication | undefined>;
}

/** Node's header object (of an upgrade request) as fetch Headers. */
export function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** Authenticates a WebSocket upgrade request (`server.on('upgrade')`, `ws` handlers). */
export function authenticateUpgrade(
  authenticator: Authenticator,
  request: { headers: IncomingHttpHeaders; socket: { remoteAddress?: string | undefined } },
): Promise<Principal | undefined> {
  return authenticator.authenticate(toHeaders(request.headers), {
    remoteAddress: request.socket.remoteAddress,
  });
}
