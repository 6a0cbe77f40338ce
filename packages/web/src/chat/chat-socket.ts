/**
 * The browser's chat socket, bridged to the bus: a `send` frame becomes a chat request on
 * `ai.chat.user.{user_id}.message`; the handler's stream and final response come back as JSON
 * frames. Any gateway replica can serve any socket: all state is on the bus and in the DB.
 * The socket acts for the signed-in user only: sessions and companions are checked to be theirs.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  chatResponseSchema,
  chatStreamEventSchema,
  greetingResponseSchema,
  tryDecodeMessage,
  encodeMessage,
  subjects,
  toPlatformError,
  type ChatRequestInput,
  type ErrorReply,
  type GreetingRequest,
} from '@homelab-ai/contracts';
import type { Bus, BusMessage, Subscription } from '@homelab-ai/bus';
import { injectTraceContext, type Logger } from '@homelab-ai/observability';
import type { MetadataDb } from '@homelab-ai/metadata-db';
import type { WebSocket } from 'ws';
import type { AppUser } from '../app/app-deps.js';
import { socketFrameSchema, type ServerFrame, type TurnFrame } from './chat-socket-protocol.js';
import { FrameWriter } from './frame-writer.js';
import { KnownSessions, prepareTurn } from './turn-preparation.js';

export interface ChatSocketSettings {
  bus: Bus;
  logger: Logger;
  /** Who the upgrade request's cookie, token or proxy header signs in; undefined closes it. */
  authenticate(request: IncomingMessage): Promise<AppUser | undefined>;
  openDb(): Promise<MetadataDb>;
  /** How long a turn may take before the page gives up waiting. */
  turnTimeoutMs?: number;
}

interface Turn {
  subscriptions: Subscription[];
  timer: NodeJS.Timeout;
}

/**
 * How long frames may wait to leave together with others (see FrameWriter). A turn's later
 * tokens and its end may wait a few ms. The `started` frame, on which the page shows the
 * question, may wait 50 ms, still instant to a reader: a model that answers within that time
 * has its first token carry it, one socket write instead of two.
 */
const FRAME_DELAY_MS = { later: 5, started: 50 } as const;

/** Close codes the page understands (4000–4999 are the application's). */
export const SOCKET_CLOSE = { unauthorized: 4401, forbiddenOrigin: 4403 } as const;

/** A cross-site page must not open a socket with the user's cookie. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // not a browser: scripts authenticate with a bearer token
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export function createChatSocketHandler(settings: ChatSocketSettings) {
  const { bus, logger } = settings;
  return (socket: WebSocket, request: IncomingMessage): void => {
    const turns = new Map<string, Turn>();
    const knownSessions = new KnownSessions();
    const writer = new FrameWriter(socket, request.socket);
    /** Sends a frame now, or within `maxDelayMs` together with others. */
    const send = (frame: ServerFrame, maxDelayMs = 0) => {
      writer.write(JSON.stringify(frame), maxDelayMs);
    };
    const endTurn = (requestId: string) => {
      const turn = turns.get(requestId);
      if (!turn) return;
      turns.delete(requestId);
      clearTimeout(turn.timer);
      for (const subscription of turn.subscriptions) void subscription.unsubscribe();
    };
    if (!sameOrigin(request)) {
      socket.close(SOCKET_CLOSE.forbiddenOrigin, 'cross-origin socket refused');
      return;
    }
    const signedIn = settings.authenticate(request).catch((error: unknown) => {
      logger.warn({ err: error }, 'chat socket authentication failed');
      return undefined;
    });
    const greetings: Subscription[] = [];
    void signedIn.then(async (user) => {
      if (!user) {
        socket.close(SOCKET_CLOSE.unauthorized, 'sign in first');
        return;
      }
      // Greetings for this user (after a `greet`, or the one the sign-in event asked for).
      const subscription = await bus.subscribe(
        subjects.greetingResponse(user.userId),
        (message) => {
          const greeting = greetingResponseSchema.safeParse(tryDecodeMessage(message.data));
          if (greeting.success) send({ type: 'greeting', text: greeting.data.greeting });
        },
      );
      if (socket.readyState === socket.OPEN) greetings.push(subscription);
      else void subscription.unsubscribe();
    });

    const greet = async (user: AppUser) => {
      const request: GreetingRequest = {
        user_id: user.userId,
        username: user.displayName,
        request_id: randomUUID(),
      };
      await bus.publish(subjects.greetingRequest(user.userId), encodeMessage(request));
    };

    const startTurn = async (user: AppUser, frame: TurnFrame) => {
      const { db } = await settings.openDb();
      const prepared = await prepareTurn(db, user, frame, knownSessions);
      if (prepared.createdSession) {
        send({ type: 'session', session_id: prepared.sessionId, title: prepared.title });
      }
      const requestId = randomUUID();
      let firstChunk = true;
      const onStream = (busMessage: BusMessage) => {
        const event = chatStreamEventSchema.safeParse(tryDecodeMessage(busMessage.data));
        if (!event.success) return;
        if (event.data.type === 'chunk') {
          // The first token is what the user waits for; later ones may travel together.
          send(
            { type: 'chunk', request_id: requestId, content: event.data.content },
            firstChunk ? 0 : FRAME_DELAY_MS.later,
          );
          firstChunk = false;
        } else if (event.data.type === 'error' && !event.data.done) {
          send({ type: 'restart', request_id: requestId, message: event.data.content });
        }
      };
      const onResponse = (busMessage: BusMessage) => {
        endTurn(requestId);
        const reply = tryDecodeMessage(busMessage.data);
        const parsed = chatResponseSchema.safeParse(reply);
        if (parsed.success) {
          const { success, response, rag_sources, error, error_type } = parsed.data;
          send(
            {
              type: 'done',
              request_id: requestId,
              success,
              response,
              sources: rag_sources,
              ...(error === undefined ? {} : { error }),
              ...(error_type === undefined ? {} : { error_type }),
            },
            FRAME_DELAY_MS.later,
          );
        } else {
          send(failedFrame(requestId, errorReplyText(reply)));
        }
      };
      const turn: Turn = {
        subscriptions: [],
        timer: setTimeout(
          () => {
            endTurn(requestId);
            send(
              failedFrame(
                requestId,
                'No answer in time. Is a chat handler running? (see /healthz)',
              ),
            );
          },
          settings.turnTimeoutMs ?? 10 * 60_000,
        ),
      };
      turns.set(requestId, turn);
      turn.subscriptions.push(
        await bus.subscribe(subjects.chatStream(requestId), onStream),
        await bus.subscribe(subjects.chatResponse(requestId), onResponse),
      );
      const chatRequest: ChatRequestInput = {
        request_id: requestId,
        user_id: user.userId,
        username: user.displayName,
        message: prepared.message,
        session_id: prepared.sessionId,
        enable_streaming: true,
        enable_rag: frame.collection !== undefined,
        regenerate: frame.type === 'regenerate',
        ...(frame.collection === undefined ? {} : { collection: frame.collection }),
        ...(prepared.companionId === undefined ? {} : { companion_id: prepared.companionId }),
        ...(frame.model === undefined ? {} : { model: frame.model }),
      };
      try {
        const published = bus.publish(
          subjects.chatMessage(user.userId),
          encodeMessage(chatRequest),
          { persist: true, headers: injectTraceContext({}) },
        );
        // Written while the turn is on its way, and before any answer to it can arrive.
        send(
          {
            type: 'started',
            request_id: requestId,
            message: prepared.message,
            regenerate: frame.type === 'regenerate',
          },
          FRAME_DELAY_MS.started,
        );
        await published;
      } catch (error) {
        endTurn(requestId);
        send(failedFrame(requestId, `Could not send: ${toPlatformError(error).message}`));
      }
    };

    const stopTurn = async (requestId: string) => {
      if (!turns.has(requestId)) return; // only this socket's own turns
      await bus.publish(subjects.chatCancel(requestId), encodeMessage({ request_id: requestId }));
    };

    socket.on('message', (raw: Buffer) => {
      void (async () => {
        const user = await signedIn;
        if (!user) return;
        let json: unknown;
        try {
          json = JSON.parse(raw.toString('utf8'));
        } catch {
          send({ type: 'notice', message: 'the socket expects JSON' });
          return;
        }
        const parsed = socketFrameSchema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          send({ type: 'notice', message: issue?.message ?? 'invalid message' });
          return;
        }
        const frame = parsed.data;
        try {
          if (frame.type === 'stop') await stopTurn(frame.request_id);
          else if (frame.type === 'greet') await greet(user);
          else await startTurn(user, frame);
        } catch (error) {
          send({ type: 'notice', message: toPlatformError(error).message });
          logger.debug({ err: error }, 'chat turn could not start');
        }
      })();
    });
    socket.on('close', () => {
      writer.flush();
      for (const requestId of [...turns.keys()]) endTurn(requestId);
      for (const subscription of greetings.splice(0)) void subscription.unsubscribe();
    });
  };
}

function failedFrame(requestId: string, message: string): ServerFrame {
  return {
    type: 'done',
    request_id: requestId,
    success: false,
    response: '',
    sources: [],
    error: message,
  };
}

/** The message of an error reply `{error, message, type}`, if that is what came back. */
function errorReplyText(reply: unknown): string {
  const message = (reply as Partial<ErrorReply> | undefined)?.message;
  return typeof message === 'string' ? message : 'the turn failed';
}
