/**
 * The chat messages part of the MetadataDb contract: a message stored once per request id, and
 * many turns stored in one statement. Runs inside `runMetadataDbContract`'s suite, on its
 * database.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import { createChatSession, insertMessageOnce, listSessionMessages } from '../repository/chat.js';
import { recordChatExchanges, type ExchangeInput } from '../repository/chat-exchanges.js';
import type { Database } from '../schema.js';
import { hasCode, newUser } from './fixtures.js';

export function runChatMessagesContract(db: () => Kysely<Database>): void {
  it('stores a redelivered message once (idempotent by request id)', async () => {
    const owner = await newUser(db());
    const session = await createChatSession(db(), { ownerId: owner.id, title: 'Trip' });
    const requestId = randomUUID();
    const message = {
      sessionId: session.id,
      role: 'assistant' as const,
      content: 'Pack a raincoat.',
      requestId,
      sources: [{ filename: 'weather.md', score: 0.91 }],
    };
    const first = await insertMessageOnce(db(), message);
    const again = await insertMessageOnce(db(), { ...message, content: 'a duplicate' });
    assert.equal(first.inserted, true);
    assert.deepEqual(again, { inserted: false, id: first.id });
    const stored = await listSessionMessages(db(), session.id);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.content, 'Pack a raincoat.');
    assert.deepEqual(stored[0]?.sources, [{ filename: 'weather.md', score: 0.91 }]);
    await assert.rejects(
      insertMessageOnce(db(), { ...message, sessionId: randomUUID(), requestId: randomUUID() }),
      hasCode('not_found', /chat session .* does not exist/),
    );
  });

  it('stores several chat turns in one statement, each once, titling untitled sessions', async () => {
    const owner = await newUser(db());
    const untitled = await createChatSession(db(), { ownerId: owner.id });
    const titled = await createChatSession(db(), { ownerId: owner.id, title: 'Trip' });
    const turn = (sessionId: string, question: string): ExchangeInput => ({
      sessionId,
      question: { content: question, requestId: randomUUID() },
      answer: {
        content: `about ${question}`,
        requestId: randomUUID(),
        sources: [{ filename: 'weather.md', score: 0.91 }],
      },
      title: question,
    });
    const first = turn(untitled.id, 'rain');
    const second = turn(untitled.id, 'snow');
    const third = turn(titled.id, 'sun');
    assert.deepEqual(await recordChatExchanges(db(), [first, second, third]), [true, true, true]);
    // A redelivered turn is stored once; a new one beside it still is.
    const fourth = turn(titled.id, 'wind');
    assert.deepEqual(await recordChatExchanges(db(), [second, fourth]), [false, true]);

    const untitledRows = await listSessionMessages(db(), untitled.id);
    assert.deepEqual(
      untitledRows.map((row) => [row.role, row.content]),
      [
        ['user', 'rain'],
        ['assistant', 'about rain'],
        ['user', 'snow'],
        ['assistant', 'about snow'],
      ],
    );
    assert.deepEqual(untitledRows[1]?.sources, [{ filename: 'weather.md', score: 0.91 }]);
    const titledRows = await listSessionMessages(db(), titled.id);
    assert.equal(titledRows.length, 4);
    const sessions = await db()
      .selectFrom('chat_sessions')
      .select(['id', 'title'])
      .where('owner_id', '=', owner.id)
      .execute();
    const titleOf = (id: string) => sessions.find((session) => session.id === id)?.title;
    assert.equal(titleOf(untitled.id), 'rain', 'titled by its first question');
    assert.equal(titleOf(titled.id), 'Trip', 'a title is kept');
    await assert.rejects(
      recordChatExchanges(db(), [turn(randomUUID(), 'nowhere')]),
      hasCode('not_found', /chat session .* does not exist/),
    );
  });
}
