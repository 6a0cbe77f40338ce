/**
 * Chat history: sessions and their messages, written idempotently per bus request; and the
 * look-ups the chat handler makes for a bus turn (its owner, its session, a stored answer).
 */
import type { Kysely } from 'kysely';
import { sql } from '../kysely-runtime.js';
import { PlatformError } from '@homelab-ai/contracts';
import { FOREIGN_KEY_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import {
  toJson,
  type ChatSession,
  type Database,
  type Message,
  type MessageRole,
  type MessageSource,
  type User,
} from '../schema.js';
import { isUuid } from './ids.js';
import { inTransaction } from './transaction.js';
import { createUser, findUserByEmail } from './users.js';

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

/** The email of the account a bus client's own user id maps to. */
export function busUserEmail(busUserId: string): string {
  return `${busUserId.replace(/@/g, '_at_')}@bus.local`;
}

/** The user a bus `user_id` names: one of ours by uuid, else the `…@bus.local` account. */
export async function findBusUser(
  db: Kysely<Database>,
  busUserId: string,
): Promise<User | undefined> {
  if (isUuid(busUserId)) {
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', busUserId)
      .executeTakeFirst();
    if (user) return user;
  }
  return findUserByEmail(db, busUserEmail(busUserId));
}

/** Like `findBusUser`, creating the `…@bus.local` account on first use. */
export async function findOrCreateBusUser(
  db: Kysely<Database>,
  busUserId: string,
  displayName: string,
): Promise<User> {
  const existing = await findBusUser(db, busUserId);
  if (existing) return existing;
  try {
    return await createUser(db, { email: busUserEmail(busUserId), displayName });
  } catch (error) {
    // Another replica created it at the same moment.
    const created = await findBusUser(db, busUserId);
    if (created) return created;
    throw error;
  }
}

/** One of the owner's sessions by uuid, or undefined. */
export async function findOwnedChatSession(
  db: Kysely<Database>,
  ownerId: string,
  sessionId: string,
): Promise<ChatSession | undefined> {
  if (!isUuid(sessionId)) return undefined;
  return db
    .selectFrom('chat_sessions')
    .selectAll()
    .where('id', '=', sessionId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
}

export interface ExternalSessionInput {
  ownerId: string;
  /** The session id a bus client chose. */
  externalId: string;
  companionId?: string | null;
}

/** The owner's session with this client-chosen id, started on first use. */
export async function findOrCreateExternalChatSession(
  db: Kysely<Database>,
  input: ExternalSessionInput,
): Promise<ChatSession> {
  const find = () =>
    db
      .selectFrom('chat_sessions')
      .selectAll()
      .where('owner_id', '=', input.ownerId)
      .where('external_id', '=', input.externalId)
      .executeTakeFirst();
  const existing = await find();
  if (existing) return existing;
  try {
    await db
      .insertInto('chat_sessions')
      .values({
        owner_id: input.ownerId,
        external_id: input.externalId,
        companion_id: input.companionId ?? null,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['owner_id', 'external_id'])
          .where('external_id', 'is not', null)
          .doNothing(),
      )
      .execute();
  } catch (error) {
    throw toDatabaseError(error, `starting chat session "${input.externalId}"`);
  }
  const created = await find();
  if (!created) throw new PlatformError('internal', `chat session "${input.externalId}" vanished`);
  return created;
}

const TITLE_CHARS = 60;

/** A title from a session's first message: its first ~60 characters, on a word boundary. */
export function chatSessionTitle(message: string): string {
  const text = message.replace(/\s+/g, ' ').trim();
  if (text.length <= TITLE_CHARS) return text;
  const cut = text.slice(0, TITLE_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > TITLE_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}

/** Names a session after its first message, unless it has a title already. */
export async function titleUntitledChatSession(
  db: Kysely<Database>,
  sessionId: string,
  title: string,
): Promise<void> {
  await db
    .updateTable('chat_sessions')
    .set({ title })
    .where('id', '=', sessionId)
    .where('title', '=', '')
    .execute();
}

/** The session's message stored for a bus request id, if any. */
export async function findSessionMessageByRequestId(
  db: Kysely<Database>,
  sessionId: string,
  requestId: string,
): Promise<Message | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
}

/** The newest `limit` messages of a session, oldest first. */
export async function recentSessionMessages(
  db: Kysely<Database>,
  sessionId: string,
  limit: number,
): Promise<Message[]> {
  const newest = await db
    .selectFrom('messages')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return newest.reverse();
}

/** Deletes the answers after the session's last question (before it is answered again). */
export async function deleteAnswersAfterLastQuestion(
  db: Kysely<Database>,
  sessionId: string,
): Promise<number> {
  // Compared in SQL: a JS Date would cut the microseconds off the question's timestamp.
  const query = db
    .deleteFrom('messages')
    .where('session_id', '=', sessionId)
    .where('role', '=', 'assistant')
    .where(
      sql<boolean>`created_at > coalesce((select max(created_at) from messages where session_id = ${sessionId} and role = 'user'), '-infinity'::timestamptz)`,
    );
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Notes a user's login time. */
export async function recordUserLogin(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ last_login_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/** The title of the owner's most recently active session that has one. */
export async function latestChatSessionTitle(
  db: Kysely<Database>,
  ownerId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('chat_sessions')
    .select('title')
    .where('owner_id', '=', ownerId)
    .where('title', '!=', '')
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.title;
}
