/**
 * The chat handler: a durable consumer of `ai.chat.user.*.message` (stream COMPANIONS_CHAT)
 * that streams the model's answer on `ai.chat.response.stream.{request_id}` and publishes the
 * final response on `ai.chat.response.{request_id}` (or the request's `response_subject`).
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
import type { ChatModel } from '@homelab-ai/models';
import { injectTraceContext, withSpan } from '@homelab-ai/observability';
import type {
  ConsumerSettings,
  HandlerContext,
  RunningHandler,
} from '../shared/handler-context.js';
import { whileWorking } from '../shared/heartbeat.js';
import { receive } from '../shared/receive.js';
import { RecentIds } from '../shared/recent-ids.js';
import { ChatPublisher } from './chat-publisher.js';
import { buildChatPrompt } from './chat-prompt.js';

export interface ChatHandlerSettings extends ConsumerSettings {
  maxTokens: number;
  /** Durable consumer name; replicas share it to share the work. */
  durable?: string;
}

export interface ChatHandlerDependencies extends HandlerContext {
  chatModel: ChatModel;
  settings: ChatHandlerSettings;
}

export async function startChatHandler(
  dependencies: ChatHandlerDependencies,
): Promise<RunningHandler> {
  const { bus, logger, metrics, chatModel, settings } = dependencies;
  const answered = new RecentIds();
  const inFlight = new Set<string>();

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
    const turnLogger = logger.child({ request_id: requestId, delivery: delivery.deliveryCount });
    if (answered.has(requestId) || inFlight.has(requestId)) {
      turnLogger.info('duplicate delivery of an answered request ignored');
      return;
    }
    const userId = userIdFromSubject(delivery.subject) ?? request.user_id ?? 'anonymous';

    await withSpan(
      'chat.turn',
      { request_id: requestId, user_id: userId },
      async () => {
        inFlight.add(requestId);
        const publisher = new ChatPublisher(bus, request, userId, injectTraceContext({}));
        const startedAt = performance.now();
        let answer = '';
        try {
          await whileWorking(delivery, settings.ackWaitMs, async () => {
            let first = true;
            for await (const delta of chatModel.stream({
              messages: buildChatPrompt(request),
              maxTokens: settings.maxTokens,
            })) {
              if (first) {
                metrics?.chatTimeToFirstToken.observe((performance.now() - startedAt) / 1000);
                first = false;
              }
              answer += delta;
              await publisher.chunk(delta);
            }
            await publisher.done(answer);
          });
          answered.add(requestId);
          metrics?.chatTurns.inc({ outcome: 'answered' });
          turnLogger.info(
            { chars: answer.length, ms: Math.round(performance.now() - startedAt) },
            'chat turn answered',
          );
        } catch (thrown) {
          const error = toPlatformError(thrown, 'model_error');
          const willRetry = error.retryable && delivery.deliveryCount < settings.maxDeliver;
          if (willRetry) {
            metrics?.chatTurns.inc({ outcome: 'retried' });
            turnLogger.warn({ err: error }, 'chat turn failed; it will be retried');
            throw error;
          }
          await publisher.failed(error, answer);
          answered.add(requestId);
          metrics?.chatTurns.inc({ outcome: error.code });
          turnLogger.warn({ err: error }, 'chat turn failed; the user was told');
          // A missing model is a state the user was told how to fix, not a broken message.
          if (error.code !== 'model_not_configured') throw error;
        } finally {
          inFlight.delete(requestId);
          metrics?.chatTurnDuration.observe((performance.now() - startedAt) / 1000);
        }
      },
      delivery.headers,
    );
  };

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
  logger.info({ model: chatModel.adapter }, 'chat handler consuming ai.chat.user.*.message');
  return { name: 'chat-handler', stop: (graceMs) => consumer.stop(graceMs) };
}
