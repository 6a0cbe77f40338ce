/**
 * The chat handler with the platform's adapters: a real PGlite metadata DB, the in-process
 * session cache, the knowledge service over an embedded LanceDB, and a loopback LLM — over the
 * embedded bus and real NATS (two replicas sharing the work, a turn restarted after a failure).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ALL_STREAMS,
  PlatformError,
  decodeMessage,
  encodeMessage,
  subjects,
  type ChatRequestInput,
} from '@homelab-ai/contracts';
import { createMemoryBus, createNatsBus, type Bus } from '@homelab-ai/bus';
import { INTERRUPTED_MESSAGE, startChatHandler, type RunningHandler } from '@homelab-ai/handlers';
import { listSessionMessages } from '@homelab-ai/metadata-db';
import { createMemorySessionCache } from '@homelab-ai/session-cache';
import {
  createOpenAiChatModel,
  createUnconfiguredChatModel,
  type ChatModel,
} from '@homelab-ai/models';
import { createSilentLogger } from '@homelab-ai/observability';
import {
  eventually,
  startLoopbackLlm,
  startNatsServer,
  type LoopbackLlm,
  type NatsServerHandle,
} from '@homelab-ai/testkit';
import { createChatMemory } from './chat-memory.js';
import { chatWorld, listenToTurn, type ChatWorld } from './chat-test-world.js';

const settings = { ackWaitMs: 2_000, maxDeliver: 3, concurrency: 4, maxTokens: 256 };

let world: ChatWorld;
before(async () => {
  world = await chatWorld();
});
after(() => world.close());

type Turn = ChatRequestInput & { session_id: string };

function request(overrides: Partial<Turn> = {}): Turn {
  return {
    request_id: randomUUID(),
    message: 'hello',
    session_id: `s-${randomUUID().slice(0, 8)}`,
    ...overrides,
  };
}

async function ask(bus: Bus, turn: Turn, userId = 'alice') {
  const listener = await listenToTurn(bus, turn.request_id);
  await bus.publish(subjects.chatMessage(userId), encodeMessage(turn), { persist: true });
  const final = await listener.final();
  await listener.close();
  return { final, events: listener.events };
}

function startHandler(bus: Bus, chatModel: ChatModel, extra: { durable?: string } = {}) {
  return startChatHandler({
    bus,
    logger: createSilentLogger(),
    chatModel,
    memory: world.memory,
    knowledge: world.knowledge,
    settings: { ...settings, contextTokens: 4096, ...extra },
  });
}

const asked = (llm: LoopbackLlm, message: string) =>
  llm.requests.filter((sent) => sent.messages.at(-1)?.content === message).length;

function runSuite(name: string, createBus: () => Promise<Bus>, teardown: () => Promise<void>) {
  describe(`chat handler with memory and documents over ${name}`, () => {
    let bus: Bus;
    let llm: LoopbackLlm;
    let handler: RunningHandler;
    before(async () => {
      bus = await createBus();
      await bus.ensureStreams(ALL_STREAMS);
      llm = await startLoopbackLlm({ tokenDelayMs: 1 });
      handler = await startHandler(bus, createOpenAiChatModel({ baseUrl: llm.baseUrl }));
    });
    after(async () => {
      await handler.stop(1_000);
      await bus.close();
      await llm.close();
      await teardown();
    });

    it('remembers the conversation: earlier turns reach the prompt and both messages are stored', async () => {
      const first = request({ message: 'My name is Zed and I like kites.', username: 'Zed' });
      await ask(bus, first);
      const second = request({ message: 'What is my name?', session_id: first.session_id });
      const { final } = await ask(bus, second);
      assert.equal(final.response, 'echo: What is my name?');
      const prompt = llm.requests.at(-1)?.messages ?? [];
      assert.deepEqual(
        prompt.slice(1).map((message) => [message.role, message.content]),
        [
          ['user', 'My name is Zed and I like kites.'],
          ['assistant', 'echo: My name is Zed and I like kites.'],
          ['user', 'What is my name?'],
        ],
      );
      const scope = await world.memory.resolve({ userId: 'alice', sessionId: first.session_id });
      assert.equal(scope.title, 'My name is Zed and I like kites.');
      const stored = await listSessionMessages(world.metadata.db, scope.sessionId);
      assert.equal(stored.length, 4);
      assert.deepEqual(
        stored.map((message) => message.request_id),
        [
          first.request_id,
          `${first.request_id}:answer`,
          second.request_id,
          `${second.request_id}:answer`,
        ],
      );
    });

    it('answers from the documents: numbered sources in the prompt, citations in rag_sources', async () => {
      const turn = request({
        message: 'How long is the Orion lamp warranty?',
        enable_rag: true,
        collection: 'manuals',
        top_k: 1,
      });
      const { final } = await ask(bus, turn);
      assert.equal(final.success, true);
      assert.equal(final.used_rag, true);
      assert.equal(final.rag_sources.length, 1);
      const [source] = final.rag_sources;
      assert.equal(source?.source, 'orion.pdf');
      assert.equal(source?.page, 2);
      assert.equal(source?.collection, 'manuals');
      assert.equal(source?.document_id, world.documentId);
      assert.match(source?.text ?? '', /seven years/);
      const system = llm.requests.at(-1)?.messages[0]?.content ?? '';
      assert.match(system, /\[1\] orion\.pdf p\.2 › Orion › Warranty: Warranty: every Orion lamp/);
      assert.match(system, /cite them by number/);
      const scope = await world.memory.resolve({ userId: 'alice', sessionId: turn.session_id });
      assert.deepEqual(
        (await world.memory.storedAnswer(scope, turn.request_id))?.sources,
        final.rag_sources,
      );
    });

    it("searches the companion's default collection with its persona", async () => {
      const turn = request({ message: 'braided cable?', companion_id: world.companionId });
      const { final } = await ask(bus, turn);
      assert.equal(final.used_rag, true);
      assert.match(
        llm.requests.at(-1)?.messages[0]?.content ?? '',
        /^You are Orion support\.[\s\S]*\[1\] orion\.pdf p\.1/,
      );
    });

    it('says so in the answer when the collection does not exist, and still answers', async () => {
      const { final } = await ask(bus, request({ message: 'anything?', collection: 'nope' }));
      assert.equal(final.success, true);
      assert.match(final.response, /no collection named "nope"[\s\S]*echo: anything\?/);
      assert.deepEqual(final.rag_sources, []);
    });

    it('a request delivered again after a restart is answered from the store, not the model', async () => {
      const turn = request({ message: `only once ${randomUUID()}` });
      const { final } = await ask(bus, turn);
      await handler.stop(1_000);
      handler = await startHandler(bus, createOpenAiChatModel({ baseUrl: llm.baseUrl }));
      const again = await ask(bus, turn);
      assert.deepEqual(again.final, final);
      assert.equal(asked(llm, turn.message), 1, 'one model call');
      const scope = await world.memory.resolve({ userId: 'alice', sessionId: turn.session_id });
      assert.equal((await listSessionMessages(world.metadata.db, scope.sessionId)).length, 2);
    });

    it('regenerate answers the last question again and replaces the previous answer', async () => {
      const first = request({ message: 'Tell me a joke.' });
      await ask(bus, first);
      const again = request({
        message: 'Tell me a joke.',
        session_id: first.session_id,
        regenerate: true,
      });
      const { final } = await ask(bus, again);
      assert.equal(final.success, true);
      const prompt = llm.requests.at(-1)?.messages ?? [];
      assert.deepEqual(
        prompt.slice(1).map((message) => message.content),
        ['Tell me a joke.'],
      );
      const scope = await world.memory.resolve({ userId: 'alice', sessionId: first.session_id });
      const stored = await listSessionMessages(world.metadata.db, scope.sessionId);
      assert.deepEqual(
        stored.map((message) => message.request_id),
        [first.request_id, `${again.request_id}:answer`],
      );
    });

    it('greets a returning user by name and with their latest conversation', async () => {
      const greetings: Record<string, unknown>[] = [];
      const subscription = await bus.subscribe(subjects.greetingResponse('alice'), (message) => {
        greetings.push(decodeMessage(message.data) as Record<string, unknown>);
      });
      await bus.publish(subjects.chatLogin('alice'), encodeMessage({ user_id: 'alice' }), {
        persist: true,
      });
      const greeting = await eventually(() => greetings[0], 'greeting');
      await subscription.unsubscribe();
      assert.match(
        String(greeting.greeting),
        /Greet Alice\. It is (morning|afternoon|evening)\. Their latest conversation was titled "/,
      );
      const user = await world.metadata.db
        .selectFrom('users')
        .select('last_login_at')
        .where('id', '=', world.aliceId)
        .executeTakeFirstOrThrow();
      assert.ok(user.last_login_at instanceof Date);
    });
  });
}

runSuite(
  'the embedded bus',
  () => Promise.resolve(createMemoryBus()),
  () => Promise.resolve(),
);
let nats: NatsServerHandle;
runSuite(
  'real NATS',
  async () => {
    nats = await startNatsServer();
    return createNatsBus({ url: nats.url });
  },
  () => nats.stop(),
);

describe('chat handler replicas over real NATS', () => {
  let nats: NatsServerHandle;
  const buses: Bus[] = [];
  const llms: LoopbackLlm[] = [];
  const handlers: RunningHandler[] = [];
  async function replica(llmOptions: Parameters<typeof startLoopbackLlm>[0], concurrency = 1) {
    const bus = await createNatsBus({ url: nats.url });
    await bus.ensureStreams(ALL_STREAMS);
    const llm = await startLoopbackLlm(llmOptions);
    const handler = await startChatHandler({
      bus,
      logger: createSilentLogger(),
      chatModel: createOpenAiChatModel({ baseUrl: llm.baseUrl }),
      memory: world.memory,
      knowledge: world.knowledge,
      settings: { ...settings, ackWaitMs: 1_000, concurrency, durable: 'chat-replicas' },
    });
    buses.push(bus);
    llms.push(llm);
    handlers.push(handler);
    return { bus, llm, handler };
  }
  before(async () => {
    nats = await startNatsServer();
  });
  after(async () => {
    await Promise.all(handlers.map((handler) => handler.stop(500)));
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all(llms.map((llm) => llm.close()));
    await nats.stop();
  });

  it('two replicas share the turns, and each turn is answered exactly once', async () => {
    const first = await replica({ tokenDelayMs: 20 });
    const second = await replica({ tokenDelayMs: 20 });
    const turns = Array.from({ length: 10 }, (_, index) =>
      request({ message: `turn ${index} of ten` }),
    );
    const answers = await Promise.all(turns.map((turn) => ask(first.bus, turn)));
    for (const [index, { final }] of answers.entries()) {
      assert.equal(final.response, `echo: turn ${index} of ten`);
    }
    const [byFirst, bySecond] = [first.llm.requests.length, second.llm.requests.length];
    assert.equal(byFirst + bySecond, 10, 'one model call per turn');
    assert.ok(byFirst > 0 && bySecond > 0, `both replicas worked: ${byFirst} + ${bySecond}`);
    await Promise.all([first.handler.stop(500), second.handler.stop(500)]);
  });

  it('a turn cut off mid-stream restarts on another replica, and the client is told to start over', async () => {
    const message = Array.from({ length: 30 }, (_, index) => `w${index}`).join(' ');
    const failing = await replica({ tokenDelayMs: 40 });
    const turn = request({ message });
    const listener = await listenToTurn(failing.bus, turn.request_id);
    await failing.bus.publish(subjects.chatMessage('alice'), encodeMessage(turn), {
      persist: true,
    });
    const streamed = () => listener.events.map((event) => event.content).join('');
    await eventually(() => (streamed().includes('w2') ? true : undefined), 'part of the answer');
    // The replica goes away in the middle of the answer: its model connection drops too.
    const stopping = failing.handler.stop(0);
    await failing.llm.close();
    await stopping;
    const healthy = await replica({ tokenDelayMs: 1 });
    const final = await listener.final(15_000);
    await listener.close();
    assert.equal(final.success, true);
    assert.equal(final.response, `echo: ${message}`);
    const restart = listener.events.findIndex((event) => event.type === 'error');
    assert.ok(restart > 0, 'chunks came before the restart notice');
    assert.deepEqual(
      { ...listener.events[restart], timestamp: 0 },
      {
        request_id: turn.request_id,
        type: 'error',
        content: INTERRUPTED_MESSAGE,
        done: false,
        timestamp: 0,
      },
    );
    const afterRestart = listener.events
      .slice(restart + 1)
      .filter((event) => event.type === 'chunk');
    assert.equal(afterRestart.map((event) => event.content).join(''), final.response);
    assert.equal(asked(healthy.llm, message), 1);
    const scope = await world.memory.resolve({ userId: 'alice', sessionId: turn.session_id });
    assert.equal((await listSessionMessages(world.metadata.db, scope.sessionId)).length, 2);
  });
});

describe('chat handler stops and missing models, with memory and documents', () => {
  async function withHandler(chatModel: ChatModel, work: (bus: Bus) => Promise<void>) {
    const bus = createMemoryBus();
    await bus.ensureStreams(ALL_STREAMS);
    const handler = await startHandler(bus, chatModel);
    try {
      await work(bus);
    } finally {
      await handler.stop(500);
      await bus.close();
    }
  }

  it('a stopped answer is kept in the session as far as it went', async () => {
    const llm = await startLoopbackLlm({ tokenDelayMs: 40 });
    await withHandler(createOpenAiChatModel({ baseUrl: llm.baseUrl }), async (bus) => {
      const turn = request({
        message: Array.from({ length: 40 }, (_, index) => `v${index}`).join(' '),
      });
      const listener = await listenToTurn(bus, turn.request_id);
      await bus.publish(subjects.chatMessage('alice'), encodeMessage(turn), { persist: true });
      const streamed = () => listener.events.map((event) => event.content).join('');
      await eventually(() => (streamed().includes('v1') ? true : undefined), 'part of the answer');
      await bus.publish(subjects.chatCancel(turn.request_id), encodeMessage({}));
      const final = await listener.final();
      await listener.close();
      assert.equal(final.error_type, 'cancelled');
      assert.match(final.response, /^echo: v0 v1/);
      const scope = await world.memory.resolve({ userId: 'alice', sessionId: turn.session_id });
      const stored = await listSessionMessages(world.metadata.db, scope.sessionId);
      assert.deepEqual(
        stored.map((message) => message.content),
        [turn.message, final.response],
      );
    });
    await llm.close();
  });

  it('tells the user when the database cannot be reached, after retrying', async () => {
    const bus = createMemoryBus();
    await bus.ensureStreams(ALL_STREAMS);
    const unreachable = new PlatformError('unavailable', 'cannot reach PostgreSQL at 127.0.0.1:1');
    const handler = await startChatHandler({
      bus,
      logger: createSilentLogger(),
      chatModel: createUnconfiguredChatModel(),
      memory: createChatMemory({
        openDb: () => Promise.reject(unreachable),
        cache: createMemorySessionCache(),
      }),
      settings: { ...settings, maxDeliver: 2 },
    });
    try {
      const { final } = await ask(bus, request({ message: 'anyone there?' }));
      assert.equal(final.success, false);
      assert.equal(final.error_type, 'unavailable');
      assert.match(String(final.error), /cannot reach PostgreSQL/);
    } finally {
      await handler.stop(100);
      await bus.close();
    }
  });

  it('without a model, answers with the passages found and how to add a model', async () => {
    await withHandler(createUnconfiguredChatModel(), async (bus) => {
      const turn = request({ message: 'Orion warranty', collection: 'manuals' });
      const { final } = await ask(bus, turn);
      assert.equal(final.success, false);
      assert.equal(final.error_type, 'model_not_configured');
      assert.ok(final.rag_sources.length > 0);
      assert.match(
        final.response,
        /\[1\] orion\.pdf p\.2 › Orion › Warranty: Warranty: every Orion lamp is covered for seven years/,
      );
      assert.match(final.response, /LLM_BASE_URL[\s\S]*homelab-ai models pull/);
      // Answered, not redelivered: the same turn is not handled again.
      const scope = await world.memory.resolve({ userId: 'alice', sessionId: turn.session_id });
      assert.equal(await world.memory.storedAnswer(scope, turn.request_id), undefined);
    });
  });
});
