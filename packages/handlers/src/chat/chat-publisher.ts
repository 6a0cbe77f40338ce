/** Publishes one turn's stream events and final response per the bus contract. */
import {
  encodeMessage,
  subjects,
  unixSeconds,
  type ChatRequest,
  type ChatResponse,
  type ChatStreamEvent,
  type PlatformError,
  type RagSource,
} from '@homelab-ai/contracts';
import type { Bus, BusHeaders } from '@homelab-ai/bus';

export const INTERRUPTED_MESSAGE = 'The answer was interrupted; it restarts from the beginning.';
export const CANCELLED_MESSAGE = 'stopped by the user';

export interface AnswerExtras {
  sources: readonly RagSource[];
  audio?: Uint8Array | undefined;
}

export class ChatPublisher {
  private readonly streamSubject: string;
  private readonly responseSubject: string;
  /** Whether the final response went out: the user has been told how the turn ended. */
  finished = false;

  constructor(
    private readonly bus: Bus,
    private readonly request: ChatRequest,
    private readonly userId: string,
    private readonly headers: BusHeaders,
  ) {
    this.streamSubject = subjects.chatStream(request.request_id);
    this.responseSubject = request.response_subject ?? subjects.chatResponse(request.request_id);
  }

  private event(type: ChatStreamEvent['type'], content: string, done = type !== 'chunk') {
    const event: ChatStreamEvent = {
      request_id: this.request.request_id,
      type,
      content,
      done,
      timestamp: unixSeconds(),
    };
    return this.bus.publish(this.streamSubject, encodeMessage(event), { headers: this.headers });
  }

  chunk(content: string): Promise<void> {
    return this.request.enable_streaming ? this.event('chunk', content) : Promise.resolve();
  }

  /** Tells a client that saw part of an earlier attempt to clear it: the turn starts again. */
  async interrupted(): Promise<void> {
    if (this.request.enable_streaming) await this.event('error', INTERRUPTED_MESSAGE, false);
  }

  async done(answer: string, extras: AnswerExtras): Promise<void> {
    if (this.request.enable_streaming) await this.event('done', '');
    await this.final({ response: answer, success: true, ...ragFields(extras) });
  }

  /** An answer stored before (a redelivery): sent again as the final response only. */
  replay(answer: string, sources: readonly RagSource[]): Promise<void> {
    return this.final({ response: answer, success: true, ...ragFields({ sources }) });
  }

  async cancelled(partialAnswer: string, sources: readonly RagSource[]): Promise<void> {
    if (this.request.enable_streaming) await this.event('done', '');
    await this.final({
      response: partialAnswer,
      success: false,
      error: CANCELLED_MESSAGE,
      error_type: 'cancelled',
      ...ragFields({ sources }),
    });
  }

  async failed(
    error: PlatformError,
    response: string,
    sources: readonly RagSource[] = [],
  ): Promise<void> {
    await this.event('error', error.message);
    await this.final({
      response,
      success: false,
      error: error.message,
      error_type: error.code,
      ...ragFields({ sources }),
    });
  }

  private final(
    outcome: Pick<ChatResponse, 'response' | 'success'> & Partial<ChatResponse>,
  ): Promise<void> {
    this.finished = true;
    const response: ChatResponse = {
      request_id: this.request.request_id,
      user_id: this.userId,
      used_rag: false,
      rag_sources: [],
      ...outcome,
    };
    return this.bus.publish(this.responseSubject, encodeMessage(response), {
      headers: this.headers,
    });
  }
}

function ragFields(extras: AnswerExtras): Partial<ChatResponse> {
  return {
    used_rag: extras.sources.length > 0,
    rag_sources: [...extras.sources],
    ...(extras.audio ? { audio: extras.audio } : {}),
  };
}
