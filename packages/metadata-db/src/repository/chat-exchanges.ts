/**
 * A chat turn's record: its question and answer, stored once per request id, the session touched
 * and titled. Many turns can be stored in one statement (`recordChatExchanges`), which is how a
 * busy chat handler keeps the database's cost per turn down: on the embedded database a
 * statement's own overhead is most of a small insert's cost.
 */
import type { Kysely, RawBuilder } from 'kysely';
import { sql } from '../kysely-runtime.js';
import { PlatformError } from '@homelab-ai/contracts';
import { FOREIGN_KEY_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import { toJson, type Database, type MessageSource } from '../schema.js';

export interface ExchangeInput {
  sessionId: string;
  question: { content: string; requestId: string };
  answer: { content: string; requestId: string; sources: readonly MessageSource[] };
  /** The session's title if it has none yet. */
  title: string;
}

/** One exchange's two rows, in order: `seq` keeps them apart within one clock tick. */
function exchangeRows(input: ExchangeInput, index: number): RawBuilder<unknown>[] {
  const { sessionId, question, answer, title } = input;
  return [
    sql`(${sessionId}::uuid, ${title}::text, 'user', ${question.content}::text,
         ${question.requestId}::text, '[]'::jsonb, ${2 * index}::int)`,
    sql`(${sessionId}::uuid, ${title}::text, 'assistant', ${answer.content}::text,
         ${answer.requestId}::text, ${toJson(answer.sources)}::jsonb, ${2 * index + 1}::int)`,
  ];
}

/**
 * Stores questions and their answers once per request id, in one statement (one round trip, one
 * atomic write: the embedded database is a single session that a multi-step transaction would
 * hold across round trips). Each session with a new message is touched, and titled if untitled.
 * Rows are stamped a microsecond apart in the order given, so a question precedes its answer even
 * within one clock tick. Returns, for each exchange, whether its answer was new (false on a
 * redelivery). Two exchanges with the same answer request id must not share a call.
 */
export async function recordChatExchanges(
  db: Kysely<Database>,
  inputs: readonly ExchangeInput[],
): Promise<boolean[]> {
  if (inputs.length === 0) return [];
  try {
    const result = await sql<{ request_id: string }>`
      with input (session_id, title, role, content, request_id, sources, seq) as (
        values ${sql.join(inputs.flatMap(exchangeRows))}
      ), inserted as (
        insert into messages (session_id, role, content, request_id, sources, created_at)
        select session_id, role, content, request_id, sources,
               clock_timestamp() + seq * interval '1 microsecond'
        from input order by seq
        on conflict (request_id) do nothing
        returning session_id, role, request_id
      ), touched as (
        -- Runs although nothing reads it, as every data-modifying WITH does.
        update chat_sessions
        set updated_at = now(),
            title = case when chat_sessions.title = '' then titles.title else chat_sessions.title end
        from (select distinct on (session_id) session_id, title from input order by session_id, seq)
          as titles
        where chat_sessions.id = titles.session_id
          and exists (select 1 from inserted where inserted.session_id = titles.session_id)
        returning chat_sessions.id
      )
      select request_id from inserted where role = 'assistant'
    `.execute(db);
    const newAnswers = new Set(result.rows.map((row) => row.request_id));
    return inputs.map((input) => newAnswers.has(input.answer.requestId));
  } catch (error) {
    const only = inputs.length === 1 ? inputs[0] : undefined;
    const what = only ? `request ${only.question.requestId}` : `${inputs.length} chat turns`;
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      const session = only ? `chat session ${only.sessionId}` : 'a chat session';
      throw new PlatformError('not_found', `${session} of ${what} does not exist`, {
        cause: error,
      });
    }
    throw toDatabaseError(error, `storing the answer of ${what}`);
  }
}
