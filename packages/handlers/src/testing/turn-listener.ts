/** Test helper: listens to one chat turn's stream and final response, as a bus client would. */
import {
  decodeMessage,
  subjects,
  type ChatResponse,
  type ChatStreamEvent,
} from '@homelab-ai/contracts';
import type { Bus } from '@homelab-ai/bus';
import { eventually } from '@homelab-ai/testkit';

export interface TurnListener {
  events: ChatStreamEvent[];
  finals: Record<string, unknown>[];
  /** Resolves with the first final response (or error reply). */
  final(timeoutMs?: number): Promise<ChatResponse & Record<string, unknown>>;
  close(): Promise<void>;
}

export async function listenToTurn(
  bus: Bus,
  requestId: string,
  responseSubject?: string,
): Promise<TurnListener> {
  const events: ChatStreamEvent[] = [];
  const finals: Record<string, unknown>[] = [];
  const streamSub = await bus.subscribe(subjects.chatStream(requestId), (message) => {
    events.push(decodeMessage(message.data) as ChatStreamEvent);
  });
  const finalSub = await bus.subscribe(
    responseSubject ?? subjects.chatResponse(requestId),
    (message) => {
      finals.push(decodeMessage(message.data) as Record<string, unknown>);
    },
  );
  return {
    events,
    finals,
    final: (timeoutMs = 10_000) =>
      eventually(
        () => finals[0] as (ChatResponse & Record<string, unknown>) | undefined,
        `final response of ${requestId}`,
        timeoutMs,
      ),
    close: async () => {
      await streamSub.unsubscribe();
      await finalSub.unsubscribe();
    },
  };
}
