import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiToken, listApiTokens, updateUser } from '@homelab-ai/metadata-db';
import { hashToken } from './secrets.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
let browser: TestBrowser;
let csrf: string;
before(async () => {
  harness = await startAuthHarness();
  await harness.addUser('ada@example.test', 'analytical engine');
  browser = TestBrowser.of(harness.app);
  csrf = await browser.login('ada@example.test', 'analytical engine');
});
after(() => harness.close());

test('a cookie-authenticated POST without the CSRF token is refused', async () => {
  const response = await browser.request('/api/notes', { json: { text: 'hi' } });
  assert.equal(response.status, 403);
  const body = (await response.json()) as { error: { type: string; message: string } };
  assert.equal(body.error.type, 'forbidden');
  assert.match(body.error.message, /CSRF token/);
  const wrong = await browser.request('/api/notes', {
    json: { text: 'hi' },
    headers: { 'x-csrf-token': 'not-the-token' },
  });
  assert.equal(wrong.status, 403);
});

test('a POST with the right token but from another site is refused', async () => {
  const foreign = await browser.request('/api/notes', {
    json: { text: 'hi' },
    headers: { 'x-csrf-token': csrf },
    origin: 'https://evil.example',
  });
  assert.equal(foreign.status, 403);
  assert.match(
    ((await foreign.json()) as { error: { message: string } }).error.message,
    /evil\.example/,
  );
  const noOrigin = await browser.request('/api/notes', {
    json: { text: 'hi' },
    headers: { 'x-csrf-token': csrf },
    origin: null,
  });
  assert.equal(noOrigin.status, 403);
});

test('same-origin POSTs with the token in the header or the _csrf form field pass', async () => {
  const viaHeader = await browser.request('/api/notes', {
    json: { text: 'hi' },
    headers: { 'x-csrf-token': csrf },
  });
  assert.equal(viaHeader.status, 201);
  assert.deepEqual(await viaHeader.json(), { by: 'ada@example.test', via: 'session' });
  const viaForm = await browser.request('/api/notes', { form: { _csrf: csrf, text: 'hi' } });
  assert.equal(viaForm.status, 201);
  const viaReferer = await browser.request('/api/notes', {
    json: {},
    origin: null,
    headers: { 'x-csrf-token': csrf, referer: 'http://localhost/chat' },
  });
  assert.equal(viaReferer.status, 201);
});

test('an API token created once works as a bearer token and needs no CSRF token', async () => {
  const created = await browser.request('/api/tokens', {
    json: { name: 'script' },
    headers: { 'x-csrf-token': csrf },
  });
  assert.equal(created.status, 201);
  const { id, token } = (await created.json()) as { id: string; token: string };
  assert.match(token, /^hlai_[\w-]{43}$/);

  const listed = await browser.request('/api/tokens');
  const { tokens } = (await listed.json()) as { tokens: Record<string, unknown>[] };
  assert.deepEqual(
    tokens.map((item) => item.name),
    ['script'],
  );
  assert.equal(JSON.stringify(tokens).includes(token), false, 'the token is shown only once');

  const script = TestBrowser.of(harness.app);
  const posted = await script.request('/api/notes', {
    json: { text: 'from a script' },
    headers: { authorization: `Bearer ${token}` },
    origin: null,
  });
  assert.equal(posted.status, 201);
  assert.deepEqual(await posted.json(), { by: 'ada@example.test', via: 'token' });
  const [stored] = await listApiTokens(
    harness.db,
    (
      await harness.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'ada@example.test')
        .executeTakeFirstOrThrow()
    ).id,
  );
  assert.ok(stored?.last_used_at, 'last_used_at is recorded');
  await script.request('/api/whoami', { headers: { authorization: `Bearer ${token}` } });
  const [again] = await listApiTokens(harness.db, stored?.user_id ?? '');
  assert.deepEqual(again?.last_used_at, stored?.last_used_at, 'written at most once a minute');

  const revoked = await browser.request(`/api/tokens/${id}`, {
    method: 'DELETE',
    headers: { 'x-csrf-token': csrf },
  });
  assert.equal(revoked.status, 204);
  const after = await script.request('/api/whoami', {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(after.status, 401);
});

test('an expired or unknown token is refused, and a bad token does not fall back to the cookie', async () => {
  const user = await harness.addUser('old@example.test', null);
  await createApiToken(harness.db, {
    userId: user.id,
    name: 'expired',
    tokenHash: hashToken('hlai_expired-token'),
    expiresAt: new Date(Date.now() - 1000),
  });
  const script = TestBrowser.of(harness.app);
  const expired = await script.request('/api/whoami', {
    headers: { authorization: 'Bearer hlai_expired-token' },
  });
  assert.equal(expired.status, 401);
  const withCookie = await browser.request('/api/whoami', {
    headers: { authorization: 'Bearer hlai_made-up' },
  });
  assert.equal(withCookie.status, 401);
});

test('a disabled user is refused with a session and with a token', async () => {
  const user = await harness.addUser('mallory@example.test', 'soon disabled');
  const session = TestBrowser.of(harness.app);
  await session.login('mallory@example.test', 'soon disabled');
  await createApiToken(harness.db, {
    userId: user.id,
    name: 't',
    tokenHash: hashToken('hlai_mallory'),
  });
  assert.equal((await session.request('/api/whoami')).status, 200);
  await updateUser(harness.db, user.id, { disabled: true });
  assert.equal((await session.request('/api/whoami')).status, 401);
  const token = await TestBrowser.of(harness.app).request('/api/whoami', {
    headers: { authorization: 'Bearer hlai_mallory' },
  });
  assert.equal(token.status, 401);
  const login = await TestBrowser.of(harness.app).request('/login', {
    json: { email: 'mallory@example.test', password: 'soon disabled' },
  });
  assert.equal(login.status, 401);
});

test('changing the password needs the current one and signs out other browsers', async () => {
  await harness.addUser('bob@example.test', 'first password');
  const laptop = TestBrowser.of(harness.app);
  const laptopCsrf = await laptop.login('bob@example.test', 'first password');
  const phone = TestBrowser.of(harness.app);
  await phone.login('bob@example.test', 'first password');

  const wrong = await laptop.request('/api/me/password', {
    json: { current_password: 'not it', new_password: 'second password' },
    headers: { 'x-csrf-token': laptopCsrf },
  });
  assert.equal(wrong.status, 400);
  const changed = await laptop.request('/api/me/password', {
    json: { current_password: 'first password', new_password: 'second password' },
    headers: { 'x-csrf-token': laptopCsrf },
  });
  assert.equal(changed.status, 204);
  assert.equal((await laptop.request('/api/me')).status, 200);
  assert.equal((await phone.request('/api/me')).status, 401);
  const again = TestBrowser.of(harness.app);
  await again.login('bob@example.test', 'second password');
});
