import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHttpServer, type RunningHttpServer } from '../gateway/http-server.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

let harness: AuthHarness;
let server: RunningHttpServer;
before(async () => {
  harness = await startAuthHarness({ loginRateLimit: { maxFailures: 3, windowMs: 60_000 } });
  server = await startHttpServer(harness.app, { host: '127.0.0.1', port: 0 });
  await harness.addUser('grace@example.test', 'compiler cobol');
  await harness.addUser('linus@example.test', 'kernel hacker');
});
after(async () => {
  await server.close();
  await harness.close();
});

test('after too many failures for an email, even the right password gets 429 with Retry-After', async () => {
  const browser = TestBrowser.of(harness.app);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const response = await browser.request('/login', {
      json: { email: 'grace@example.test', password: `guess ${attempt}` },
    });
    assert.equal(response.status, 401);
  }
  const blocked = await browser.request('/login', {
    json: { email: 'GRACE@example.test', password: 'compiler cobol' },
  });
  assert.equal(blocked.status, 429);
  const wait = Number(blocked.headers.get('retry-after'));
  assert.ok(wait > 0 && wait <= 60, `Retry-After ${wait}`);
  assert.equal(browser.cookies.has('hlai_session'), false);
  // Another account is not affected by grace's failures.
  assert.equal(
    (
      await browser.request('/login', {
        json: { email: 'linus@example.test', password: 'kernel hacker' },
      })
    ).status,
    200,
  );
});

test('one address guessing many emails is blocked too', async () => {
  const browser = TestBrowser.over(server.url);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const response = await browser.request('/login', {
      json: { email: `user${attempt}@example.test`, password: 'guess' },
    });
    assert.equal(response.status, 401);
  }
  const blocked = await browser.request('/login', {
    json: { email: 'linus@example.test', password: 'kernel hacker' },
  });
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
});
