/**
 * The official `openai` npm client against the gateway's OpenAI-compatible API, over a real chat
 * path: embedded bus → chat handler → loopback LLM server. The bearer check is the fixture's
 * fixed-token stand-in; real API tokens belong to accounts and are tested there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeMessage, subjectPatterns } from '@homelab-ai/contracts';
import type { ChatKnowledge } from '@homelab-ai/handlers';
import { createOpenAiChatModel } from '@homelab-ai/models';
import { eventually, startLoopbackLlm, type LoopbackLlm } from '@homelab-ai/testkit';
import OpenAI from 'openai';
import { TEST_TOKEN, startTestGateway, type TestGateway } from './openai-test-gateway.js';

/** A knowledge port with one passage in the collection "handbook". */
const handbook: ChatKnowledge = {
  search: (_owner, collection) =>
    Promise.resolve({
      passages:
        collection === 'handbook'
          ? [
              {
                text: 'The boiler is serviced every March.',
                score: 0.9,
                source: 'house.md',
                collection,
              },
            ]
          : [],
      notices: [],
    }),
};

/** What the loopback LLM answered to the last prompt it received: echo of its last user turn. */
function loopbackAnswer(llm: LoopbackLlm): string {
  const messages = llm.requests.at(-1)?.messages ?? [];
  const lastUser = messages.findLast((message) => message.role === 'user');
  return `echo: ${lastUser?.content ?? ''}`;
}

const manyWords = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ');

/** Records the cancels published on `ai.chat.cancel.*`. */
async function listenForCancels(bus: TestGateway['bus']) {
  const cancels: { subject: string; requestId: unknown }[] = [];
  const subscription = await bus.subscribe(subjectPatterns.chatCancels, (message) => {
    const payload = decodeMessage(message.data) as { request_id?: unknown };
    cancels.push({ subject: message.subject, requestId: payload.request_id });
  });
  return { cancels, stop: () => subscription.unsubscribe() };
}

describe('OpenAI-compatible API with the official client', () => {
  let llm: LoopbackLlm;
  let gateway: TestGateway;
  let client: OpenAI;
  before(async () => {
    llm = await startLoopbackLlm({ tokenDelayMs: 2 });
    gateway = await startTestGateway({
      chatModel: createOpenAiChatModel({ baseUrl: llm.baseUrl }),
      knowledge: handbook,
      models: [{ id: 'loopback-echo', owned_by: 'homelab-ai', created: 1_780_000_000 }],
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
  });
  after(async () => {
    await gateway.close();
    await llm.close();
  });

  it('lists the platform models', async () => {
    const page = await client.models.list();
    assert.deepEqual(page.data, [
      { id: 'loopback-echo', object: 'model', created: 1_780_000_000, owned_by: 'homelab-ai' },
    ]);
  });

  it('answers a plain completion with the model answer, usage and finish_reason stop', async () => {
    const completion = await client.chat.completions.create({
      model: 'loopback-echo',
      messages: [{ role: 'user', content: 'hello there friend' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, 'loopback-echo');
    const [choice] = completion.choices;
    assert.equal(choice?.message.role, 'assistant');
    assert.equal(choice?.message.content, loopbackAnswer(llm));
    assert.match(choice?.message.content ?? '', /hello there friend/);
    assert.equal(choice?.finish_reason, 'stop');
    assert.ok((completion.usage?.completion_tokens ?? 0) > 0);
    assert.equal(
      completion.usage?.total_tokens,
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('streams the deltas the LLM produced, then stop, usage and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'loopback-echo',
      messages: [{ role: 'user', content: 'one two three four five' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    const finishes: (string | null)[] = [];
    let usageTokens = 0;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice) finishes.push(choice.finish_reason);
      if (chunk.usage) usageTokens = chunk.usage.total_tokens;
    }
    assert.ok(deltas.length >= 5, `streamed token by token (got ${deltas.length} deltas)`);
    assert.equal(deltas.join(''), loopbackAnswer(llm));
    assert.equal(finishes.at(-1), 'stop');
    assert.ok(usageTokens > 0, 'the usage chunk came');
  });

  it('honours earlier turns without session_id by folding them into the system prompt', async () => {
    await client.chat.completions.create({
      model: 'any-name-works-with-one-model',
      messages: [
        { role: 'system', content: 'Answer like a sailor.' },
        { role: 'user', content: 'My cat is called Mittens.' },
        { role: 'assistant', content: 'Aye, a fine name.' },
        { role: 'user', content: [{ type: 'text', text: 'What is my cat called?' }] },
      ],
    });
    const prompt = llm.requests
      .at(-1)
      ?.messages.map((message) => message.content)
      .join('\n');
    assert.match(prompt ?? '', /Answer like a sailor\./);
    assert.match(
      prompt ?? '',
      /Conversation so far:\nuser: My cat is called Mittens\.\nassistant: Aye, a fine name\./,
    );
    assert.equal(loopbackAnswer(llm), 'echo: What is my cat called?');
  });

  it('with a collection, answers from it and returns the sources, plain and streamed', async () => {
    // `collection` is this API's extension; the client sends whatever fields it is given.
    const question = {
      model: 'loopback-echo',
      messages: [{ role: 'user' as const, content: 'When is the boiler serviced?' }],
      collection: 'handbook',
    };
    const completion = (await client.chat.completions.create(question)) as OpenAI.ChatCompletion & {
      sources?: { text: string; source: string }[];
    };
    assert.equal(completion.sources?.[0]?.source, 'house.md');
    const prompt = llm.requests
      .at(-1)
      ?.messages.map((message) => message.content)
      .join('\n');
    assert.match(prompt ?? '', /serviced every March/, 'the passage reached the model');

    const stream = await client.chat.completions.create({ ...question, stream: true as const });
    let streamedSources: unknown;
    for await (const chunk of stream) {
      const withSources = chunk as typeof chunk & { sources?: unknown };
      if (withSources.sources) streamedSources = withSources.sources;
    }
    assert.deepEqual(streamedSources, completion.sources);
  });

  it('with session_id, leaves the history to the session and does not fold it in', async () => {
    const question = {
      model: 'loopback-echo',
      messages: [
        { role: 'user' as const, content: 'My cat is called Mittens.' },
        { role: 'assistant' as const, content: 'A fine name.' },
        { role: 'user' as const, content: 'What is my cat called?' },
      ],
      session_id: 'my-script-session-1',
    };
    await client.chat.completions.create(question);
    const prompt = llm.requests
      .at(-1)
      ?.messages.map((message) => message.content)
      .join('\n');
    assert.doesNotMatch(prompt ?? '', /Conversation so far/);
    assert.equal(loopbackAnswer(llm), 'echo: What is my cat called?');
  });

  it('stops the turn when the client aborts the stream: a cancel goes on the bus', async () => {
    const listener = await listenForCancels(gateway.bus);
    const abortedBefore = llm.aborted;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'loopback-echo', messages: [{ role: 'user', content: manyWords }], stream: true },
      { signal: controller.signal },
    );
    let completionId = '';
    // The client ends the iteration quietly when its signal aborts.
    for await (const chunk of stream) {
      completionId = chunk.id;
      if (chunk.choices[0]?.delta.content) controller.abort();
    }
    const requestId = completionId.replace(/^chatcmpl-/, '');
    const cancel = await eventually(() => listener.cancels[0], 'a cancel on ai.chat.cancel.*');
    assert.deepEqual(cancel, { subject: `ai.chat.cancel.${requestId}`, requestId });
    await eventually(
      () => (llm.aborted > abortedBefore ? true : undefined),
      'the chat handler aborting its LLM call',
    );
    await listener.stop();
  });

  it('stops the turn when a plain (not streamed) request is aborted', async () => {
    const listener = await listenForCancels(gateway.bus);
    const abortedBefore = llm.aborted;
    const requestsBefore = llm.requests.length;
    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'loopback-echo', messages: [{ role: 'user', content: manyWords }] },
      { signal: controller.signal },
    );
    await eventually(
      () => (llm.requests.length > requestsBefore ? true : undefined),
      'the LLM receiving the prompt',
    );
    controller.abort();
    await assert.rejects(pending, OpenAI.APIUserAbortError);
    const cancel = await eventually(() => listener.cancels[0], 'a cancel on ai.chat.cancel.*');
    assert.match(cancel.subject, /^ai\.chat\.cancel\./);
    await eventually(
      () => (llm.aborted > abortedBefore ? true : undefined),
      'the chat handler aborting its LLM call',
    );
    await listener.stop();
  });
});
