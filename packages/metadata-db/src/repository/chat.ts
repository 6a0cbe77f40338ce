/** Chat history: sessions and their messages, written idempotently per bus request. */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { FOREIGN_KEY_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import {
  toJson,
  type ChatSession,
  type Database,
  type Message,
  type MessageRole,
  type MessageSource,
} from '../schema.js';
import { inTransaction } from './transaction.js';

export interface CreateChatSessionInput {
  ownerId: string;
  companionId?: string | null;
  title?: string;
}

/** Starts a chat session for a user. */
export async function createChatSession(
  db: Kysely<Database>,
  input: CreateChatSessionInput,
): Promise<ChatSession> {
  try {
    return await db
      .insertInto('chat_sessions')
      .values({
        owner_id: input.ownerId,
        companion_id: input.companionId ?? null,
        ...(input.title === undefined ? {} : { title: input.title }),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    throw toDatabaseError(error, `creating a chat session for user ${input.ownerId}`);
  }
}

export interface MessageInput {
  sessionId: string;
  role: MessageRole;
  content: string;
  /** The bus request id: a second insert with the same id is a redelivery and inserts nothing. */
  requestId: string;
  sources?: readonly MessageSource[];
}

export interface MessageInsertOutcome {
  /** False when a message with this request id was already stored. */
  inserted: boolean;
  /** The id of the stored message: the new one, or the one stored before. */
  id: string;
}

/** Stores a message once per request id, so a redelivered bus message is not doubled. */
export async function insertMessageOnce(
  db: Kysely<Database>,
  message: MessageInput,
): Promise<MessageInsertOutcome> {
  try {
    return await inTransaction(db, async (trx) => {
      const inserted = await trx
        .insertInto('messages')
        .values({
          session_id: message.sessionId,
          role: message.role,
          content: message.content,
          request_id: message.requestId,
          sources: toJson(message.sources ?? []),
        })
        .onConflict((conflict) => conflict.column('request_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        const existing = await trx
          .selectFrom('messages')
          .select('id')
          .where('request_id', '=', message.requestId)
          .executeTakeFirstOrThrow();
        return { inserted: false, id: existing.id };
      }
      await trx
        .updateTable('chat_sessions')
        .set({ updated_at: new Date() })
        .where('id', '=', message.sessionId)
        .execute();
      return { inserted: true, id: inserted.id };
    });
  } catch (error) {
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      throw new PlatformError('not_found', `chat session ${message.sessionId} does not exist`, {
        cause: error,
      });
    }
    throw toDatabaseError(error, `storing message of request ${message.requestId}`);
  }
}

/** A session's messages, oldest first. */
export async function listSessionMessages(
  db: Kysely<Database>,
  sessionId: string,
): Promise<Message[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
