import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findWebSession } from '@homelab-ai/metadata-db';
import { hashToken } from './secrets.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
before(async () => {
  harness = await startAuthHarness();
  await harness.addUser('ada@example.test', 'analytical engine');
});
after(() => harness.close());

test('signing in with the form sets an HttpOnly SameSite=Lax cookie and opens pages', async () => {
  const browser = TestBrowser.of(harness.app);
  const page = await browser.request('/private?tab=1');
  assert.equal(page.status, 302);
  assert.equal(page.headers.get('location'), '/login?next=%2Fprivate%3Ftab%3D1');

  const form = await browser.request('/login');
  const html = await form.text();
  assert.match(html, /<label for="login-email">Email/);
  assert.match(html, /<label for="login-password">Password/);

  const login = await browser.request('/login', {
    form: { email: 'Ada@Example.test', password: 'analytical engine', next: '/private?tab=1' },
  });
  assert.equal(login.status, 303);
  assert.equal(login.headers.get('location'), '/private?tab=1');
  const cookie = login.headers.getSetCookie().find((line) => line.startsWith('hlai_session='));
  assert.ok(cookie, 'a session cookie is set');
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.doesNotMatch(cookie, /Secure/, 'plain http on localhost: no Secure flag');

  const after = await browser.request('/private');
  assert.equal(after.status, 200);
  assert.equal(await after.text(), 'hello ada@example.test');
});

test('a wrong password and an unknown email get the same generic answer', async () => {
  const browser = TestBrowser.of(harness.app);
  const wrong = await browser.request('/login', {
    json: { email: 'ada@example.test', password: 'difference engine' },
  });
  const unknown = await browser.request('/login', {
    json: { email: 'nobody@example.test', password: 'difference engine' },
  });
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(await wrong.json(), await unknown.json());
  assert.equal(browser.cookies.has('hlai_session'), false);
  const page = await browser.request('/login', {
    form: { email: 'ada@example.test', password: 'nope' },
  });
  assert.equal(page.status, 401);
  assert.match(await page.text(), /role="alert"[^>]*>Wrong email or password\./);
});

test('signing out ends the session on the server, not just in the browser', async () => {
  const browser = TestBrowser.of(harness.app);
  const csrf = await browser.login('ada@example.test', 'analytical engine');
  const token = browser.cookies.get('hlai_session') ?? '';
  assert.ok(await findWebSession(harness.db, hashToken(token)));

  const logout = await browser.request('/logout', { form: { _csrf: csrf } });
  assert.equal(logout.status, 303);
  assert.equal(logout.headers.get('location'), '/login');
  assert.equal(browser.cookies.has('hlai_session'), false);
  assert.equal(await findWebSession(harness.db, hashToken(token)), undefined);

  const replayed = await TestBrowser.of(harness.app).request('/api/whoami', {
    headers: { cookie: `hlai_session=${token}` },
  });
  assert.equal(replayed.status, 401);
});

test('the API answers 401 JSON instead of redirecting', async () => {
  const response = await TestBrowser.of(harness.app).request('/api/whoami');
  assert.equal(response.status, 401);
  const body = (await response.json()) as { error: { type: string; message: string } };
  assert.equal(body.error.type, 'unauthorized');
  assert.match(body.error.message, /sign in/);
});

test('the login only redirects to paths on this site', async () => {
  for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
    const browser = TestBrowser.of(harness.app);
    const response = await browser.request('/login', {
      form: { email: 'ada@example.test', password: 'analytical engine', next },
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/', `next=${next}`);
  }
});

test('cookies are Secure when the request came over https', async () => {
  const browser = TestBrowser.of(harness.app, 'https://localhost');
  const response = await browser.request('/login', {
    json: { email: 'ada@example.test', password: 'analytical engine' },
  });
  assert.equal(response.status, 200);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('hlai_session='));
  assert.match(cookie ?? '', /; Secure/);
});

test('a session in use slides its expiry forward and the cookie is sent again', async () => {
  const browser = TestBrowser.of(harness.app);
  await browser.login('ada@example.test', 'analytical engine');
  const tokenHash = hashToken(browser.cookies.get('hlai_session') ?? '');
  const soon = new Date(Date.now() + 3_600_000);
  await harness.db
    .updateTable('web_sessions')
    .set({ expires_at: soon })
    .where('token_hash', '=', tokenHash)
    .execute();
  const response = await browser.request('/api/whoami');
  assert.equal(response.status, 200);
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('hlai_session='));
  assert.match(cookie ?? '', /Max-Age=6047\d\d/, 'a week again');
  const row = await findWebSession(harness.db, tokenHash);
  assert.ok(row && row.row.expires_at.getTime() > Date.now() + 167 * 3_600_000);

  await harness.db
    .updateTable('web_sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('token_hash', '=', tokenHash)
    .execute();
  assert.equal((await browser.request('/api/whoami')).status, 401, 'an expired session is over');
});
