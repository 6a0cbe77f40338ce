/**
 * One chat turn, from a validated request to the final response: owner and session, a stored
 * answer re-sent on redelivery, history, retrieval, the prompt, the streamed answer (stoppable),
 * persistence, optional speech, and the answers for a stop, a missing model or a failure.
 */
import {
  PlatformError,
  toPlatformError,
  type ChatRequest,
  type RagSource,
} from '@homelab-ai/contracts';
import type { Delivery } from '@homelab-ai/bus';
import type { Logger } from '@homelab-ai/observability';
import type { ChatHandlerDependencies } from './chat-handler.js';
import type { ChatPublisher } from './chat-publisher.js';
import type { CompanionPersona, HistoryMessage, TurnScope } from './chat-ports.js';
import { buildChatPrompt } from './chat-prompt.js';
import { answerWithoutModel, noticeLines, retrieveForTurn } from './chat-retrieval.js';
import { speakAnswer } from './chat-speech.js';
import { ChunkBatcher } from './chunk-batcher.js';

export interface ChatTurn {
  dependencies: ChatHandlerDependencies;
  delivery: Delivery;
  request: ChatRequest;
  userId: string;
  publisher: ChatPublisher;
  /** Aborted when the user stops the turn. */
  signal: AbortSignal;
  logger: Logger;
}

export type TurnOutcome = 'answered' | 'replayed' | 'cancelled' | 'model_not_configured';

/** Regenerating: the history before the question being answered again. */
function historyBeforeQuestion(history: HistoryMessage[], regenerate: boolean): HistoryMessage[] {
  if (!regenerate) return history;
  let end = history.length;
  while (end > 0 && history[end - 1]?.role === 'assistant') end--;
  if (end > 0 && history[end - 1]?.role === 'user') end--;
  return history.slice(0, end);
}

async function scopeOf(turn: ChatTurn): Promise<TurnScope | undefined> {
  const { memory } = turn.dependencies;
  const { request } = turn;
  return memory?.resolve({
    userId: turn.userId,
    username: request.username,
    sessionId: request.session_id,
    companionId: request.companion_id,
  });
}

async function companionOf(
  turn: ChatTurn,
  scope: TurnScope | undefined,
): Promise<CompanionPersona | undefined> {
  const companionId = turn.request.companion_id ?? scope?.companionId;
  if (!scope || !companionId || !turn.dependencies.memory) return undefined;
  return turn.dependencies.memory.companion(scope.ownerId, companionId);
}

export async function runChatTurn(turn: ChatTurn): Promise<TurnOutcome> {
  const { dependencies, request, publisher, signal, delivery } = turn;
  const { memory, chatModel, settings, metrics } = dependencies;
  const requestId = request.request_id;
  if (request.enable_rag || request.collection !== undefined) {
    dependencies.knowledge?.prefetch?.(request.message);
  }
  const scope = await scopeOf(turn);
  // Everything the prompt needs starts at once.
  const companionLookup = companionOf(turn, scope);
  const historyLookup = scope && memory ? memory.history(scope) : Promise.resolve([]);
  const retrievalLookup = companionLookup.then((found) =>
    retrieveForTurn(dependencies.knowledge, scope?.ownerId ?? turn.userId, request, found),
  );
  // Observed now, so that a failure while a stored answer is replayed is not left unhandled.
  Promise.all([historyLookup, retrievalLookup]).catch(() => undefined);
  // An answer stored before for this request id (a redelivery, or the same request published
  // twice) wins over all that, and the rest is then dropped unused.
  const firstDelivery = delivery.deliveryCount === 1;
  const stored =
    scope && memory ? await memory.storedAnswer(scope, requestId, { firstDelivery }) : undefined;
  if (stored) {
    await publisher.replay(stored.content, stored.sources);
    return 'replayed';
  }
  // A turn started before (a crash, a lost ack) may have streamed part of an answer.
  if (delivery.deliveryCount > 1) await publisher.interrupted();

  const [companion, history, retrieval] = await Promise.all([
    companionLookup,
    historyLookup,
    retrievalLookup,
  ]);
  const sources: RagSource[] = retrieval.sources;
  const record = async (answer: string) => {
    if (!scope || !memory) return;
    await memory.record(scope, {
      requestId,
      question: request.message,
      answer,
      sources,
      regenerate: request.regenerate,
    });
  };

  const preface = noticeLines(retrieval.notices);
  let answer = '';
  const startedAt = performance.now();
  const chunks = new ChunkBatcher((content) => publisher.chunk(content));
  try {
    if (signal.aborted) throw new PlatformError('cancelled', 'stopped before it started');
    const messages = buildChatPrompt({
      message: request.message,
      persona: companion?.systemPrompt || request.system_prompt,
      username: request.username ?? scope?.displayName,
      sources,
      history: historyBeforeQuestion(history, request.regenerate),
      contextTokens: settings.contextTokens,
      maxTokens: settings.maxTokens,
    });
    let first = true;
    for await (const delta of chatModel.stream({
      messages,
      maxTokens: settings.maxTokens,
      signal,
      ...(request.model ? { model: request.model } : {}),
    })) {
      if (first) {
        metrics?.chatTimeToFirstToken.observe((performance.now() - startedAt) / 1000);
        first = false;
        answer += preface + delta;
        chunks.add(preface + delta, true);
        continue;
      }
      answer += delta;
      chunks.add(delta);
    }
    await chunks.flush();
  } catch (thrown) {
    await chunks.flush().catch(() => undefined);
    if (signal.aborted) {
      await record(answer);
      await publisher.cancelled(answer, sources);
      return 'cancelled';
    }
    const error = toPlatformError(thrown, 'model_error');
    if (error.code !== 'model_not_configured') {
      // A retry starts over (the client is told); the last attempt tells the user what failed.
      if (!willRetry(turn, error)) await publisher.failed(error, answer, sources);
      throw error;
    }
    await publisher.failed(
      error,
      answerWithoutModel(sources, retrieval.notices, error.message),
      sources,
    );
    return 'model_not_configured';
  }
  await record(answer);
  const audio = await speech(turn, answer, companion);
  await publisher.done(answer, { sources, audio });
  return 'answered';
}

/** Whether the consumer will deliver the turn again after this error. */
export function willRetry(turn: Pick<ChatTurn, 'delivery' | 'dependencies'>, error: PlatformError) {
  return error.retryable && turn.delivery.deliveryCount < turn.dependencies.settings.maxDeliver;
}

async function speech(
  turn: ChatTurn,
  answer: string,
  companion: CompanionPersona | undefined,
): Promise<Uint8Array | undefined> {
  const { synthesizer } = turn.dependencies;
  if (!turn.request.enable_tts || !synthesizer || synthesizer.adapter === 'none' || !answer) {
    return undefined;
  }
  try {
    return await speakAnswer(synthesizer, answer, companion?.voice);
  } catch (thrown) {
    turn.logger.warn({ err: thrown }, 'the answer could not be spoken; sent as text only');
    return undefined;
  }
}
