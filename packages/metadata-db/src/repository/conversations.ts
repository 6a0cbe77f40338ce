/** A user's chat sessions as the app shows them: listed, searched, renamed, deleted. */
import type { Kysely } from 'kysely';
import { sql } from '../kysely-runtime.js';
import { PlatformError } from '@homelab-ai/contracts';
import { toDatabaseError } from '../database-errors.js';
import type { ChatSession, Database, Message } from '../schema.js';
import { listSessionMessages } from './chat.js';
import { isUuid } from './ids.js';

export interface ChatSessionSummary {
  id: string;
  title: string;
  companion_id: string | null;
  companion_name: string | null;
  updated_at: Date;
}

export interface ListChatSessionsOptions {
  /** Only sessions whose title or any message contains this text (any case). */
  query?: string;
  limit?: number;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** The owner's sessions, most recently active first. */
export async function listChatSessions(
  db: Kysely<Database>,
  ownerId: string,
  options: ListChatSessionsOptions = {},
): Promise<ChatSessionSummary[]> {
  let query = db
    .selectFrom('chat_sessions')
    .leftJoin('companions', 'companions.id', 'chat_sessions.companion_id')
    .select([
      'chat_sessions.id',
      'chat_sessions.title',
      'chat_sessions.companion_id',
      'companions.name as companion_name',
      'chat_sessions.updated_at',
    ])
    .where('chat_sessions.owner_id', '=', ownerId);
  const text = options.query?.trim();
  if (text) {
    const pattern = likePattern(text);
    query = query.where((eb) =>
      eb.or([
        eb('chat_sessions.title', 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('messages')
            .select(sql`1`.as('one'))
            .whereRef('messages.session_id', '=', 'chat_sessions.id')
            .where('messages.content', 'ilike', pattern),
        ),
      ]),
    );
  }
  return query
    .orderBy('chat_sessions.updated_at', 'desc')
    .limit(options.limit ?? 200)
    .execute();
}

/** One of the owner's sessions; `not_found` for anyone else's. */
export async function getOwnedChatSession(
  db: Kysely<Database>,
  ownerId: string,
  sessionId: string,
): Promise<ChatSession> {
  const session = isUuid(sessionId)
    ? await db
        .selectFrom('chat_sessions')
        .selectAll()
        .where('id', '=', sessionId)
        .where('owner_id', '=', ownerId)
        .executeTakeFirst()
    : undefined;
  if (!session) throw new PlatformError('not_found', `there is no chat session ${sessionId}`);
  return session;
}

export async function renameChatSession(
  db: Kysely<Database>,
  ownerId: string,
  sessionId: string,
  title: string,
): Promise<ChatSession> {
  await getOwnedChatSession(db, ownerId, sessionId);
  try {
    return await db
      .updateTable('chat_sessions')
      .set({ title })
      .where('id', '=', sessionId)
      .where('owner_id', '=', ownerId)
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    throw toDatabaseError(error, `renaming chat session ${sessionId}`);
  }
}

/** Deletes a session and its messages. */
export async function deleteChatSession(
  db: Kysely<Database>,
  ownerId: string,
  sessionId: string,
): Promise<void> {
  await getOwnedChatSession(db, ownerId, sessionId);
  await db
    .deleteFrom('chat_sessions')
    .where('id', '=', sessionId)
    .where('owner_id', '=', ownerId)
    .execute();
}

/** The messages of one of the owner's sessions, oldest first. */
export async function listOwnedSessionMessages(
  db: Kysely<Database>,
  ownerId: string,
  sessionId: string,
): Promise<{ session: ChatSession; messages: Message[] }> {
  const session = await getOwnedChatSession(db, ownerId, sessionId);
  return { session, messages: await listSessionMessages(db, sessionId) };
}
