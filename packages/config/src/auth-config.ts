/**
 * The `auth` part of the configuration: sign-in mode, first-start admin, sessions, trusted
 * proxies and OIDC providers, checked together (e.g. `none` only on a loopback HOST).
 */
import { isIP } from 'node:net';
import { z } from 'zod';

export interface OidcProviderConfig {
  /** In URLs: /auth/oidc/{id}. */
  id: string;
  /** On the login button. */
  name: string;
  issuer: string;
  clientId: string;
  /** Absent for a public client (PKCE only). */
  clientSecret: string | undefined;
  scopes: string[];
}

export interface AuthConfig {
  mode: 'local' | 'trusted-header' | 'none';
  adminEmail: string;
  adminPassword: string | undefined;
  bootstrapToken: string | undefined;
  sessionTtlHours: number;
  secureCookies: 'auto' | 'always' | 'never';
  trustedHeaders: { email: string[]; name: string[] };
  /** Addresses and CIDRs, validated. */
  trustedProxies: string[];
  oidcProviders: OidcProviderConfig[];
  publicUrl: string | undefined;
  signup: 'closed' | 'open';
}

const LOOPBACK_HOSTS = new Set(['localhost', '::1', '[::1]']);

/** Whether HOST only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

const oidcProviderSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lowercase letters, digits and -'),
  name: z.string().trim().min(1).max(60),
  issuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  client_id: z.string().min(1),
  client_secret: z.string().min(1).optional(),
  scopes: z.array(z.string().regex(/^\S+$/, 'must be scope names')).optional(),
});

function parseOidcProviders(raw: string | undefined, problems: string[]): OidcProviderConfig[] {
  if (raw === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    problems.push(`HOMELAB_OIDC_PROVIDERS: not valid JSON (${(error as Error).message})`);
    return [];
  }
  const parsed = z.array(oidcProviderSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    problems.push(
      `HOMELAB_OIDC_PROVIDERS: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'} (expected [{"id","name","issuer","client_id","client_secret"?,"scopes"?}])`,
    );
    return [];
  }
  const providers = parsed.data.map((provider) => ({
    id: provider.id,
    name: provider.name,
    issuer: provider.issuer,
    clientId: provider.client_id,
    clientSecret: provider.client_secret,
    scopes: provider.scopes ?? ['openid', 'email', 'profile'],
  }));
  const ids = providers.map((provider) => provider.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined)
    problems.push(`HOMELAB_OIDC_PROVIDERS: id "${repeated}" is used twice`);
  for (const provider of providers) {
    const issuer = new URL(provider.issuer);
    if (issuer.protocol === 'http:' && !isLoopbackHost(issuer.hostname)) {
      problems.push(
        `HOMELAB_OIDC_PROVIDERS: issuer of "${provider.id}" must be https (http only on loopback)`,
      );
    }
  }
  return providers;
}

function parseProxies(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return [];
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? 0 : Number(prefix);
    const valid =
      family !== 0 &&
      extra === undefined &&
      (prefix === undefined ||
        (/^\d+$/.test(prefix) && bits >= 0 && bits <= (family === 4 ? 32 : 128)));
    if (!valid) problems.push(`HOMELAB_TRUSTED_PROXIES: "${entry}" is not an address or CIDR`);
  }
  return entries;
}

const headerList = (value: string) =>
  value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);

/** Builds `config.auth` from parsed variables; appends what is wrong to `problems`. */
export function authConfigFrom(get: (name: string) => unknown, problems: string[]): AuthConfig {
  const text = (name: string) => get(name) as string | undefined;
  const mode = text('HOMELAB_AUTH_MODE') as AuthConfig['mode'];
  const host = text('HOST') ?? '127.0.0.1';
  if (mode === 'none' && !isLoopbackHost(host)) {
    problems.push(
      `HOMELAB_AUTH_MODE: none (no sign-in) is only allowed when HOST is a loopback address (got HOST=${host}); use local or trusted-header`,
    );
  }
  const trustedProxies = parseProxies(text('HOMELAB_TRUSTED_PROXIES'), problems);
  if (mode === 'trusted-header' && trustedProxies.length === 0) {
    problems.push(
      'HOMELAB_TRUSTED_PROXIES: required when HOMELAB_AUTH_MODE=trusted-header (the addresses of the authenticating proxy)',
    );
  }
  const secure = text('HOMELAB_SECURE_COOKIES');
  return {
    mode,
    adminEmail: text('HOMELAB_ADMIN_EMAIL') ?? 'admin@homelab.local',
    adminPassword: text('HOMELAB_ADMIN_PASSWORD'),
    bootstrapToken: text('HOMELAB_BOOTSTRAP_TOKEN'),
    sessionTtlHours: get('HOMELAB_SESSION_TTL_HOURS') as number,
    secureCookies: secure === 'true' ? 'always' : secure === 'false' ? 'never' : 'auto',
    trustedHeaders: {
      email: headerList(text('HOMELAB_TRUSTED_HEADER_EMAIL') ?? ''),
      name: headerList(text('HOMELAB_TRUSTED_HEADER_NAME') ?? ''),
    },
    trustedProxies,
    oidcProviders: parseOidcProviders(text('HOMELAB_OIDC_PROVIDERS'), problems),
    publicUrl: text('HOMELAB_PUBLIC_URL')?.replace(/\/+$/, ''),
    signup: text('HOMELAB_SIGNUP') === 'open' ? 'open' : 'closed',
  };
}
