/**
 * One chat turn over the bus, as the browser socket runs it: subscribe to the turn's stream and
 * final response first, then publish the request; the events come out in order, ending with
 * the final answer or a failure. A turn nobody picks up fails as `unavailable`.
 */
import {
  ERROR_CODES,
  PlatformError,
  chatResponseSchema,
  chatStreamEventSchema,
  tryDecodeMessage,
  decodeWith,
  encodeMessage,
  subjects,
  toPlatformError,
  type ChatRequestInput,
  type ChatResponse,
  type ErrorCode,
} from '@homelab-ai/contracts';
import type { Bus, BusMessage, Subscription } from '@homelab-ai/bus';
import { injectTraceContext, type Logger } from '@homelab-ai/observability';

export type TurnEvent =
  | { kind: 'text-delta'; content: string }
  /** The handler started the answer again (after a crash): what was streamed is void. */
  | { kind: 'restart' }
  | { kind: 'turn-finished'; response: ChatResponse }
  | { kind: 'turn-failed'; error: PlatformError };

export interface BusTurnSettings {
  bus: Bus;
  logger: Logger;
  firstEventTimeoutMs: number;
  turnTimeoutMs: number;
}

export class BusTurn {
  private readonly queue: TurnEvent[] = [];
  private wake: (() => void) | undefined;
  private readonly subscriptions: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private settled = false;
  private streamed = '';

  private constructor(
    private readonly settings: BusTurnSettings,
    readonly requestId: string,
  ) {}

  /** Subscribes, then publishes the request on the user's chat subject. */
  static async start(
    settings: BusTurnSettings,
    request: ChatRequestInput & { user_id: string },
  ): Promise<BusTurn> {
    const { bus } = settings;
    const userSubject = subjects.chatMessage(request.user_id);
    const turn = new BusTurn(settings, request.request_id);
    turn.subscriptions.push(
      await bus.subscribe(subjects.chatStream(turn.requestId), (message) => turn.onStream(message)),
      await bus.subscribe(subjects.chatResponse(turn.requestId), (message) =>
        turn.onResponse(message),
      ),
    );
    turn.timers.push(
      setTimeout(() => {
        const seconds = Math.round(settings.firstEventTimeoutMs / 1000);
        void turn.stop(
          new PlatformError(
            'unavailable',
            `No chat handler answered within ${seconds} s (on ${userSubject}). Is a chat handler running? See /healthz.`,
          ),
        );
      }, settings.firstEventTimeoutMs),
      setTimeout(() => {
        void turn.stop(new PlatformError('timeout', 'the chat turn took too long and was stopped'));
      }, settings.turnTimeoutMs),
    );
    try {
      await bus.publish(userSubject, encodeMessage(request), {
        persist: true,
        headers: injectTraceContext({}),
      });
    } catch (error) {
      turn.close();
      throw toPlatformError(error, 'unavailable');
    }
    return turn;
  }

  /** The turn's events, in order; the last is `turn-finished` or `turn-failed`. */
  async *events(): AsyncGenerator<TurnEvent> {
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        yield event;
        if (event.kind === 'turn-finished' || event.kind === 'turn-failed') return;
        continue;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Stops a turn still running: the handler is told to abort the LLM call. */
  cancel(reason = 'the client went away'): Promise<void> {
    return this.stop(new PlatformError('cancelled', reason));
  }

  private async stop(error: PlatformError): Promise<void> {
    if (this.settled) return;
    this.fail(error);
    await this.settings.bus
      .publish(subjects.chatCancel(this.requestId), encodeMessage({ request_id: this.requestId }))
      .catch((failure: unknown) => this.settings.logger.warn({ err: failure }, 'cancel not sent'));
  }

  /** Stops listening; safe to call more than once. */
  close(): void {
    this.settled = true;
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    for (const subscription of this.subscriptions.splice(0)) void subscription.unsubscribe();
  }

  private push(event: TurnEvent): void {
    if (this.settled) return;
    clearTimeout(this.timers[0]);
    this.queue.push(event);
    if (event.kind === 'turn-finished' || event.kind === 'turn-failed') this.close();
    this.wake?.();
    this.wake = undefined;
  }

  private fail(error: PlatformError): void {
    this.push({ kind: 'turn-failed', error });
  }

  private onStream(message: BusMessage): void {
    try {
      const event = decodeWith(chatStreamEventSchema, message.data, 'chat stream event');
      if (event.type === 'error' && !event.done) {
        this.streamed = '';
        this.push({ kind: 'restart' });
        return;
      }
      if (event.type !== 'chunk') return; // the final response carries the outcome
      this.streamed += event.content;
      this.push({ kind: 'text-delta', content: event.content });
    } catch (error) {
      this.settings.logger.warn({ err: error, request_id: this.requestId }, 'bad stream event');
    }
  }

  private onResponse(message: BusMessage): void {
    const reply = tryDecodeMessage(message.data);
    const parsed = chatResponseSchema.safeParse(reply);
    if (!parsed.success) {
      this.fail(errorFromReply(reply));
      return;
    }
    const response = parsed.data;
    if (!response.success) {
      this.fail(
        new PlatformError(errorCode(response.error_type), response.error ?? 'the turn failed'),
      );
      return;
    }
    // Whatever the stream missed (a lost event, a handler that did not stream) is sent now.
    if (response.response.startsWith(this.streamed) && response.response !== this.streamed) {
      this.push({ kind: 'text-delta', content: response.response.slice(this.streamed.length) });
    }
    this.push({ kind: 'turn-finished', response });
  }
}

function errorCode(type: string | undefined): ErrorCode {
  return type !== undefined && type in ERROR_CODES ? (type as ErrorCode) : 'model_error';
}

/** A bus error reply `{error, message, type}`, or a reply that is not a chat response at all. */
function errorFromReply(reply: unknown): PlatformError {
  const fields = (typeof reply === 'object' && reply !== null ? reply : {}) as Record<
    string,
    unknown
  >;
  const message = typeof fields.message === 'string' ? fields.message : 'the turn failed';
  const type = typeof fields.type === 'string' ? fields.type : undefined;
  return new PlatformError(errorCode(type), `the chat handler refused the turn: ${message}`);
}
