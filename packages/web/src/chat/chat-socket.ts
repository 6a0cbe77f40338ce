/**
 * The browser's chat socket, bridged to the bus: a message from the page becomes a chat
 * request on `ai.chat.user.{user_id}.message`; the handler's stream and final response come
 * back as HTML fragments. Any gateway replica can serve any socket: all state is on the bus.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_CHAT_MESSAGE_CHARS,
  chatResponseSchema,
  chatStreamEventSchema,
  decodeMessage,
  decodeWith,
  encodeMessage,
  subjects,
  toPlatformError,
  type ChatRequestInput,
  type ErrorReply,
} from '@homelab-ai/contracts';
import type { Bus, BusMessage, Subscription } from '@homelab-ai/bus';
import { injectTraceContext, type Logger } from '@homelab-ai/observability';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { chatFragments } from './chat-fragments.js';

/** What the page's form sends (htmx ws-send adds a HEADERS object). */
const socketMessageSchema = z.object({
  message: z.string().trim().min(1, 'type a message first').max(MAX_CHAT_MESSAGE_CHARS),
});

export interface ChatSocketSettings {
  bus: Bus;
  logger: Logger;
  /** Until accounts exist (the Chat issue), the browser is the single local user. */
  userId: string;
  username: string;
  /** How long a turn may take before the page gives up waiting. */
  turnTimeoutMs?: number;
}

interface Turn {
  subscriptions: Subscription[];
  timer: NodeJS.Timeout;
}

export function createChatSocketHandler(settings: ChatSocketSettings) {
  const { bus, logger } = settings;
  return (socket: WebSocket): void => {
    const sessionId = randomUUID();
    const turns = new Map<string, Turn>();
    const send = (html: string) => {
      if (socket.readyState === socket.OPEN) socket.send(html);
    };
    const endTurn = (requestId: string) => {
      const turn = turns.get(requestId);
      if (!turn) return;
      turns.delete(requestId);
      clearTimeout(turn.timer);
      for (const subscription of turn.subscriptions) void subscription.unsubscribe();
    };

    const startTurn = async (message: string) => {
      const requestId = randomUUID();
      const onStream = (busMessage: BusMessage) => {
        const event = decodeWith(chatStreamEventSchema, busMessage.data, 'chat stream event');
        if (event.type === 'chunk') send(chatFragments.chunk(requestId, event.content));
      };
      const onResponse = (busMessage: BusMessage) => {
        endTurn(requestId);
        const reply = decodeOrUndefined(busMessage.data);
        const parsed = chatResponseSchema.safeParse(reply);
        if (parsed.success && parsed.data.success) send(chatFragments.finished(requestId));
        else if (parsed.success)
          send(chatFragments.failed(requestId, parsed.data.error ?? 'the turn failed'));
        else send(chatFragments.failed(requestId, errorReplyText(reply)));
      };
      const turn: Turn = {
        subscriptions: [],
        timer: setTimeout(
          () => {
            endTurn(requestId);
            send(
              chatFragments.failed(
                requestId,
                'No answer in time. Is a chat handler running? (see /healthz)',
              ),
            );
          },
          settings.turnTimeoutMs ?? 10 * 60_000,
        ),
      };
      turns.set(requestId, turn);
      send(chatFragments.turnStarted(requestId, message));
      turn.subscriptions.push(
        await bus.subscribe(subjects.chatStream(requestId), onStream),
        await bus.subscribe(subjects.chatResponse(requestId), onResponse),
      );
      const request: ChatRequestInput = {
        request_id: requestId,
        user_id: settings.userId,
        username: settings.username,
        message,
        session_id: sessionId,
        enable_streaming: true,
      };
      try {
        await bus.publish(subjects.chatMessage(settings.userId), encodeMessage(request), {
          persist: true,
          headers: injectTraceContext({}),
        });
      } catch (error) {
        endTurn(requestId);
        send(chatFragments.failed(requestId, `Could not send: ${toPlatformError(error).message}`));
      }
    };

    socket.on('message', (raw: Buffer) => {
      let parsed: z.infer<typeof socketMessageSchema>;
      try {
        const result = socketMessageSchema.safeParse(JSON.parse(raw.toString('utf8')));
        if (!result.success) {
          send(chatFragments.notice(result.error.issues[0]?.message ?? 'invalid message'));
          return;
        }
        parsed = result.data;
      } catch {
        send(chatFragments.notice('the socket expects JSON'));
        return;
      }
      startTurn(parsed.message).catch((error: unknown) =>
        logger.error({ err: error }, 'chat turn could not start'),
      );
    });
    socket.on('close', () => {
      for (const requestId of [...turns.keys()]) endTurn(requestId);
    });
  };
}

/** The final reply, or undefined when it is not even MessagePack. */
function decodeOrUndefined(data: Uint8Array): unknown {
  try {
    return decodeMessage(data);
  } catch {
    return undefined;
  }
}

/** The message of an error reply `{error, message, type}`, if that is what came back. */
function errorReplyText(reply: unknown): string {
  const message = (reply as Partial<ErrorReply> | undefined)?.message;
  return typeof message === 'string' ? message : 'the turn failed';
}
