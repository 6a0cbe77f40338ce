/**
 * Reading a bus message in a handler: decode and validate, and when that fails, answer the sender
 * with the error reply `{error, message, type}` where we can tell where it waits, then let the
 * consume policy dead-letter the message. A bad message never stops a handler.
 */
import {
  decodeMessage,
  encodeMessage,
  isSubjectToken,
  parseWith,
  toErrorReply,
  toPlatformError,
} from '@homelab-ai/contracts';
import type { BusMessage } from '@homelab-ai/bus';
import { subjectKind } from '@homelab-ai/observability';
import type { HandlerContext } from './handler-context.js';
import type { z } from 'zod';

export interface ReplyHint {
  requestId: string | undefined;
  responseSubject: string | undefined;
}

/** Whatever a malformed message still tells us about where to answer. */
export function replyHintOf(raw: unknown): ReplyHint {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const requestId =
    typeof record.request_id === 'string' && isSubjectToken(record.request_id)
      ? record.request_id
      : undefined;
  const responseSubject =
    typeof record.response_subject === 'string' &&
    /^[A-Za-z0-9_\-:@+=]+(\.[A-Za-z0-9_\-:@+=]+)*$/.test(record.response_subject)
      ? record.response_subject
      : undefined;
  return { requestId, responseSubject };
}

/**
 * Decodes and validates `message` (counting valid and invalid ones); on failure publishes the error reply to each subject
 * `replySubjects` names for the hint, then rethrows (an `invalid_message` error).
 */
export async function receive<Schema extends z.ZodType>(
  { bus, metrics }: Pick<HandlerContext, 'bus' | 'metrics'>,
  message: BusMessage,
  schema: Schema,
  what: string,
  replySubjects: (hint: ReplyHint) => string[],
): Promise<z.output<Schema>> {
  let raw: unknown;
  const subject_kind = subjectKind(message.subject);
  try {
    raw = decodeMessage(message.data);
    const parsed = parseWith(schema, raw, what);
    metrics?.busMessagesReceived.inc({ subject_kind, outcome: 'valid' });
    return parsed;
  } catch (thrown) {
    metrics?.busMessagesReceived.inc({ subject_kind, outcome: 'invalid' });
    const error = toPlatformError(thrown, 'invalid_message');
    const hint = replyHintOf(raw);
    const targets = new Set(replySubjects(hint));
    if (message.reply) targets.add(message.reply);
    const reply = encodeMessage(toErrorReply(error, hint.requestId));
    await Promise.all(
      [...targets].map((subject) => bus.publish(subject, reply).catch(() => undefined)),
    );
    throw error;
  }
}
