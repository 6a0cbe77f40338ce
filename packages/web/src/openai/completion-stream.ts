/**
 * Turns the events of a bus turn into OpenAI's answer: one `chat.completion`, or a stream of
 * `chat.completion.chunk`s as server-sent events ending with `data: [DONE]`. `max_tokens` is
 * enforced here, on the estimated count: the turn is stopped and `finish_reason` is `length`.
 */
import type { RagSource } from '@homelab-ai/contracts';
import type { BusTurn, TurnEvent } from './bus-turn.js';
import {
  chunkObject,
  completionObject,
  usageChunkObject,
  usageOf,
  type CompletionIdentity,
  type FinishReason,
} from './completion-response.js';
import { toOpenAiError } from './openai-errors.js';

export interface CompletionPlan {
  identity: CompletionIdentity;
  /** The text the model is prompted with, for the usage estimate. */
  prompt: string;
  maxTokens: number | undefined;
  includeUsage: boolean;
}

/** Cuts the answer at `maxTokens` estimated tokens (four characters each). */
class AnswerLimit {
  text = '';
  reached = false;
  private readonly maxChars: number;

  constructor(maxTokens: number | undefined) {
    this.maxChars = maxTokens === undefined ? Number.POSITIVE_INFINITY : maxTokens * 4;
  }

  take(delta: string): string {
    const room = this.maxChars - this.text.length;
    const taken = delta.length > room ? delta.slice(0, room) : delta;
    if (delta.length >= room) this.reached = true;
    this.text += taken;
    return taken;
  }
}

/**
 * A streamed answer after a restart: the client keeps what it was sent, so the start of the
 * answer it has seen already is not sent again. An answer that comes out different this time is
 * sent after a line saying that it started again.
 */
class AfterRestart {
  private text = '';
  private passing = false;

  constructor(private readonly seen: string) {}

  next(delta: string): string {
    if (this.passing) return delta;
    this.text += delta;
    if (this.seen.startsWith(this.text)) return '';
    this.passing = true;
    if (this.text.startsWith(this.seen)) return this.text.slice(this.seen.length);
    return `\n\n_(The answer was interrupted and started again.)_\n\n${this.text}`;
  }
}

function sourcesOf(event: TurnEvent): RagSource[] | undefined {
  return event.kind === 'turn-finished' && event.response.used_rag
    ? event.response.rag_sources
    : undefined;
}

/** Waits for the whole answer; a failed turn throws its PlatformError. */
export async function collectCompletion(turn: BusTurn, plan: CompletionPlan) {
  let limit = new AnswerLimit(plan.maxTokens);
  let sources: RagSource[] | undefined;
  for await (const event of turn.events()) {
    if (event.kind === 'turn-failed') throw event.error;
    if (event.kind === 'turn-finished') {
      sources = sourcesOf(event);
      break;
    }
    if (event.kind === 'restart') {
      limit = new AnswerLimit(plan.maxTokens);
      continue;
    }
    limit.take(event.content);
    if (limit.reached) {
      await turn.cancel('max_tokens reached');
      break;
    }
  }
  const finish: FinishReason = limit.reached ? 'length' : 'stop';
  const usage = usageOf(plan.prompt, limit.text);
  return completionObject(plan.identity, limit.text, finish, usage, sources);
}

const frame = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/**
 * The SSE frames of a streamed answer, starting from its first event (already awaited, so that
 * a turn failing at once is answered with an HTTP error status instead of a stream).
 */
export async function* completionFrames(
  turn: BusTurn,
  first: TurnEvent,
  rest: AsyncIterable<TurnEvent>,
  plan: CompletionPlan,
): AsyncGenerator<string> {
  const { identity } = plan;
  const usageField = plan.includeUsage ? { usage: null } : {};
  const limit = new AnswerLimit(plan.maxTokens);
  let sources: RagSource[] | undefined;
  let restarted: AfterRestart | undefined;
  yield frame(chunkObject(identity, { role: 'assistant', content: '' }, null, usageField));
  for await (const event of startingWith(first, rest)) {
    if (event.kind === 'turn-failed') {
      // OpenAI's clients raise an APIError for an `error` object in the stream.
      yield frame(toOpenAiError(event.error).body);
      return;
    }
    if (event.kind === 'turn-finished') {
      sources = sourcesOf(event);
      break;
    }
    if (event.kind === 'restart') {
      restarted = new AfterRestart(limit.text);
      continue;
    }
    const content = limit.take(restarted ? restarted.next(event.content) : event.content);
    if (content) yield frame(chunkObject(identity, { content }, null, usageField));
    if (limit.reached) {
      await turn.cancel('max_tokens reached');
      break;
    }
  }
  const finish: FinishReason = limit.reached ? 'length' : 'stop';
  yield frame(
    chunkObject(identity, {}, finish, { ...usageField, ...(sources ? { sources } : {}) }),
  );
  if (plan.includeUsage) yield frame(usageChunkObject(identity, usageOf(plan.prompt, limit.text)));
  yield 'data: [DONE]\n\n';
}

async function* startingWith<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}

/** A `text/event-stream` response over the frames; a client going away stops the turn. */
export function sseResponse(turn: BusTurn, frames: AsyncGenerator<string>): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await frames.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    cancel: () => turn.cancel(),
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    },
  });
}
