/**
 * Accounts keep users apart: a second user reaches none of the first user's sessions,
 * messages, companions, collections or documents, over HTTP, the OpenAI-compatible API or the
 * chat socket; signed-out visitors and foreign pages get nothing at all.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@homelab-ai/config';
import { createSilentLogger } from '@homelab-ai/observability';
import { startLoopbackLlm, type LoopbackLlm } from '@homelab-ai/testkit';
import { createPlatform } from './platform.js';
import { startRoles, type RunningRoles } from './roles.js';
import { GatewayClient, type ChatSocket } from './testing/gateway-client.js';

const ADMIN_TOKEN = 'hlai_test_bootstrap_token_isolation_0001';
const SECRET = 'The vault combination is 7-4-1-9-VERMILION.';

async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function ask(socket: ChatSocket, frame: Record<string, unknown>) {
  socket.send({ type: 'send', ...frame });
  return socket.next((candidate) => candidate.type === 'done' || candidate.type === 'notice');
}

describe('isolation between users', () => {
  let llm: LoopbackLlm;
  let roles: RunningRoles;
  let alice: GatewayClient;
  let bob: GatewayClient;
  let bobToken: string;
  const owned = { sessionId: '', documentId: '', companionId: '' };

  before(async () => {
    llm = await startLoopbackLlm();
    const config = loadConfig({
      PORT: '0',
      HOMELAB_DATA_DIR: await mkdtemp(join(tmpdir(), 'homelab-isolation-')),
      HOMELAB_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
      HOMELAB_ADMIN_PASSWORD: 'admin password for tests',
      LLM_BASE_URL: llm.baseUrl,
    });
    const platform = await createPlatform(config, { logger: createSilentLogger() });
    roles = await startRoles(platform, ['gateway', 'chat-handler', 'pipeline-bridge']);
    const admin = GatewayClient.withToken(roles.url, ADMIN_TOKEN);
    for (const name of ['alice', 'bob']) {
      const created = await admin.call('POST', '/api/admin/users', {
        email: `${name}@example.com`,
        display_name: name,
        password: `${name} has a long password`,
      });
      assert.equal(created.status, 201, created.text);
    }
    alice = await GatewayClient.signIn(roles.url, 'alice@example.com', 'alice has a long password');
    bob = await GatewayClient.signIn(roles.url, 'bob@example.com', 'bob has a long password');
    const token = await bob.call('POST', '/api/tokens', { name: 'scripts' });
    assert.equal(token.status, 201, token.text);
    bobToken = token.body.token as string;

    // Alice's things: a collection with a document, a companion, a chat that used both.
    assert.equal((await alice.call('POST', '/api/collections', { name: 'private' })).status, 201);
    const form = new FormData();
    form.append('file', new Blob([`# Vault\n\n${SECRET}\n`]), 'vault.md');
    const upload = await alice.call('POST', '/api/collections/private/documents', form);
    assert.equal(upload.status, 202, upload.text);
    owned.documentId = upload.body.document_id as string;
    await until(async () => {
      const document = await alice.call('GET', `/api/documents/${owned.documentId}`);
      return document.body.status === 'indexed' ? true : undefined;
    });
    const companion = await alice.call('POST', '/api/companions', {
      name: 'Vault keeper',
      system_prompt: 'You guard the vault.',
      default_collection: 'private',
    });
    assert.equal(companion.status, 201, companion.text);
    owned.companionId = (companion.body.companion as { id: string }).id;
    const socket = await alice.socket();
    const done = await ask(socket, {
      message: 'What is the vault combination?',
      companion_id: owned.companionId,
      collection: 'private',
    });
    socket.close();
    assert.equal(done.success, true, JSON.stringify(done));
    assert.match(JSON.stringify(done.sources), /VERMILION/, 'alice herself gets her passage');
    owned.sessionId = (socket.frames.find((frame) => frame.type === 'session')?.session_id ??
      '') as string;
    assert.ok(owned.sessionId, 'a session was created for alice');
  });

  after(async () => {
    await roles.stop();
    await llm.close();
  });

  it('keeps her sessions, messages and exports from him over HTTP', async () => {
    const mine = await alice.call('GET', '/api/sessions');
    assert.equal((mine.body.sessions as unknown[]).length, 1);
    const his = await bob.call('GET', '/api/sessions?q=vault');
    assert.deepEqual(his.body.sessions, []);
    for (const [method, path, body] of [
      ['GET', `/api/sessions/${owned.sessionId}`],
      ['PATCH', `/api/sessions/${owned.sessionId}`, { title: 'mine now' }],
      ['GET', `/api/sessions/${owned.sessionId}/export?format=json`],
      ['DELETE', `/api/sessions/${owned.sessionId}`],
    ] as const) {
      const answer = await bob.call(method, path, body);
      assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
      assert.doesNotMatch(answer.text, /VERMILION|vault combination/i);
    }
    const page = await bob.call('GET', `/c/${owned.sessionId}`);
    assert.equal(page.status, 303, 'the page of her chat sends him to his own chat page');
    assert.equal((await alice.call('GET', `/api/sessions/${owned.sessionId}`)).status, 200);
  });

  it('keeps her documents, collections and companions from him', async () => {
    for (const [method, path, body] of [
      ['GET', `/api/documents/${owned.documentId}`],
      ['DELETE', `/api/documents/${owned.documentId}`],
      ['POST', '/api/collections/private/search', { query: 'vault combination' }],
      ['PATCH', `/api/companions/${owned.companionId}`, { name: 'Mine' }],
      ['DELETE', `/api/companions/${owned.companionId}`],
    ] as const) {
      const answer = await bob.call(method, path, body);
      assert.equal(answer.status, 404, `${method} ${path}: ${answer.text}`);
    }
    assert.deepEqual((await bob.call('GET', '/api/collections')).body.collections, []);
    assert.deepEqual((await bob.call('GET', '/api/companions')).body.companions, []);
    const library = await bob.call('GET', '/library');
    assert.doesNotMatch(library.text, /vault\.md|private/);
    assert.equal((await bob.call('GET', '/api/admin/users')).status, 403);
  });

  it('refuses her session and companion on his chat socket, and never searches her documents', async () => {
    const socket = await bob.socket();
    const sessionNotice = await ask(socket, { message: 'hello', session_id: owned.sessionId });
    assert.equal(sessionNotice.type, 'notice');
    assert.match(String(sessionNotice.message), /no chat session/);
    const companionNotice = await ask(socket, { message: 'hi', companion_id: owned.companionId });
    assert.equal(companionNotice.type, 'notice');
    socket.send({ type: 'regenerate', session_id: owned.sessionId });
    const regenerate = await socket.next((frame) => frame.type === 'notice');
    assert.match(String(regenerate.message), /no chat session/);
    const answer = await ask(socket, {
      message: 'What is the vault combination?',
      collection: 'private',
    });
    socket.close();
    assert.equal(answer.type, 'done');
    assert.deepEqual(answer.sources, []);
    assert.doesNotMatch(String(answer.response), /VERMILION/);
    assert.doesNotMatch(JSON.stringify(llm.requests.at(-1)), /VERMILION/, 'not in his prompt');
  });

  it('gives him none of her memory or documents through the OpenAI-compatible API', async () => {
    const api = GatewayClient.withToken(roles.url, bobToken);
    const completion = await api.call('POST', '/v1/chat/completions', {
      model: 'any',
      messages: [{ role: 'user', content: 'What did I ask you before?' }],
      session_id: owned.sessionId,
      collection: 'private',
    });
    assert.equal(completion.status, 200, completion.text);
    const prompt = JSON.stringify(llm.requests.at(-1));
    assert.doesNotMatch(
      prompt,
      /vault combination|VERMILION/i,
      'her history and passage stay hers',
    );
  });

  it('closes the socket of a visitor who is not signed in, and of a page from another site', async () => {
    const visitor = await GatewayClient.withToken(
      roles.url,
      'hlai_not_a_real_token_at_all_000',
    ).socket();
    assert.equal((await visitor.closed).code, 4401);
    const foreign = await alice.socket('https://evil.example');
    assert.equal((await foreign.closed).code, 4403);
    const anonymous = await fetch(`${roles.url}/api/sessions`);
    assert.equal(anonymous.status, 401);
  });
});
