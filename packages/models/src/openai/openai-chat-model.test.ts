import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { freePort, startLoopbackLlm, type LoopbackLlm } from '@homelab-ai/testkit';
import { createOpenAiChatModel } from './openai-chat-model.js';

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const parts: string[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('OpenAI-compatible ChatModel against a loopback server', () => {
  let llm: LoopbackLlm;
  before(async () => {
    llm = await startLoopbackLlm({ apiKey: 'secret', tokenDelayMs: 2 });
  });
  after(() => llm.close());

  it('streams the answer token by token, with the key and max_tokens sent', async () => {
    const model = createOpenAiChatModel({ baseUrl: llm.baseUrl, apiKey: 'secret' });
    const parts = await collect(
      model.stream({ messages: [{ role: 'user', content: 'the quick brown fox' }], maxTokens: 64 }),
    );
    assert.ok(parts.length > 3, 'several chunks');
    assert.equal(parts.join(''), 'echo: the quick brown fox');
    assert.equal(llm.requests.at(-1)?.max_tokens, 64);
    assert.equal(model.modelName, 'loopback-echo', 'picked the first listed model');
  });

  it('stops the server-side generation when the caller aborts', async () => {
    const slow = await startLoopbackLlm({ tokenDelayMs: 50 });
    const model = createOpenAiChatModel({ baseUrl: slow.baseUrl, model: 'loopback-echo' });
    const controller = new AbortController();
    const parts: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const part of model.stream({
          messages: [{ role: 'user', content: 'a b c d e f g h i j' }],
          signal: controller.signal,
        })) {
          parts.push(part);
          if (parts.length === 2) controller.abort();
        }
      })(),
      (error) => error instanceof PlatformError && error.code === 'cancelled',
    );
    assert.ok(parts.length < 5);
    await slow.close();
  });

  it('names the service and URL when it is unreachable, as a retryable error', async () => {
    const port = await freePort();
    const model = createOpenAiChatModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'x' });
    await assert.rejects(
      collect(model.stream({ messages: [{ role: 'user', content: 'hi' }] })),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'unavailable');
        assert.equal(error.retryable, true);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        return true;
      },
    );
    const health = await model.health();
    assert.equal(health.healthy, false);
  });

  it('turns a 401 into a non-retryable error and a 503 into a retryable one', async () => {
    const wrongKey = createOpenAiChatModel({
      baseUrl: llm.baseUrl,
      model: 'loopback-echo',
      apiKey: 'wrong',
    });
    await assert.rejects(
      collect(wrongKey.stream({ messages: [{ role: 'user', content: 'hi' }] })),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.retryable, false);
        assert.match(error.message, /401/);
        return true;
      },
    );
    const failing = await startLoopbackLlm({ failStatus: 503 });
    const model = createOpenAiChatModel({ baseUrl: failing.baseUrl, model: 'loopback-echo' });
    await assert.rejects(
      collect(model.stream({ messages: [{ role: 'user', content: 'hi' }] })),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'model_error');
        assert.equal(error.retryable, true);
        return true;
      },
    );
    await failing.close();
  });

  it('reports healthy with the model name', async () => {
    const model = createOpenAiChatModel({ baseUrl: llm.baseUrl, apiKey: 'secret' });
    const health = await model.health();
    assert.equal(health.healthy, true);
    assert.match(health.detail, /loopback-echo/);
  });
});
