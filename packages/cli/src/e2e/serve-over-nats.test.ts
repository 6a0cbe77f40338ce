/**
 * The chat handler as its own process (`homelab-ai serve chat-handler`) over a real nats-server,
 * driven by a plain nats.js + MessagePack client as any original-platform client would.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decode, encode } from '@msgpack/msgpack';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  eventually,
  startLoopbackLlm,
  startNatsServer,
  type LoopbackLlm,
  type NatsServerHandle,
} from '@homelab-ai/testkit';
import { spawnCli, type CliProcess } from '../testing/spawn-cli.js';

interface StreamEvent {
  type: string;
  content: string;
}

function watchTurn(nc: NatsConnection, requestId: string) {
  const events: StreamEvent[] = [];
  const finals: Record<string, unknown>[] = [];
  const streamSub = nc.subscribe(`ai.chat.response.stream.${requestId}`, {
    callback: (_error, message) => void events.push(decode(message.data) as StreamEvent),
  });
  const finalSub = nc.subscribe(`ai.chat.response.${requestId}`, {
    callback: (_error, message) =>
      void finals.push(decode(message.data) as Record<string, unknown>),
  });
  return {
    events,
    finals,
    firstChunk: () =>
      // The first turn of a fresh process also waits for its embedded database to open.
      eventually(() => events.find((event) => event.type === 'chunk'), 'a first chunk', 30_000),
    final: (timeoutMs = 45_000) =>
      eventually(() => finals[0], `final response of ${requestId}`, timeoutMs),
    close: () => {
      streamSub.unsubscribe();
      finalSub.unsubscribe();
    },
  };
}

describe('homelab-ai serve chat-handler over real NATS', () => {
  let nats: NatsServerHandle;
  let llm: LoopbackLlm;
  let nc: NatsConnection;
  const processes: CliProcess[] = [];

  async function startHandler(extraEnv: Record<string, string> = {}): Promise<CliProcess> {
    const handler = spawnCli(['serve', 'chat-handler'], {
      NATS_URL: nats.url,
      LLM_BASE_URL: llm.baseUrl,
      PORT: '0',
      BUS_ACK_WAIT_MS: '1000',
      BUS_MAX_DELIVER: '4',
      ...extraEnv,
    });
    processes.push(handler);
    await handler.waitFor(/chat-handler running/);
    return handler;
  }

  before(async () => {
    nats = await startNatsServer();
    llm = await startLoopbackLlm({ tokenDelayMs: 40 });
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await Promise.all(processes.map((process) => process.kill('SIGKILL')));
    await nc.close();
    await llm.close();
    await nats.stop();
  });

  it('answers a MessagePack message published by another process, streaming it back', async () => {
    const handler = await startHandler();
    const requestId = randomUUID();
    const turn = watchTurn(nc, requestId);
    nc.publish(
      'ai.chat.user.bob.message',
      encode({
        request_id: requestId,
        user_id: 'bob',
        message: 'one two three',
        enable_streaming: true,
      }),
    );
    const final = await turn.final();
    assert.equal(final.success, true);
    assert.equal(final.response, 'echo: one two three');
    assert.equal(final.user_id, 'bob');
    assert.ok(turn.events.filter((event) => event.type === 'chunk').length >= 3);
    assert.equal(turn.events.at(-1)?.type, 'done');
    turn.close();
    await handler.kill();
  });

  it('redelivers the turn of a handler killed mid-answer and answers it once', async () => {
    const first = await startHandler();
    const requestId = randomUUID();
    const turn = watchTurn(nc, requestId);
    const message = 'a b c d e f g h i j k l m n o p';
    nc.publish('ai.chat.user.carol.message', encode({ request_id: requestId, message }));
    await turn.firstChunk();
    await first.kill('SIGKILL');
    const requestsBefore = llm.requests.length;
    await startHandler();
    const final = await turn.final();
    assert.equal(final.success, true);
    assert.equal(final.response, `echo: ${message}`);
    assert.ok(llm.requests.length > requestsBefore, 'the second process ran the turn again');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(turn.finals.length, 1, 'answered once');
    turn.close();
  });

  it('finishes the turn in flight on SIGTERM, then exits cleanly', async () => {
    await Promise.all(processes.map((process) => process.kill('SIGKILL')));
    const handler = await startHandler();
    const requestId = randomUUID();
    const turn = watchTurn(nc, requestId);
    nc.publish(
      'ai.chat.user.dave.message',
      encode({ request_id: requestId, message: 'please finish this sentence for me' }),
    );
    await turn.firstChunk();
    const exit = handler.kill('SIGTERM');
    const final = await turn.final();
    assert.equal(final.success, true);
    assert.equal(final.response, 'echo: please finish this sentence for me');
    assert.deepEqual(await exit, { code: 0, signal: null });
    turn.close();
  });
});
