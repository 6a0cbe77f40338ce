/**
 * A turn the chat handler starts again after a crash (`{type: 'error', done: false}` on the
 * stream, then the answer from its beginning): an OpenAI client gets the answer once, not the
 * interrupted part followed by the whole answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  subjects,
  unixSeconds,
  type ChatStreamEvent,
} from '@homelab-ai/contracts';
import OpenAI from 'openai';
import { TEST_TOKEN, startTestGateway, type TestGateway } from './openai-test-gateway.js';

/** A chat handler that crashes once mid-answer and starts again, played on the bus. */
async function playRestartingHandler(gateway: TestGateway, first: string, second: string) {
  return gateway.bus.subscribe('ai.chat.user.*.message', (message) => {
    const request = decodeMessage(message.data) as { request_id: string; user_id: string };
    const id = request.request_id;
    const stream = (type: ChatStreamEvent['type'], content: string, done = false) =>
      gateway.bus.publish(
        subjects.chatStream(id),
        encodeMessage({ request_id: id, type, content, done, timestamp: unixSeconds() }),
      );
    void (async () => {
      for (const word of first.split(/(?<= )/)) await stream('chunk', word);
      await stream('error', 'The answer was interrupted; it restarts from the beginning.');
      for (const word of second.split(/(?<= )/)) await stream('chunk', word);
      await stream('done', '', true);
      await gateway.bus.publish(
        subjects.chatResponse(id),
        encodeMessage({
          request_id: id,
          user_id: request.user_id,
          response: second,
          success: true,
          used_rag: false,
          rag_sources: [],
        }),
      );
    })();
  });
}

const ask = { model: 'loopback-echo', messages: [{ role: 'user' as const, content: 'hi' }] };

/** The answer as a streaming client puts it together. */
async function streamedAnswer(client: OpenAI): Promise<string> {
  let text = '';
  for await (const chunk of await client.chat.completions.create({ ...ask, stream: true })) {
    text += chunk.choices[0]?.delta.content ?? '';
  }
  return text;
}

describe('OpenAI-compatible API, a turn started again', () => {
  let gateway: TestGateway;
  let client: OpenAI;
  before(async () => {
    gateway = await startTestGateway({ firstEventTimeoutMs: 5_000 });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
  });
  after(() => gateway.close());

  /** The plain and the streamed answer while a handler starts each turn over once. */
  async function answersWhileRestarting(partial: string, final: string) {
    const handler = await playRestartingHandler(gateway, partial, final);
    try {
      const plain = await client.chat.completions.create(ask);
      return { plain: plain.choices[0]?.message.content, streamed: await streamedAnswer(client) };
    } finally {
      await handler.unsubscribe();
    }
  }

  it('answers once, plain and streamed, when the answer comes out the same', async () => {
    const { plain, streamed } = await answersWhileRestarting(
      'The falcon ',
      'The falcon dives fast.',
    );
    assert.equal(plain, 'The falcon dives fast.');
    assert.equal(streamed, 'The falcon dives fast.');
  });

  it('says the answer started again when it comes out different', async () => {
    const { plain, streamed } = await answersWhileRestarting('Hawks are ', 'Falcons dive.');
    assert.equal(plain, 'Falcons dive.');
    assert.match(streamed, /^Hawks are \n\n_\(The answer was interrupted and started again\.\)_/);
    assert.ok(streamed.endsWith('Falcons dive.'));
  });
});
