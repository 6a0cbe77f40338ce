import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureBootstrapAdmin } from './bootstrap-admin.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
before(async () => {
  harness = await startAuthHarness({ mode: 'none' });
  const printed: string[] = [];
  await ensureBootstrapAdmin({
    db: harness.db,
    settings: harness.settings,
    print: (text) => printed.push(text),
  });
  assert.deepEqual(printed, [], 'single-user mode has no password to print');
});
after(() => harness.close());

test('single-user mode acts as the admin for requests to a loopback host name', async () => {
  for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080']) {
    const response = await TestBrowser.of(harness.app).request('/api/whoami', {
      headers: { host },
    });
    assert.equal(response.status, 200, host);
    const principal = (await response.json()) as { via: string; role: string; email: string };
    assert.deepEqual(
      [principal.via, principal.role, principal.email],
      ['none', 'admin', 'admin@homelab.local'],
    );
  }
});

test('single-user mode refuses other host names (DNS rebinding) and foreign origins', async () => {
  const rebound = await TestBrowser.of(harness.app, 'http://attacker.example').request(
    '/api/whoami',
  );
  assert.equal(rebound.status, 401);
  const foreign = await TestBrowser.of(harness.app).request('/api/notes', {
    json: {},
    headers: { host: 'localhost' },
    origin: 'https://evil.example',
  });
  assert.equal(foreign.status, 403);
  const same = await TestBrowser.of(harness.app).request('/api/notes', {
    json: {},
    headers: { host: 'localhost' },
  });
  assert.equal(same.status, 201);
});

test('in local mode a proxy header is not a way in', async () => {
  harness.settings.mode = 'local';
  try {
    const response = await TestBrowser.of(harness.app).request('/api/whoami', {
      headers: { 'x-auth-request-email': 'admin@homelab.local' },
    });
    assert.equal(response.status, 401);
  } finally {
    harness.settings.mode = 'none';
  }
});
