/**
 * Hundreds of malformed or schema-invalid messages on every handler subject: each gets an error
 * reply (when it tells where to answer) or goes to the dead-letter subject, and the handlers keep
 * answering valid messages. Run over the embedded bus and real NATS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ALL_STREAMS,
  decodeMessage,
  encodeMessage,
  subjects,
  type PipelineStatus,
} from '@homelab-ai/contracts';
import { createMemoryBus, createNatsBus, type Bus } from '@homelab-ai/bus';
import { createOpenAiChatModel } from '@homelab-ai/models';
import { createSilentLogger } from '@homelab-ai/observability';
import {
  eventually,
  startLoopbackLlm,
  startNatsServer,
  type LoopbackLlm,
  type NatsServerHandle,
} from '@homelab-ai/testkit';
import { startChatHandler } from './chat/chat-handler.js';
import { startPipelineBridge } from './pipeline/pipeline-bridge.js';
import type { RunningHandler } from './shared/handler-context.js';
import { listenToTurn } from './testing/turn-listener.js';
import { malformedPayloads } from './testing/malformed.js';
import { startVoiceAssistant } from './voice/voice-assistant.js';

const PER_SUBJECT = 150;
const settings = { ackWaitMs: 5_000, maxDeliver: 3, concurrency: 8 };

const targets = [
  {
    subject: subjects.chatMessage('mallory'),
    reply: (id: string) => subjects.chatResponse(id),
    valid: {
      request_id: 'x',
      message: 'hi',
      top_k: 5,
      enable_rag: false,
      session_id: 's1',
      username: 'M',
    },
  },
  {
    subject: subjects.voiceRequest(),
    reply: (id: string) => subjects.voiceResponse(id),
    valid: { request_id: 'x', audio: new Uint8Array([1, 2, 3]), format: 'wav', sample_rate: 16000 },
  },
  {
    subject: subjects.voiceUserRequest('mallory'),
    reply: (id: string) => subjects.voiceResponse(id),
    valid: { request_id: 'x', audio: new Uint8Array([1, 2, 3]), language: 'en' },
  },
  {
    subject: subjects.pipelineTrigger(),
    reply: (id: string) => subjects.pipelineStatus(id),
    valid: {
      request_id: 'x',
      pipeline: 'document-ingestion',
      parameters: { 'source-url': 's3://b/k' },
    },
  },
];

function runRobustnessSuite(
  name: string,
  createBus: () => Promise<Bus>,
  teardown: () => Promise<void>,
) {
  describe(`handlers under malformed input over ${name}`, () => {
    let bus: Bus;
    let llm: LoopbackLlm;
    const handlers: RunningHandler[] = [];
    before(async () => {
      bus = await createBus();
      await bus.ensureStreams(ALL_STREAMS);
      llm = await startLoopbackLlm();
      const context = { bus, logger: createSilentLogger(), settings };
      handlers.push(
        await startChatHandler({
          ...context,
          chatModel: createOpenAiChatModel({ baseUrl: llm.baseUrl }),
          settings: { ...settings, maxTokens: 64 },
        }),
        await startVoiceAssistant(context),
        await startPipelineBridge(context),
      );
    });
    after(async () => {
      await Promise.all(handlers.map((handler) => handler.stop(1_000)));
      await bus.close();
      await llm.close();
      await teardown();
    });

    it(`answers or dead-letters ${PER_SUBJECT} bad messages per subject and keeps serving`, async () => {
      const deadLetters: string[] = [];
      await bus.subscribe('ai.deadletter.>', (message) => {
        const letter = decodeMessage(message.data) as {
          original_subject: string;
          stream_sequence: number;
        };
        deadLetters.push(`${letter.original_subject}#${letter.stream_sequence}`);
      });
      const errorReplies = new Map<string, Record<string, unknown>>();
      await bus.subscribe('ai.>', (message) => {
        if (message.subject.startsWith('ai.deadletter.')) return;
        const decoded = decodeMessage(message.data) as Record<string, unknown>;
        if (decoded.error === true) errorReplies.set(message.subject, decoded);
      });

      let expectedReplies = 0;
      for (const [index, target] of targets.entries()) {
        for (const bad of malformedPayloads(target.valid, PER_SUBJECT, index + 1)) {
          await bus.publish(target.subject, bad.bytes, { persist: true });
          if (bad.replyRequestId) expectedReplies++;
        }
      }
      const total = PER_SUBJECT * targets.length;
      await eventually(
        () => (deadLetters.length >= total ? true : undefined),
        `${total} dead letters`,
        30_000,
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}; got ${deadLetters.length}: ${[...new Set(deadLetters)].join(' ')}`,
        );
      });
      assert.equal(deadLetters.length, total, 'as many dead letters as bad messages');
      assert.equal(new Set(deadLetters).size, total, 'each bad message dead-lettered once');
      await eventually(
        () => (errorReplies.size >= expectedReplies ? true : undefined),
        `${expectedReplies} error replies`,
        10_000,
      );
      for (const reply of errorReplies.values()) {
        assert.equal(typeof reply.message, 'string');
        assert.equal(reply.type, 'invalid_message');
        assert.match(String(reply.message), /invalid .*: \S+/, 'names the field');
      }

      // Still serving: a valid chat turn and a valid pipeline trigger are answered.
      const turn = await listenToTurn(bus, 'good-turn-1');
      await bus.publish(
        subjects.chatMessage('mallory'),
        encodeMessage({ request_id: 'good-turn-1', message: 'still there?' }),
        { persist: true },
      );
      assert.equal((await turn.final()).response, 'echo: still there?');
      await turn.close();

      const statuses: PipelineStatus[] = [];
      await bus.subscribe(
        subjects.pipelineStatus('good-trigger-1'),
        (message) => void statuses.push(decodeMessage(message.data) as PipelineStatus),
      );
      await bus.publish(
        subjects.pipelineTrigger(),
        encodeMessage({
          request_id: 'good-trigger-1',
          pipeline: 'no-such-pipeline',
          parameters: {},
        }),
        { persist: true },
      );
      const [status] = await eventually(
        () => (statuses.length ? statuses : undefined),
        'pipeline status',
      );
      assert.equal(status?.status, 'error');
      assert.match(String(status?.error), /unknown pipeline .*document-ingestion/);
    });
  });
}

let nats: NatsServerHandle;
runRobustnessSuite(
  'the embedded bus',
  () => Promise.resolve(createMemoryBus()),
  () => Promise.resolve(),
);
runRobustnessSuite(
  'real NATS',
  async () => {
    nats = await startNatsServer();
    return createNatsBus({ url: nats.url });
  },
  () => nats.stop(),
);
