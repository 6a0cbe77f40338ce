/**
 * What a user controls around a turn, over the embedded bus and real NATS: stopping a generation
 * (the model call is aborted, the response says so), a stop that arrives first, the model picker,
 * and greetings on login and on request (written by the model, or a template without one).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ALL_STREAMS,
  decodeMessage,
  encodeMessage,
  subjects,
  type ChatRequestInput,
  type GreetingResponse,
} from '@homelab-ai/contracts';
import { createMemoryBus, createNatsBus, type Bus } from '@homelab-ai/bus';
import {
  createEspeakSynthesizer,
  createOpenAiChatModel,
  createUnconfiguredChatModel,
  decodeWav,
} from '@homelab-ai/models';
import { createSilentLogger } from '@homelab-ai/observability';
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

const settings = { ackWaitMs: 2_000, maxDeliver: 2, concurrency: 4, maxTokens: 256 };
const LONG_MESSAGE = Array.from({ length: 40 }, (_, index) => `word${index}`).join(' ');

function chatRequest(overrides: Partial<ChatRequestInput> = {}): ChatRequestInput {
  return { request_id: randomUUID(), user_id: 'alice', message: 'hello there', ...overrides };
}

async function nextGreeting(bus: Bus, userId: string, send: () => Promise<void>) {
  const greetings: Record<string, unknown>[] = [];
  const subscription = await bus.subscribe(subjects.greetingResponse(userId), (message) => {
    greetings.push(decodeMessage(message.data) as Record<string, unknown>);
  });
  await send();
  const greeting = await eventually(() => greetings[0], `greeting for ${userId}`);
  await subscription.unsubscribe();
  return greeting;
}

function runControlsSuite(
  name: string,
  createBus: () => Promise<Bus>,
  teardown: () => Promise<void>,
) {
  describe(`chat controls over ${name}`, () => {
    let bus: Bus;
    let llm: LoopbackLlm;
    let handler: RunningHandler;
    before(async () => {
      bus = await createBus();
      await bus.ensureStreams(ALL_STREAMS);
      llm = await startLoopbackLlm({ tokenDelayMs: 50 });
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

    it('stops a generation: the model call is aborted and the response says the user stopped it', async () => {
      const request = chatRequest({ message: LONG_MESSAGE });
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const streamed = () => turn.events.map((event) => event.content).join('');
      await eventually(() => (streamed().includes('word1') ? true : undefined), 'a few tokens');
      const abortedBefore = llm.aborted;
      await bus.publish(subjects.chatCancel(request.request_id), encodeMessage({}));
      const final = await turn.final();
      assert.equal(final.success, false);
      assert.equal(final.error_type, 'cancelled');
      assert.equal(final.error, 'stopped by the user');
      assert.ok(final.response.startsWith(streamed()), 'the partial answer is what was streamed');
      assert.match(final.response, /^echo: word0 word1/);
      assert.ok(final.response.length < `echo: ${LONG_MESSAGE}`.length, 'the answer was cut short');
      assert.equal(turn.events.at(-1)?.type, 'done');
      await eventually(() => (llm.aborted > abortedBefore ? true : undefined), 'LLM call aborted');
      await turn.close();
    });

    it('a stop that arrives before the turn starts still wins, and the model is never asked', async () => {
      const request = chatRequest({ message: 'never to be answered' });
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatCancel(request.request_id), encodeMessage({}));
      // Published first on the same connection, the core cancel reaches the handler before the
      // stream stores and hands out the turn.
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const final = await turn.final();
      assert.equal(final.error_type, 'cancelled');
      assert.equal(final.response, '');
      assert.ok(!llm.requests.some((sent) => sent.messages.at(-1)?.content === request.message));
      await turn.close();
    });

    it('passes the model the request picks to the LLM server', async () => {
      const request = chatRequest({ model: 'tiny-chat', enable_streaming: false });
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      assert.equal((await turn.final()).success, true);
      assert.equal(llm.requests.at(-1)?.model, 'tiny-chat');
      await turn.close();
    });

    it('greets a user who logs in, with a greeting the model wrote for them', async () => {
      const greeting = await nextGreeting(bus, 'bob', () =>
        bus.publish(
          subjects.chatLogin('bob'),
          encodeMessage({ user_id: 'bob', username: 'Bob', timestamp: Date.now() / 1000 }),
          { persist: true },
        ),
      );
      assert.equal(greeting.user_id, 'bob');
      assert.match(String(greeting.greeting), /Bob/);
      assert.match(llm.requests.at(-1)?.messages[0]?.content ?? '', /greet/i);
    });

    it('answers a greeting request on its reply subject, with the request id', async () => {
      const reply = await bus.request(
        subjects.greetingRequest('carol'),
        encodeMessage({ user_id: 'carol', username: 'Carol', request_id: 'greet-1' }),
        { timeoutMs: 10_000 },
      );
      const greeting = decodeMessage(reply.data) as GreetingResponse;
      assert.equal(greeting.request_id, 'greet-1');
      assert.match(greeting.greeting, /Carol/);
    });

    it('answers a malformed greeting request or login with an error naming the field', async () => {
      const reply = await bus.request(
        subjects.greetingRequest('carol'),
        encodeMessage({ user_id: 'has space', username: 7 }),
        { timeoutMs: 10_000 },
      );
      const error = decodeMessage(reply.data) as Record<string, unknown>;
      assert.equal(error.error, true);
      assert.match(String(error.message), /user_id|username/);
      const loginError = await nextGreeting(bus, 'dave', () =>
        bus.publish(subjects.chatLogin('dave'), encodeMessage('not a login'), { persist: true }),
      );
      assert.equal(loginError.error, true);
      // The handler still greets afterwards.
      const greeting = await nextGreeting(bus, 'dave', () =>
        bus.publish(subjects.chatLogin('dave'), encodeMessage({ user_id: 'dave' }), {
          persist: true,
        }),
      );
      assert.match(String(greeting.greeting), /dave/);
    });
  });
}

let nats: NatsServerHandle;
runControlsSuite(
  'the embedded bus',
  () => Promise.resolve(createMemoryBus()),
  () => Promise.resolve(),
);
runControlsSuite(
  'real NATS',
  async () => {
    nats = await startNatsServer();
    return createNatsBus({ url: nats.url });
  },
  () => nats.stop(),
);

describe('greetings without a model', () => {
  it('greet with a plain template naming the user and the time of day', async () => {
    const bus = createMemoryBus();
    await bus.ensureStreams(ALL_STREAMS);
    const handler = await startChatHandler({
      bus,
      logger: createSilentLogger(),
      chatModel: createUnconfiguredChatModel(),
      settings,
    });
    try {
      const greeting = await nextGreeting(bus, 'erin', () =>
        bus.publish(
          subjects.greetingRequest('erin'),
          encodeMessage({ user_id: 'erin', username: 'Erin' }),
        ),
      );
      assert.match(String(greeting.greeting), /^Good (morning|afternoon|evening), Erin!/);
    } finally {
      await handler.stop(100);
      await bus.close();
    }
  });
});

describe('spoken answers', () => {
  it('speak the final answer into one WAV when the request asks for speech', async () => {
    const bus = createMemoryBus();
    await bus.ensureStreams(ALL_STREAMS);
    const llm = await startLoopbackLlm();
    const handler = await startChatHandler({
      bus,
      logger: createSilentLogger(),
      chatModel: createOpenAiChatModel({ baseUrl: llm.baseUrl }),
      synthesizer: createEspeakSynthesizer(),
      settings,
    });
    try {
      const request = chatRequest({
        message: 'The kettle boils. The lamp glows.',
        enable_tts: true,
      });
      const turn = await listenToTurn(bus, request.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(request), { persist: true });
      const final = await turn.final(20_000);
      await turn.close();
      assert.equal(final.success, true);
      assert.ok(final.audio instanceof Uint8Array, 'audio attached');
      const audio = decodeWav(final.audio);
      const seconds = (audio.channels[0]?.length ?? 0) / audio.sampleRate;
      assert.ok(seconds > 1, `both sentences spoken (${seconds.toFixed(2)} s)`);
    } finally {
      await handler.stop(100);
      await bus.close();
      await llm.close();
    }
  });
});
