/**
 * The chat model's connections to the LLM server: a kept-alive connection the server has closed
 * meanwhile is not a failed turn, and a server that never answers is a timeout.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { createOpenAiChatModel } from './openai-chat-model.js';

const generation = { messages: [{ role: 'user' as const, content: 'hi' }], maxTokens: 8 };

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

async function answer(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const part of stream) text += part;
  return text;
}

describe('OpenAI-compatible ChatModel connections', () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) server.close();
  });

  it('sends again on a new connection when the server closed the kept-alive one', async () => {
    let answered = 0;
    let dropped = 0;
    const served = new WeakSet<object>();
    const server = createServer((request, response) => {
      // A request on a connection that already served one is dropped unread, once: as a server
      // does whose idle timeout fired just as the connection was reused.
      if (served.has(request.socket) && dropped === 0) {
        dropped += 1;
        request.socket.destroy();
        return;
      }
      served.add(request.socket);
      answered += 1;
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { choices: [{ delta: { content: `answer ${answered}` } }] };
      response.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
    });
    servers.push(server);
    const model = createOpenAiChatModel({ baseUrl: await listen(server), model: 'm' });
    assert.equal(await answer(model.stream(generation)), 'answer 1');
    await new Promise((resolve) => setTimeout(resolve, 100)); // the connection idles in the pool
    assert.equal(await answer(model.stream(generation)), 'answer 2');
    assert.equal(dropped, 1, 'the second turn went out on the kept-alive connection first');
  });

  it('gives up on a server that does not answer in time, as a timeout', async () => {
    const server = createServer(() => undefined);
    servers.push(server);
    const model = createOpenAiChatModel({
      baseUrl: await listen(server),
      model: 'm',
      timeoutMs: 300,
    });
    await assert.rejects(answer(model.stream(generation)), (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'timeout');
      assert.match(error.message, /did not finish within 300 ms/);
      return true;
    });
  });
});
