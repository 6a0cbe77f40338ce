import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { writeTinyLlamaGguf } from '@homelab-ai/testkit';
import type { ChatModel } from '../chat/chat-model.js';
import { createLlamaCppChatModel } from './llama-cpp-chat-model.js';

describe('embedded llama.cpp ChatModel on a tiny GGUF the test writes', () => {
  let model: ChatModel;
  before(async () => {
    const directory = await mkdtemp(join(tmpdir(), 'homelab-gguf-'));
    const { path } = await writeTinyLlamaGguf(join(directory, 'tiny-llama.gguf'));
    model = createLlamaCppChatModel({ modelPath: path, contextSize: 512, threads: 1, gpu: false });
  });
  after(() => model.close());

  it('loads lazily and streams printable text chunks', async () => {
    assert.match((await model.health()).detail, /loads on first use/);
    const chunks: string[] = [];
    for await (const chunk of model.stream({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
      maxTokens: 12,
    })) {
      chunks.push(chunk);
    }
    assert.ok(chunks.length >= 3, `several chunks, got ${chunks.length}`);
    const text = chunks.join('');
    assert.ok(text.trim().length > 0);
    assert.ok(!text.includes('\uFFFD'), 'no broken characters');
    assert.match((await model.health()).detail, /loaded/);
  });

  it('stops generating when aborted', async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of model.stream({
          messages: [{ role: 'user', content: 'go on' }],
          maxTokens: 400,
          signal: controller.signal,
        })) {
          chunks.push(chunk);
          if (chunks.length === 3) controller.abort();
        }
      })(),
      (error) => error instanceof PlatformError && error.code === 'cancelled',
    );
    assert.ok(chunks.length < 400 && chunks.length >= 3);
  });

  it('says which file is missing when LLM_MODEL_PATH points nowhere', async () => {
    const missing = createLlamaCppChatModel({
      modelPath: '/nonexistent/model.gguf',
      threads: 1,
      gpu: false,
    });
    assert.equal((await missing.health()).healthy, false);
    await assert.rejects(
      (async () => {
        for await (const chunk of missing.stream({ messages: [{ role: 'user', content: 'hi' }] }))
          assert.fail(`no chunk expected, got ${chunk}`);
      })(),
      /\/nonexistent\/model\.gguf does not exist/,
    );
  });
});
