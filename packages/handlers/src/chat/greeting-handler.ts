/**
 * Personalised greetings: on a login event (`ai.chat.user.{id}.login`, durable on
 * COMPANIONS_LOGINS) and on request (`ai.chat.user.{id}.greeting.request`, core subject, one
 * replica per request through a queue group), a short greeting written by the model from the
 * user's name, the time of day and their latest conversation — a plain template without a model.
 * Published on `ai.chat.user.{id}.greeting.response` (and to the request's reply subject).
 */
import {
  STREAMS,
  encodeMessage,
  greetingRequestSchema,
  isSubjectToken,
  loginEventSchema,
  subjectPatterns,
  subjects,
  userIdFromSubject,
  type GreetingResponse,
} from '@homelab-ai/contracts';
import type { BusMessage } from '@homelab-ai/bus';
import type { ChatHandlerDependencies } from './chat-handler.js';
import type { GreetingFacts } from './chat-ports.js';
import { receive } from '../shared/receive.js';
import type { RunningHandler } from '../shared/handler-context.js';

const GREETING_TIMEOUT_MS = 20_000;

export function timeOfDay(date: Date): 'morning' | 'afternoon' | 'evening' {
  const hour = date.getHours();
  return hour >= 5 && hour < 12 ? 'morning' : hour >= 12 && hour < 18 ? 'afternoon' : 'evening';
}

/** The greeting used when no model can write one. */
export function templateGreeting(name: string, lastSessionTitle: string | undefined, now: Date) {
  const follow = lastSessionTitle
    ? ` Shall we pick up “${lastSessionTitle}” again?`
    : ' What can I do for you today?';
  return `Good ${timeOfDay(now)}, ${name}!${follow}`;
}

async function writeGreeting(
  { chatModel, logger }: ChatHandlerDependencies,
  name: string,
  facts: GreetingFacts | undefined,
): Promise<string> {
  const now = new Date();
  const fallback = templateGreeting(name, facts?.lastSessionTitle, now);
  if (chatModel.adapter === 'none') return fallback;
  const last = facts?.lastSessionTitle
    ? ` Their latest conversation was titled "${facts.lastSessionTitle}".`
    : '';
  let text = '';
  try {
    for await (const delta of chatModel.stream({
      messages: [
        {
          role: 'system',
          content:
            'You greet the user of a personal AI assistant when they arrive. Reply with one or ' +
            'two short, warm sentences and nothing else.',
        },
        { role: 'user', content: `Greet ${name}. It is ${timeOfDay(now)}.${last}` },
      ],
      maxTokens: 80,
      signal: AbortSignal.timeout(GREETING_TIMEOUT_MS),
    })) {
      text += delta;
    }
  } catch (error) {
    logger.warn({ err: error }, 'the model could not write a greeting; using the template');
    return fallback;
  }
  return text.trim() || fallback;
}

export async function startGreetings(
  dependencies: ChatHandlerDependencies,
): Promise<RunningHandler> {
  const { bus, memory, logger, settings } = dependencies;

  // A malformed message is answered where the user's greeting would have gone.
  const errorTargets = (subject: string) => () => {
    const userId = userIdFromSubject(subject);
    return userId && isSubjectToken(userId) ? [subjects.greetingResponse(userId)] : [];
  };

  const greet = async (
    message: BusMessage,
    userId: string,
    username: string | undefined,
    requestId?: string,
  ) => {
    const facts = await memory?.greetingFacts({ userId, username }).catch((error: unknown) => {
      logger.warn({ err: error }, 'greeting without the user’s history');
      return undefined;
    });
    const name = facts?.displayName ?? username ?? userId;
    const response: GreetingResponse = {
      user_id: userId,
      greeting: await writeGreeting(dependencies, name, facts),
      ...(requestId === undefined ? {} : { request_id: requestId }),
    };
    const payload = encodeMessage(response);
    await bus.publish(subjects.greetingResponse(userId), payload);
    if (message.reply) await bus.publish(message.reply, payload);
  };

  const logins = await bus.consume(
    {
      stream: STREAMS.companionsLogins.name,
      durable: settings.loginDurable ?? 'chat-greeter',
      filterSubjects: [subjectPatterns.chatLogins],
      ackWaitMs: settings.ackWaitMs,
      maxDeliver: settings.maxDeliver,
      concurrency: settings.concurrency,
    },
    async (delivery) => {
      const login = await receive(
        dependencies,
        delivery,
        loginEventSchema,
        'login event',
        errorTargets(delivery.subject),
      );
      const userId = userIdFromSubject(delivery.subject) ?? login.user_id;
      await memory?.recordLogin(userId);
      await greet(delivery, userId, login.username);
    },
  );

  const requests = await bus.subscribe(
    subjectPatterns.greetingRequests,
    async (message) => {
      try {
        const request = await receive(
          dependencies,
          message,
          greetingRequestSchema,
          'greeting request',
          errorTargets(message.subject),
        );
        const userId = userIdFromSubject(message.subject) ?? request.user_id;
        await greet(message, userId, request.username, request.request_id);
      } catch (error) {
        logger.warn({ err: error, subject: message.subject }, 'greeting request not answered');
      }
    },
    { queue: 'chat-greeter' },
  );

  return {
    name: 'greetings',
    stop: async (graceMs) => {
      await requests.unsubscribe();
      await logins.stop(graceMs);
    },
  };
}
