/**
 * The `chat-handler` role as `homelab-ai up` or `serve chat-handler` runs it: the handler wired to
 * the platform's memory (PGlite + session cache), document search and LLM_CONTEXT_SIZE.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '@homelab-ai/config';
import {
  decodeMessage,
  encodeMessage,
  subjects,
  type ChatRequestInput,
  type PipelineStatus,
} from '@homelab-ai/contracts';
import type { Bus } from '@homelab-ai/bus';
import { createSilentLogger } from '@homelab-ai/observability';
import { eventually, startLoopbackLlm } from '@homelab-ai/testkit';
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

  it('lets a bus client chat about documents it ingested over the bus', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'chat-role-bus-'));
    const imports = await mkdtemp(join(tmpdir(), 'chat-role-imports-'));
    await writeFile(
      join(imports, 'lighthouse.md'),
      '# Lighthouse\n\nThe lighthouse lamp is serviced every second Tuesday by Marguerite.\n',
    );
    const llm = await startLoopbackLlm();
    const config = loadConfig({
      PORT: '0',
      HOMELAB_DATA_DIR: dataDir,
      LLM_BASE_URL: llm.baseUrl,
      INGEST_LOCAL_ROOTS: imports,
    });
    const platform = await createPlatform(config, { logger: createSilentLogger() });
    const roles = await startRoles(platform, ['chat-handler', 'pipeline-bridge']);
    try {
      const statuses: PipelineStatus[] = [];
      await platform.bus.subscribe('ai.pipeline.status.*', (message) => {
        statuses.push(decodeMessage(message.data) as PipelineStatus);
      });
      await platform.bus.publish(
        'ai.pipeline.trigger',
        encodeMessage({
          request_id: 'ingest-lighthouse',
          pipeline: 'document-ingestion',
          parameters: { 'source-url': imports, 'collection-name': 'coast' },
        }),
      );
      await eventually(
        () => (statuses.some((status) => status.status === 'succeeded') ? true : undefined),
        'the ingestion to succeed',
        60_000,
      );
      const final = await ask(platform.bus, {
        request_id: randomUUID(),
        user_id: 'keeper',
        message: 'Who services the lighthouse lamp?',
        enable_rag: true,
        collection: 'coast',
      });
      assert.equal(final.success, true, final.error);
      assert.equal(final.used_rag, true);
      assert.match(final.rag_sources[0]?.text ?? '', /Marguerite/);
      assert.match(final.rag_sources[0]?.source ?? '', /lighthouse\.md$/);
    } finally {
      await roles.stop();
      await llm.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(imports, { recursive: true, force: true });
    }
  });
});
