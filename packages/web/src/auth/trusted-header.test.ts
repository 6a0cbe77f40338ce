import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { findUserByEmail, findUserByIdentity, updateUser } from '@homelab-ai/metadata-db';
import { WebSocket } from 'ws';
import { startHttpServer, type RunningHttpServer } from '../gateway/http-server.js';
import { authenticateUpgrade } from './principal.js';
import { TestBrowser, startAuthHarness, type AuthHarness } from './testing/auth-harness.js';

const proxyHeaders = {
  'x-auth-request-email': 'Carol@Example.test',
  'x-auth-request-preferred-username': 'Carol C.',
};

async function serve(harness: AuthHarness): Promise<RunningHttpServer> {
  // The chat socket's path: the lead's handler authenticates the upgrade the same way.
  return startHttpServer(
    harness.app,
    { host: '127.0.0.1', port: 0 },
    {
      '/ws': (socket, request) => {
        void authenticateUpgrade(harness.auth.authenticator, request).then((principal) => {
          if (!principal) socket.close(4401, 'unauthorized');
          else socket.send(JSON.stringify(principal));
        });
      },
    },
  );
}

function socketAnswer(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace('http', 'ws') + '/ws', { headers });
    socket.once('message', (data: Buffer) => {
      resolve(data.toString('utf8'));
      socket.close();
    });
    socket.once('close', (code) => resolve(`closed ${code}`));
    socket.once('error', reject);
  });
}

let trusted: AuthHarness;
let trustedServer: RunningHttpServer;
before(async () => {
  trusted = await startAuthHarness({
    mode: 'trusted-header',
    trustedProxies: ['127.0.0.0/8', '::1'],
  });
  trustedServer = await serve(trusted);
});
after(async () => {
  await trustedServer.close();
  await trusted.close();
});

test('behind a trusted proxy the header signs the user in, creating the account on first sight', async () => {
  const browser = TestBrowser.over(trustedServer.url);
  const response = await browser.request('/api/whoami', { headers: proxyHeaders });
  assert.equal(response.status, 200);
  const principal = (await response.json()) as {
    email: string;
    displayName: string;
    via: string;
    role: string;
  };
  assert.deepEqual(principal, {
    ...principal,
    email: 'carol@example.test',
    displayName: 'Carol C.',
    via: 'header',
    role: 'user',
  });
  const user = await findUserByEmail(trusted.db, 'carol@example.test');
  assert.equal(
    (await findUserByIdentity(trusted.db, 'header', 'carol@example.test'))?.id,
    user?.id,
  );

  const again = await browser.request('/api/whoami', {
    headers: { 'x-forwarded-email': 'carol@example.test' },
  });
  assert.equal(
    ((await again.json()) as { userId: string }).userId,
    user?.id,
    'the same user next time',
  );
  assert.equal((await browser.request('/api/whoami')).status, 401, 'no header, nobody');
  const socket = JSON.parse(await socketAnswer(trustedServer.url, proxyHeaders)) as {
    email: string;
  };
  assert.equal(socket.email, 'carol@example.test');
});

test('state-changing requests signed in by the proxy still need this site as Origin', async () => {
  const browser = TestBrowser.over(trustedServer.url);
  const same = await browser.request('/api/notes', { json: {}, headers: proxyHeaders });
  assert.equal(same.status, 201);
  const foreign = await browser.request('/api/notes', {
    json: {},
    headers: proxyHeaders,
    origin: 'https://evil.example',
  });
  assert.equal(foreign.status, 403);
});

test('a disabled user is refused even when the proxy vouches for them', async () => {
  const browser = TestBrowser.over(trustedServer.url);
  const headers = { 'x-auth-request-email': 'dave@example.test' };
  assert.equal((await browser.request('/api/whoami', { headers })).status, 200);
  const dave = await findUserByEmail(trusted.db, 'dave@example.test');
  await updateUser(trusted.db, dave?.id ?? '', { disabled: true });
  assert.equal((await browser.request('/api/whoami', { headers })).status, 401);
});

test('headers from an address that is not a trusted proxy are ignored, over HTTP and WebSocket', async () => {
  const elsewhere = await startAuthHarness({
    mode: 'trusted-header',
    trustedProxies: ['10.0.0.0/8'],
  });
  const server = await serve(elsewhere);
  try {
    const browser = TestBrowser.over(server.url);
    assert.equal((await browser.request('/api/whoami', { headers: proxyHeaders })).status, 401);
    assert.equal(await socketAnswer(server.url, proxyHeaders), 'closed 4401');
    assert.equal(await findUserByEmail(elsewhere.db, 'carol@example.test'), undefined);
  } finally {
    await server.close();
    await elsewhere.close();
  }
});
