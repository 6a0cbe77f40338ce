import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
let admin: TestBrowser;
let adminCsrf: string;
let adminId: string;
before(async () => {
  harness = await startAuthHarness();
  adminId = (await harness.addUser('root@example.test', 'admin password', 'admin')).id;
  await harness.addUser('user@example.test', 'user password');
  admin = TestBrowser.of(harness.app);
  adminCsrf = await admin.login('root@example.test', 'admin password');
});
after(() => harness.close());

const asAdmin = (path: string, method: string, json?: unknown) =>
  admin.request(path, { method, json, headers: { 'x-csrf-token': adminCsrf } });

test('a user who is not an admin gets 403 on every admin route', async () => {
  const user = TestBrowser.of(harness.app);
  const csrf = await user.login('user@example.test', 'user password');
  const headers = { 'x-csrf-token': csrf };
  assert.equal((await user.request('/api/admin/users')).status, 403);
  assert.equal(
    (
      await user.request('/api/admin/users', {
        json: { email: 'x@example.test', password: 'password1' },
        headers,
      })
    ).status,
    403,
  );
  assert.equal(
    (await user.request(`/api/admin/users/${adminId}`, { method: 'DELETE', headers })).status,
    403,
  );
  assert.equal(
    (
      await user.request(`/api/admin/users/${adminId}`, {
        method: 'PATCH',
        json: { role: 'user' },
        headers,
      })
    ).status,
    403,
  );
  const refused = await user.request('/admin/reindex', { method: 'POST', headers });
  assert.equal(refused.status, 403);
});

test('an admin creates a user who can then sign in, and manages role, password and access', async () => {
  const created = await asAdmin('/api/admin/users', 'POST', {
    email: 'New@Example.test',
    display_name: 'New Person',
    password: 'welcome aboard',
  });
  assert.equal(created.status, 201);
  const user = (await created.json()) as {
    id: string;
    email: string;
    role: string;
    has_password: boolean;
  };
  assert.deepEqual([user.email, user.role, user.has_password], ['new@example.test', 'user', true]);
  const duplicate = await asAdmin('/api/admin/users', 'POST', {
    email: 'new@example.test',
    password: 'welcome aboard',
  });
  assert.equal(duplicate.status, 409);
  const short = await asAdmin('/api/admin/users', 'POST', {
    email: 'short@example.test',
    password: 'short',
  });
  assert.equal(short.status, 400);
  assert.match(((await short.json()) as { error: { message: string } }).error.message, /password/);

  const newcomer = TestBrowser.of(harness.app);
  await newcomer.login('new@example.test', 'welcome aboard');
  const promoted = await asAdmin(`/api/admin/users/${user.id}`, 'PATCH', { role: 'admin' });
  assert.equal(((await promoted.json()) as { role: string }).role, 'admin');
  assert.equal((await newcomer.request('/api/admin/users')).status, 200);

  const reset = await asAdmin(`/api/admin/users/${user.id}`, 'PATCH', {
    password: 'reset by admin',
  });
  assert.equal(reset.status, 200);
  assert.equal((await newcomer.request('/api/me')).status, 401, 'a reset ends existing sessions');
  await TestBrowser.of(harness.app).login('new@example.test', 'reset by admin');

  const disabled = await asAdmin(`/api/admin/users/${user.id}`, 'PATCH', { disabled: true });
  assert.equal(((await disabled.json()) as { disabled: boolean }).disabled, true);
  const refused = await TestBrowser.of(harness.app).request('/login', {
    json: { email: 'new@example.test', password: 'reset by admin' },
  });
  assert.equal(refused.status, 401);

  assert.equal((await asAdmin(`/api/admin/users/${user.id}`, 'DELETE')).status, 204);
  const listed = (await (await admin.request('/api/admin/users')).json()) as {
    users: { email: string }[];
  };
  assert.deepEqual(listed.users.map((item) => item.email).sort(), [
    'root@example.test',
    'user@example.test',
  ]);
  assert.equal((await asAdmin(`/api/admin/users/${user.id}`, 'DELETE')).status, 404);
});

test('the last admin can be neither deleted, demoted nor disabled', async () => {
  for (const [method, body] of [
    ['DELETE', undefined],
    ['PATCH', { role: 'user' }],
    ['PATCH', { disabled: true }],
  ] as const) {
    const response = await asAdmin(`/api/admin/users/${adminId}`, method, body);
    assert.equal(response.status, 409, `${method} ${JSON.stringify(body)}`);
    assert.match(
      ((await response.json()) as { error: { message: string } }).error.message,
      /last admin/,
    );
  }
  assert.equal((await admin.request('/api/me')).status, 200);
  assert.equal(((await (await admin.request('/api/me')).json()) as { role: string }).role, 'admin');
});
