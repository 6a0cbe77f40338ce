import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deleteUser, findUserByEmail, listUsers } from '@homelab-ai/metadata-db';
import { ensureBootstrapAdmin } from './bootstrap-admin.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
before(async () => {
  harness = await startAuthHarness();
});
after(() => harness.close());

async function removeEveryone() {
  for (const user of await listUsers(harness.db)) await deleteUser(harness.db, user.id);
}

const base = { mode: 'local' as const, adminPassword: undefined, bootstrapToken: undefined };

test('first start with HOMELAB_ADMIN_PASSWORD creates that admin, and later starts change nothing', async () => {
  await removeEveryone();
  const printed: string[] = [];
  const settings = { ...base, adminEmail: 'owner@example.test', adminPassword: 'from the env var' };
  const first = await ensureBootstrapAdmin({
    db: harness.db,
    settings,
    print: (text) => printed.push(text),
  });
  assert.deepEqual(first, {
    created: true,
    email: 'owner@example.test',
    passwordGenerated: false,
    tokenStored: false,
  });
  assert.deepEqual(printed, [], 'a password from the environment is never printed');
  const browser = TestBrowser.of(harness.app);
  await browser.login('owner@example.test', 'from the env var');
  assert.equal(
    ((await (await browser.request('/api/me')).json()) as { role: string }).role,
    'admin',
  );

  const again = await ensureBootstrapAdmin({
    db: harness.db,
    settings: { ...settings, adminPassword: 'changed' },
  });
  assert.deepEqual(again, { created: false });
  await TestBrowser.of(harness.app).login('owner@example.test', 'from the env var');
});

test('without a password one is generated, printed once, and works', async () => {
  await removeEveryone();
  const printed: string[] = [];
  const settings = { ...base, adminEmail: 'admin@homelab.local' };
  const result = await ensureBootstrapAdmin({
    db: harness.db,
    settings,
    print: (text) => printed.push(text),
  });
  assert.equal(result.passwordGenerated, true);
  assert.equal(printed.length, 1);
  const password = /password: (\S+)/.exec(printed[0] ?? '')?.[1];
  assert.ok(password && password.length >= 16, printed[0]);
  await TestBrowser.of(harness.app).login('admin@homelab.local', password);
  await ensureBootstrapAdmin({ db: harness.db, settings, print: (text) => printed.push(text) });
  assert.equal(printed.length, 1, 'printed only at the first start');
});

test('HOMELAB_BOOTSTRAP_TOKEN becomes an admin API token at first start', async () => {
  await removeEveryone();
  const token = 'bootstrap-token-0123456789abcdef';
  const settings = {
    ...base,
    adminEmail: 'ops@example.test',
    adminPassword: 'ops password',
    bootstrapToken: token,
  };
  const result = await ensureBootstrapAdmin({ db: harness.db, settings });
  assert.equal(result.tokenStored, true);
  const script = TestBrowser.of(harness.app);
  const users = await script.request('/api/admin/users', {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(users.status, 200);
  const created = await script.request('/api/admin/users', {
    json: { email: 'second@example.test', password: 'created by script' },
    headers: { authorization: `Bearer ${token}` },
    origin: null,
  });
  assert.equal(created.status, 201);
  assert.ok(await findUserByEmail(harness.db, 'second@example.test'));
});
