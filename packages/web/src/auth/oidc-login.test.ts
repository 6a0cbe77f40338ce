import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findUserByEmail, findUserByIdentity } from '@homelab-ai/metadata-db';
import { startHttpServer, type RunningHttpServer } from '../gateway/http-server.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';
import {
  startLoopbackOidcProvider,
  type LoopbackOidcProvider,
} from './testing/loopback-oidc-provider.js';

let provider: LoopbackOidcProvider;
let harness: AuthHarness;
let server: RunningHttpServer;

before(async () => {
  provider = await startLoopbackOidcProvider();
  harness = await startAuthHarness({
    oidcProviders: [
      {
        id: 'test-idp',
        name: 'Test IdP',
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        scopes: ['openid', 'email', 'profile'],
      },
    ],
  });
  server = await startHttpServer(harness.app, { host: '127.0.0.1', port: 0 });
  await harness.addUser('erin@example.test', 'erin password');
});
after(async () => {
  await server.close();
  await harness.close();
  await provider.close();
});

/** Clicks the provider's button and follows the redirects like a browser; returns the last response. */
async function signInWithProvider(browser: TestBrowser, next = '/private') {
  const start = await browser.request(`/auth/oidc/test-idp?next=${encodeURIComponent(next)}`);
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get('location') ?? '');
  assert.equal(authorize.origin, provider.issuer);
  const atProvider = await fetch(authorize, { redirect: 'manual' });
  assert.equal(atProvider.status, 302);
  const callback = new URL(atProvider.headers.get('location') ?? '');
  assert.equal(callback.origin, server.url);
  return {
    authorize,
    callback,
    response: await browser.request(callback.pathname + callback.search),
  };
}

test('the login page offers the provider, and the code flow uses PKCE, state and nonce', async () => {
  const page = await TestBrowser.over(server.url).request('/login');
  assert.match(await page.text(), /href="\/auth\/oidc\/test-idp\?next=%2F">Sign in with Test IdP</);

  provider.signInAs({
    sub: 'erin-sub',
    email: 'Erin@example.test',
    email_verified: true,
    name: 'Erin',
  });
  const browser = TestBrowser.over(server.url);
  const { authorize, response } = await signInWithProvider(browser);
  const query = authorize.searchParams;
  assert.equal(query.get('code_challenge_method'), 'S256');
  assert.match(query.get('code_challenge') ?? '', /^[\w-]{43}$/);
  assert.ok(query.get('state') && query.get('nonce'));
  assert.equal(query.get('redirect_uri'), `${server.url}/auth/oidc/test-idp/callback`);
  assert.equal(query.get('scope'), 'openid email profile');

  assert.equal(response.status, 303);
  assert.equal(response.headers.get('location'), '/private');
  const me = (await (await browser.request('/api/me')).json()) as { email: string; via: string };
  assert.deepEqual([me.email, me.via], ['erin@example.test', 'session']);
  const erin = await findUserByEmail(harness.db, 'erin@example.test');
  assert.equal(
    (await findUserByIdentity(harness.db, 'test-idp', 'erin-sub'))?.id,
    erin?.id,
    'linked by verified email',
  );
});

test('a callback cannot be replayed, nor finished in another browser', async () => {
  provider.signInAs({ sub: 'erin-sub', email: 'erin@example.test', email_verified: true });
  const browser = TestBrowser.over(server.url);
  const { callback } = await signInWithProvider(browser);
  const replay = await browser.request(callback.pathname + callback.search);
  assert.equal(replay.status, 400);
  assert.match(await replay.text(), /expired or was already used/);

  const victim = TestBrowser.over(server.url);
  const start = await victim.request('/auth/oidc/test-idp');
  const atProvider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  const stolen = new URL(atProvider.headers.get('location') ?? '');
  const attacker = TestBrowser.over(server.url);
  const refused = await attacker.request(stolen.pathname + stolen.search);
  assert.equal(refused.status, 400);
  assert.equal(attacker.cookies.has('hlai_session'), false);
});

test('with sign-up closed an unknown person is refused, and an unverified email never links', async () => {
  provider.signInAs({ sub: 'frank-sub', email: 'frank@example.test', email_verified: true });
  const unknown = await signInWithProvider(TestBrowser.over(server.url));
  assert.equal(unknown.response.status, 403);
  assert.match(await unknown.response.text(), /no account for frank@example\.test/);
  assert.equal(await findUserByEmail(harness.db, 'frank@example.test'), undefined);

  provider.signInAs({ sub: 'impostor', email: 'erin@example.test', email_verified: false });
  const unverified = await signInWithProvider(TestBrowser.over(server.url));
  assert.equal(unverified.response.status, 403);
  assert.equal(await findUserByIdentity(harness.db, 'test-idp', 'impostor'), undefined);
});

test('a linked subject signs in even when the provider no longer sends the email', async () => {
  provider.signInAs({ sub: 'erin-sub' });
  const browser = TestBrowser.over(server.url);
  const { response } = await signInWithProvider(browser, '/api/me');
  assert.equal(response.status, 303);
  const me = (await (await browser.request('/api/me')).json()) as { email: string };
  assert.equal(me.email, 'erin@example.test');
});

test('with sign-up open a new person gets an account from their verified identity', async () => {
  harness.settings.signup = 'open';
  try {
    provider.signInAs({
      sub: 'gina-sub',
      email: 'gina@example.test',
      email_verified: true,
      name: 'Gina G.',
    });
    const browser = TestBrowser.over(server.url);
    const { response } = await signInWithProvider(browser);
    assert.equal(response.status, 303);
    const me = (await (await browser.request('/api/me')).json()) as {
      display_name: string;
      role: string;
    };
    assert.deepEqual([me.display_name, me.role], ['Gina G.', 'user']);

    const signup = await TestBrowser.over(server.url).request('/signup', {
      json: { email: 'hal@example.test', password: 'open sesame', display_name: 'Hal' },
    });
    assert.equal(signup.status, 201);
  } finally {
    harness.settings.signup = 'closed';
  }
  const closed = await TestBrowser.over(server.url).request('/signup', {
    json: { email: 'ivy@example.test', password: 'open sesame' },
  });
  assert.equal(closed.status, 403);
});
