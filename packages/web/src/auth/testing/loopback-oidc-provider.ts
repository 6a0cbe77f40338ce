/**
 * A tiny OpenID Provider on loopback HTTP for tests: discovery, JWKS, an authorize endpoint that
 * signs in whoever `signInAs` names (no login page), and a token endpoint that checks the code,
 * the redirect URI, PKCE (S256) and the client secret, then issues an RS256-signed ID token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export interface OidcTestUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface LoopbackOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization signs in. */
  signInAs(user: OidcTestUser): void;
  /** Query parameters of every authorization request, oldest first. */
  readonly authorizeRequests: URLSearchParams[];
  close(): Promise<void>;
}

interface IssuedCode {
  redirectUri: string;
  nonce: string | null;
  challenge: string | null;
  user: OidcTestUser;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

export async function startLoopbackOidcProvider(
  options: { clientId?: string; clientSecret?: string } = {},
): Promise<LoopbackOidcProvider> {
  const clientId = options.clientId ?? 'homelab-test';
  const clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, IssuedCode>();
  const authorizeRequests: URLSearchParams[] = [];
  let user: OidcTestUser = {
    sub: 'test-subject',
    email: 'oidc@example.test',
    email_verified: true,
  };
  let issuer = '';

  async function token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const [basicId, basicSecret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')];
    if (basicId !== clientId || basicSecret !== clientSecret) {
      return sendJson(response, 401, { error: 'invalid_client' });
    }
    const code = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      form.get('grant_type') !== 'authorization_code' ||
      !code ||
      code.redirectUri !== form.get('redirect_uri') ||
      code.challenge !== challenge
    ) {
      return sendJson(response, 400, { error: 'invalid_grant' });
    }
    const { sub, ...claims } = code.user;
    const idToken = await new SignJWT({ ...claims, ...(code.nonce ? { nonce: code.nonce } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    return sendJson(response, 200, {
      access_token: randomBytes(16).toString('hex'),
      token_type: 'Bearer',
      expires_in: 300,
      id_token: idToken,
    });
  }

  function authorize(url: URL, response: ServerResponse): void {
    const query = url.searchParams;
    authorizeRequests.push(new URLSearchParams(query));
    const redirectUri = query.get('redirect_uri');
    if (
      query.get('client_id') !== clientId ||
      !redirectUri ||
      query.get('response_type') !== 'code'
    ) {
      return sendJson(response, 400, { error: 'invalid_request' });
    }
    const code = randomBytes(16).toString('hex');
    codes.set(code, {
      redirectUri,
      nonce: query.get('nonce'),
      challenge: query.get('code_challenge_method') === 'S256' ? query.get('code_challenge') : null,
      user,
    });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    if (query.get('state') !== null) back.searchParams.set('state', query.get('state') ?? '');
    back.searchParams.set('iss', issuer);
    response.writeHead(302, { location: back.href });
    response.end();
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return sendJson(response, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (url.pathname === '/jwks') return sendJson(response, 200, { keys: [jwk] });
    if (url.pathname === '/authorize') return authorize(url, response);
    if (url.pathname === '/token' && request.method === 'POST') {
      token(request, response).catch((error: unknown) =>
        sendJson(response, 500, { error: 'server_error', error_description: String(error) }),
      );
      return undefined;
    }
    return sendJson(response, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    authorizeRequests,
    signInAs: (next) => {
      user = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
