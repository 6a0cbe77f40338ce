import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ALL_STREAMS, encodeMessage, subjects, type ChatRequestInput } from '@homelab-ai/contracts';
import { createMemoryBus, createNatsBus, type Bus } from '@homelab-ai/bus';
import {
  createOpenAiChatModel,
  createUnconfiguredChatModel,
  type ChatModel,
} from '@homelab-ai/models';
import { createSilentLogger, installTracing } from '@homelab-ai/observability';
import {
  eventually,
  startLoopbackLlm,
  startNatsServer,
  type LoopbackLlm,
  type NatsServerHandle,
} from '@homelab-ai/testkit';
import type { RunningHandler } from '../shared/handler-context.js';
import { listenToTurn } from '../testing/turn-listener.js';
import { startChatHandler } from './chat-handler.js';

await installTracing();

const settings = { ackWaitMs: 2_000, maxDeliver: 2, concurrency: 4, maxTokens: 256 };

function chatRequest(overrides: Partial<ChatRequestInput> = {}): ChatRequestInput {
  return {
    request_id: randomUUID(),
    user_id: 'alice',
    message: 'hello there friend',
    ...overrides,
  };
}

function runChatHandlerSuite(
  name: string,
  createBus: () => Promise<Bus>,
  teardown: () => Promise<void>,
) {
  describe(`chat handler over ${name}`, () => {
    let bus: Bus;
    let llm: LoopbackLlm;
    let handler: RunningHandler;
    before(async () => {
      bus = await createBus();
      await bus.ensureStreams(ALL_STREAMS);
      llm = await startLoopbackLlm({ tokenDelayMs: 1 });
      handler = await startChatHandler({
        bus,
        logger: createSilentLogger(),
        chatModel: createOpenAiChatModel({ baseUrl: llm.baseUrl }),
        settings,
      });
    });
    after(async () => {
      await handler.stop(1_000);
      await bus.close();
      await llm.close();
      await teardown();
    });

    it('streams chunks, then done, then the final response, all per the contract', async () => {
      const request = chatRequest({ username: 'Alice', system_prompt: 'Be a pirate.' });
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const final = await turn.final();
      assert.equal(final.success, true);
      assert.equal(final.response, 'echo: hello there friend');
      assert.equal(final.user_id, 'alice');
      assert.equal(final.used_rag, false);
      assert.deepEqual(final.rag_sources, []);
      const chunks = turn.events.filter((event) => event.type === 'chunk');
      assert.ok(chunks.length >= 3, 'streamed in several chunks');
      assert.equal(chunks.map((event) => event.content).join(''), final.response);
      assert.equal(turn.events.at(-1)?.type, 'done');
      assert.equal(turn.events.at(-1)?.done, true);
      for (const event of turn.events) {
        assert.equal(event.request_id, request.request_id);
        assert.equal(typeof event.timestamp, 'number');
      }
      const sent = llm.requests.at(-1);
      assert.match(sent?.messages[0]?.content ?? '', /Be a pirate\.[\s\S]*Alice/);
      await turn.close();
    });

    it('answers on response_subject when the request names one, and skips chunks without streaming', async () => {
      const responseSubject = `replies.${randomUUID()}`;
      const request = chatRequest({ response_subject: responseSubject, enable_streaming: false });
      const turn = await listenToTurn(bus, request.request_id, responseSubject);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const final = await turn.final();
      assert.equal(final.response, 'echo: hello there friend');
      assert.equal(turn.events.length, 0);
      await turn.close();
    });

    it('carries the trace context from the request to every reply', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const request = chatRequest();
      const seen: string[] = [];
      await bus.subscribe(
        `ai.chat.response.*.${request.request_id}`,
        (message) => void seen.push(message.headers.traceparent ?? ''),
      );
      await bus.subscribe(
        `ai.chat.response.${request.request_id}`,
        (message) => void seen.push(message.headers.traceparent ?? ''),
      );
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), {
        persist: true,
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      });
      await turn.final();
      await eventually(() => (seen.length >= 2 ? true : undefined), 'replies with headers');
      for (const traceparent of seen)
        assert.match(traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      await turn.close();
    });

    it('answers a request delivered twice only once', async () => {
      const request = chatRequest();
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      await turn.final();
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const probe = chatRequest();
      const probeTurn = await listenToTurn(bus, probe.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(probe), { persist: true });
      await probeTurn.final();
      assert.equal(turn.finals.length, 1);
      await turn.close();
      await probeTurn.close();
    });
  });
}

let nats: NatsServerHandle;
runChatHandlerSuite(
  'the embedded bus',
  () => Promise.resolve(createMemoryBus()),
  () => Promise.resolve(),
);
runChatHandlerSuite(
  'real NATS',
  async () => {
    nats = await startNatsServer();
    return createNatsBus({ url: nats.url });
  },
  () => nats.stop(),
);

describe('chat handler without a model, or with a failing one', () => {
  async function withHandler(chatModel: ChatModel, work: (bus: Bus) => Promise<void>) {
    const bus = createMemoryBus();
    await bus.ensureStreams(ALL_STREAMS);
    const handler = await startChatHandler({
      bus,
      logger: createSilentLogger(),
      chatModel,
      settings: { ...settings, ackWaitMs: 500 },
    });
    try {
      await work(bus);
    } finally {
      await handler.stop(100);
      await bus.close();
    }
  }

  it('says no model is configured and how to configure one, never inventing an answer', async () => {
    await withHandler(createUnconfiguredChatModel(), async (bus) => {
      const request = chatRequest();
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const final = await turn.final();
      assert.equal(final.success, false);
      assert.equal(final.error_type, 'model_not_configured');
      assert.match(String(final.error), /LLM_BASE_URL/);
      assert.match(final.response, /LLM_BASE_URL/);
      assert.match(final.response, /homelab-ai models pull/);
      assert.doesNotMatch(final.response, /echo/);
      assert.equal(turn.events.at(-1)?.type, 'error');
      await turn.close();
    });
  });

  it('retries a model outage, then tells the user and dead-letters the turn', async () => {
    const failing = await startLoopbackLlm({ failStatus: 503 });
    await withHandler(
      createOpenAiChatModel({ baseUrl: failing.baseUrl, model: 'm' }),
      async (bus) => {
        const letters: string[] = [];
        await bus.subscribe('ai.deadletter.>', (message) => void letters.push(message.subject));
        const request = chatRequest();
        const turn = await listenToTurn(bus, request.request_id);
        await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
        const final = await turn.final();
        assert.equal(final.success, false);
        assert.match(String(final.error), /503/);
        assert.equal(failing.requests.length, settings.maxDeliver, 'one call per delivery');
        assert.deepEqual(letters, ['ai.deadletter.ai.chat.user.alice.message']);
        await turn.close();
      },
    );
    await failing.close();
  });
});
