/** Publishes one turn's stream events and final response per the bus contract. */
import {
  encodeMessage,
  subjects,
  unixSeconds,
  type ChatRequest,
  type ChatResponse,
  type ChatStreamEvent,
  type PlatformError,
} from '@homelab-ai/contracts';
import type { Bus, BusHeaders } from '@homelab-ai/bus';

export class ChatPublisher {
  private readonly streamSubject: string;
  private readonly responseSubject: string;

  constructor(
    private readonly bus: Bus,
    private readonly request: ChatRequest,
    private readonly userId: string,
    private readonly headers: BusHeaders,
  ) {
    this.streamSubject = subjects.chatStream(request.request_id);
    this.responseSubject = request.response_subject ?? subjects.chatResponse(request.request_id);
  }

  private event(type: ChatStreamEvent['type'], content: string): Promise<void> {
    const event: ChatStreamEvent = {
      request_id: this.request.request_id,
      type,
      content,
      done: type !== 'chunk',
      timestamp: unixSeconds(),
    };
    return this.bus.publish(this.streamSubject, encodeMessage(event), { headers: this.headers });
  }

  chunk(content: string): Promise<void> {
    return this.request.enable_streaming ? this.event('chunk', content) : Promise.resolve();
  }

  async done(answer: string): Promise<void> {
    if (this.request.enable_streaming) await this.event('done', '');
    await this.final({ response: answer, success: true });
  }

  async failed(error: PlatformError, partialAnswer: string): Promise<void> {
    await this.event('error', error.message);
    await this.final({
      response: partialAnswer,
      success: false,
      error: error.message,
      error_type: error.code,
    });
  }

  private final(
    outcome: Pick<ChatResponse, 'response' | 'success'> & Partial<ChatResponse>,
  ): Promise<void> {
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
