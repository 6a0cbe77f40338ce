import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findUserByEmail } from '@homelab-ai/metadata-db';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
before(async () => {
  harness = await startAuthHarness();
  await harness.addUser('root@example.test', 'admin password', 'admin');
  await harness.addUser('user@example.test', 'user password');
});
after(() => harness.close());

test('the account page creates an API token, shows it once, and revokes it', async () => {
  const browser = TestBrowser.of(harness.app);
  const csrf = await browser.login('user@example.test', 'user password');
  const page = await browser.request('/account');
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<meta name="csrf-token" content="[\w-]+">/);
  assert.match(html, /<label for="token-name"[^>]*>Token name/);

  const created = await browser.request('/account/tokens', {
    form: { _csrf: csrf, name: 'laptop script' },
  });
  const shown = /id="new-token" readonly value="(hlai_[\w-]+)"/.exec(await created.text())?.[1];
  assert.ok(shown, 'the new token is on the page');
  const script = await TestBrowser.of(harness.app).request('/api/me', {
    headers: { authorization: `Bearer ${shown}` },
  });
  assert.equal(script.status, 200);
  const later = await (await browser.request('/account')).text();
  assert.match(later, /laptop script/);
  assert.equal(later.includes(shown), false, 'shown only once');

  const tokenId = /action="\/account\/tokens\/([\w-]+)\/delete"/.exec(later)?.[1] ?? '';
  const revoked = await browser.request(`/account/tokens/${tokenId}/delete`, {
    form: { _csrf: csrf },
  });
  assert.equal(revoked.status, 303);
  const refused = await TestBrowser.of(harness.app).request('/api/me', {
    headers: { authorization: `Bearer ${shown}` },
  });
  assert.equal(refused.status, 401);
  const forged = await browser.request('/account/tokens', { form: { name: 'no token' } });
  assert.equal(forged.status, 403, 'a form without _csrf is refused');
});

test('the users page is for admins only, and creates and deletes users', async () => {
  const user = TestBrowser.of(harness.app);
  await user.login('user@example.test', 'user password');
  assert.equal((await user.request('/admin/users')).status, 403);

  const admin = TestBrowser.of(harness.app);
  const csrf = await admin.login('root@example.test', 'admin password');
  const page = await (await admin.request('/admin/users')).text();
  assert.match(page, /user@example\.test/);
  const created = await admin.request('/admin/users', {
    form: {
      _csrf: csrf,
      email: 'page@example.test',
      display_name: 'From Page',
      password: 'page password',
      role: 'user',
    },
  });
  assert.equal(created.status, 303);
  const newcomer = await findUserByEmail(harness.db, 'page@example.test');
  assert.equal(newcomer?.display_name, 'From Page');
  await TestBrowser.of(harness.app).login('page@example.test', 'page password');

  const disabled = await admin.request(`/admin/users/${newcomer?.id}`, {
    form: { _csrf: csrf, role: 'user', disabled: 'true' },
  });
  assert.equal(disabled.status, 303);
  assert.equal((await findUserByEmail(harness.db, 'page@example.test'))?.disabled, true);

  const self = await findUserByEmail(harness.db, 'root@example.test');
  const lastAdmin = await admin.request(`/admin/users/${self?.id}/delete`, {
    form: { _csrf: csrf },
  });
  assert.equal(lastAdmin.status, 400);
  assert.match(await lastAdmin.text(), /role="alert">cannot delete the last admin/);

  const removed = await admin.request(`/admin/users/${newcomer?.id}/delete`, {
    form: { _csrf: csrf },
  });
  assert.equal(removed.status, 303);
  assert.equal(await findUserByEmail(harness.db, 'page@example.test'), undefined);
});
