import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { loadConfig } from './load.js';

function failsWith(env: Record<string, string>, ...messages: RegExp[]) {
  assert.throws(
    () => loadConfig(env),
    (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'invalid_config');
      for (const message of messages) assert.match(error.message, message);
      return true;
    },
  );
}

describe('auth configuration', () => {
  it('defaults to local accounts with closed sign-up and week-long sessions', () => {
    const { auth } = loadConfig({});
    assert.equal(auth.mode, 'local');
    assert.equal(auth.signup, 'closed');
    assert.equal(auth.sessionTtlHours, 168);
    assert.equal(auth.secureCookies, 'auto');
    assert.equal(auth.adminEmail, 'admin@homelab.local');
    assert.deepEqual(auth.trustedHeaders.email, ['x-auth-request-email', 'x-forwarded-email']);
    assert.deepEqual(auth.oidcProviders, []);
  });

  it('allows single-user mode only on a loopback HOST', () => {
    assert.equal(loadConfig({ HOMELAB_AUTH_MODE: 'none', HOST: 'localhost' }).auth.mode, 'none');
    failsWith(
      { HOMELAB_AUTH_MODE: 'none', HOST: '0.0.0.0' },
      /HOMELAB_AUTH_MODE: none .* loopback .*HOST=0\.0\.0\.0/,
    );
  });

  it('needs the proxy addresses in trusted-header mode and checks them', () => {
    failsWith({ HOMELAB_AUTH_MODE: 'trusted-header' }, /HOMELAB_TRUSTED_PROXIES: required/);
    failsWith(
      { HOMELAB_AUTH_MODE: 'trusted-header', HOMELAB_TRUSTED_PROXIES: '10.0.0.0/33, proxy.local' },
      /"10\.0\.0\.0\/33" is not an address or CIDR/,
      /"proxy\.local" is not an address or CIDR/,
    );
    const { auth } = loadConfig({
      HOMELAB_AUTH_MODE: 'trusted-header',
      HOMELAB_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
      HOMELAB_TRUSTED_HEADER_EMAIL: 'X-Email',
    });
    assert.deepEqual(auth.trustedProxies, ['10.0.0.0/8', '::1']);
    assert.deepEqual(auth.trustedHeaders.email, ['x-email']);
  });

  it('reads OIDC providers from JSON and names what is wrong', () => {
    const { auth } = loadConfig({
      HOMELAB_OIDC_PROVIDERS: JSON.stringify([
        {
          id: 'authentik',
          name: 'Authentik',
          issuer: 'https://auth.example.org/application/o/ai/',
          client_id: 'ai',
          client_secret: 's',
        },
      ]),
    });
    assert.deepEqual(auth.oidcProviders[0], {
      id: 'authentik',
      name: 'Authentik',
      issuer: 'https://auth.example.org/application/o/ai/',
      clientId: 'ai',
      clientSecret: 's',
      scopes: ['openid', 'email', 'profile'],
    });
    failsWith({ HOMELAB_OIDC_PROVIDERS: '[{"id":"x"' }, /HOMELAB_OIDC_PROVIDERS: not valid JSON/);
    failsWith(
      {
        HOMELAB_OIDC_PROVIDERS:
          '[{"id":"Bad Id","name":"x","issuer":"https://a.example","client_id":"c"}]',
      },
      /HOMELAB_OIDC_PROVIDERS: 0\.id: must be lowercase/,
    );
    failsWith(
      {
        HOMELAB_OIDC_PROVIDERS:
          '[{"id":"kc","name":"KC","issuer":"http://kc.example.org","client_id":"c"}]',
      },
      /issuer of "kc" must be https/,
    );
  });

  it('checks the admin and session variables', () => {
    failsWith(
      { HOMELAB_ADMIN_PASSWORD: 'short', HOMELAB_SESSION_TTL_HOURS: '0', HOMELAB_SIGNUP: 'maybe' },
      /HOMELAB_ADMIN_PASSWORD: must be at least 8 characters/,
      /HOMELAB_SESSION_TTL_HOURS: must be at least 1/,
      /HOMELAB_SIGNUP: must be closed or open/,
    );
  });
});
