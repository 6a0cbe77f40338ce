/**
 * The chat handler: a durable consumer of `ai.chat.user.*.message` (stream COMPANIONS_CHAT,
 * replicas share the durable) that answers each turn once (see chat-turn.ts), streaming on
 * `ai.chat.response.stream.{request_id}` and publishing the final response on
 * `ai.chat.response.{request_id}` (or the request's `response_subject`). Every replica listens to
 * `ai.chat.cancel.*` to stop the turns it runs, and greets users on login (greeting-handler.ts).
 */
import {
  STREAMS,
  chatRequestSchema,
  subjectPatterns,
  subjects,
  toPlatformError,
  userIdFromSubject,
} from '@homelab-ai/contracts';
import type { Delivery } from '@homelab-ai/bus';
import type { ChatModel, Synthesizer } from '@homelab-ai/models';
import { spanHeaders, spanIds, withSpan } from '@homelab-ai/observability';
import type {
  ConsumerSettings,
  HandlerContext,
  RunningHandler,
} from '../shared/handler-context.js';
import { whileWorking } from '../shared/heartbeat.js';
import { receive } from '../shared/receive.js';
import { RecentIds } from '../shared/recent-ids.js';
import { ChatCancels } from './chat-cancels.js';
import type { ChatKnowledge, ChatMemory } from './chat-ports.js';
import { ChatPublisher } from './chat-publisher.js';
import { runChatTurn, willRetry } from './chat-turn.js';
import { startGreetings } from './greeting-handler.js';

export interface ChatHandlerSettings extends ConsumerSettings {
  /** Most tokens of one answer. */
  maxTokens: number;
  /** The model's context window in tokens (LLM_CONTEXT_SIZE); history is trimmed to fit. */
  contextTokens?: number;
  /** Durable consumer name; replicas share it to share the work. */
  durable?: string;
  /** Durable consumer name for login events (greetings). */
  loginDurable?: string;
}

export interface ChatHandlerDependencies extends HandlerContext {
  chatModel: ChatModel;
  settings: ChatHandlerSettings;
  /** Sessions, history and stored messages; without it turns are stateless. */
  memory?: ChatMemory | undefined;
  /** Document search for RAG; without it a RAG request gets a notice. */
  knowledge?: ChatKnowledge | undefined;
  /** Speaks answers for `enable_tts`. */
  synthesizer?: Synthesizer | undefined;
}

export async function startChatHandler(
  dependencies: ChatHandlerDependencies,
): Promise<RunningHandler> {
  const { bus, logger, metrics, chatModel, settings } = dependencies;
  const answered = new RecentIds();
  /** Turns running in this process: a redelivery of one waits for it instead of acking early. */
  const inFlight = new Map<string, Promise<void>>();
  const cancels = new ChatCancels();

  const handle = async (delivery: Delivery): Promise<void> => {
    const request = await receive(
      dependencies,
      delivery,
      chatRequestSchema,
      'chat message',
      (hint) =>
        hint.requestId
          ? [
              hint.responseSubject ?? subjects.chatResponse(hint.requestId),
              subjects.chatStream(hint.requestId),
            ]
          : hint.responseSubject
            ? [hint.responseSubject]
            : [],
    );
    const requestId = request.request_id;
    const turnFields = { request_id: requestId, delivery: delivery.deliveryCount };
    if (answered.has(requestId)) {
      logger.info(turnFields, 'duplicate delivery of an answered request ignored');
      return;
    }
    const running = inFlight.get(requestId);
    if (running) {
      // The bus redelivered a turn still running here (its heartbeat was late, e.g. while the
      // event loop was busy): settle this copy as the running one ends, so that a crash before
      // then still leaves the message to be redelivered.
      logger.info(turnFields, 'redelivery of a turn in progress; waiting for it');
      await whileWorking(delivery, settings.ackWaitMs, () => running);
      return;
    }
    const userId = userIdFromSubject(delivery.subject) ?? request.user_id ?? 'anonymous';

    const turnDone = withSpan(
      'chat.turn',
      { request_id: requestId, user_id: userId },
      async (span) => {
        const signal = cancels.begin(requestId);
        const publisher = new ChatPublisher(bus, request, userId, spanHeaders(span));
        const spanLogger = logger.child({ ...turnFields, ...spanIds(span) });
        const startedAt = performance.now();
        const turn = {
          dependencies,
          delivery,
          request,
          userId,
          publisher,
          signal,
          logger: spanLogger,
        };
        try {
          const outcome = await whileWorking(delivery, settings.ackWaitMs, () => runChatTurn(turn));
          answered.add(requestId);
          metrics?.chatTurns.inc({ outcome });
          spanLogger.info({ outcome, ms: Math.round(performance.now() - startedAt) }, 'chat turn');
        } catch (thrown) {
          const error = toPlatformError(thrown, 'internal');
          if (willRetry(turn, error)) {
            metrics?.chatTurns.inc({ outcome: 'retried' });
            spanLogger.warn({ err: error }, 'chat turn failed; it will be retried');
            throw error;
          }
          // Failures before the model ran (memory, search) are told here.
          if (!publisher.finished) await publisher.failed(error, '').catch(() => undefined);
          answered.add(requestId);
          metrics?.chatTurns.inc({ outcome: error.code });
          spanLogger.warn({ err: error }, 'chat turn failed; the user was told');
          throw error;
        } finally {
          inFlight.delete(requestId);
          cancels.end(requestId);
          metrics?.chatTurnDuration.observe((performance.now() - startedAt) / 1000);
        }
      },
      delivery.headers,
    );
    inFlight.set(requestId, turnDone);
    await turnDone;
  };

  const cancelSubscription = await cancels.listen(bus);
  const consumer = await bus.consume(
    {
      stream: STREAMS.companionsChat.name,
      durable: settings.durable ?? 'chat-handler',
      filterSubjects: [subjectPatterns.chatMessages],
      ackWaitMs: settings.ackWaitMs,
      maxDeliver: settings.maxDeliver,
      concurrency: settings.concurrency,
    },
    handle,
  );
  const greetings = await startGreetings(dependencies);
  logger.info({ model: chatModel.adapter }, 'chat handler consuming ai.chat.user.*.message');
  return {
    name: 'chat-handler',
    stop: async (graceMs) => {
      await Promise.all([consumer.stop(graceMs), greetings.stop(graceMs)]);
      await cancelSubscription.unsubscribe();
    },
  };
}
