/**
 * The `chat-handler` role as `homelab-ai up` or `serve chat-handler` runs it: the handler wired to
 * the platform's memory (PGlite + session cache), document search and LLM_CONTEXT_SIZE.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '@homelab-ai/config';
import { encodeMessage, subjects, type ChatRequestInput } from '@homelab-ai/contracts';
import type { Bus } from '@homelab-ai/bus';
import { createSilentLogger } from '@homelab-ai/observability';
import { startLoopbackLlm } from '@homelab-ai/testkit';
import { listenToTurn } from '@homelab-ai/handlers/testing';
import { createPlatform } from './platform.js';
import { startRoles } from './roles.js';

async function ask(bus: Bus, turn: ChatRequestInput) {
  const listener = await listenToTurn(bus, turn.request_id);
  await bus.publish(subjects.chatMessage('local'), encodeMessage(turn), { persist: true });
  const final = await listener.final(20_000);
  await listener.close();
  return final;
}

describe('the chat-handler role', () => {
  it('runs the handler with the platform memory, documents and context size from configuration', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chat-role-'));
    const llm = await startLoopbackLlm();
    const config = loadConfig({
      PORT: '0',
      HOMELAB_DATA_DIR: dataDir,
      LLM_BASE_URL: llm.baseUrl,
      LLM_CONTEXT_SIZE: '2048',
    });
    const platform = await createPlatform(config, { logger: createSilentLogger() });
    const roles = await startRoles(platform, ['chat-handler']);
    try {
      const session = `s-${randomUUID().slice(0, 8)}`;
      const first = {
        request_id: randomUUID(),
        session_id: session,
        message: 'Remember the code word: heron.',
      };
      await ask(platform.bus, first);
      const second = {
        request_id: randomUUID(),
        session_id: session,
        message: 'What was the code word?',
        collection: 'nope',
      };
      const final = await ask(platform.bus, second);
      assert.match(final.response, /no collection named "nope"/);
      const prompt = llm.requests.at(-1)?.messages.map((message) => message.content) ?? [];
      assert.ok(
        prompt.includes('Remember the code word: heron.'),
        'history from the platform memory',
      );
    } finally {
      await roles.stop();
      await llm.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
