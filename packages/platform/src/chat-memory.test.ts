/**
 * The chat memory adapter against PGlite with the in-process cache, and against PostgreSQL with
 * Valkey (redis-server): bus ids mapped to users and sessions, idempotent messages, history from
 * the cache with the database behind it, regenerate, companions, and what greetings use.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChatMemory, TurnRecord } from '@homelab-ai/handlers';
import {
  createCollection,
  createCompanion,
  createPgliteMetadataDb,
  createPostgresMetadataDb,
  createUser,
  listSessionMessages,
  type MetadataDb,
} from '@homelab-ai/metadata-db';
import { createMemorySessionCache, type SessionCache } from '@homelab-ai/session-cache';
import { startPostgresServer, startRedisServer } from '@homelab-ai/testkit';
import { chatSessionTitle } from '@homelab-ai/metadata-db';
import { createChatMemory, historyKey } from './chat-memory.js';

interface Backing {
  metadata: MetadataDb;
  cache: SessionCache;
  close(): Promise<void>;
}

function turn(question: string, overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    requestId: randomUUID(),
    question,
    answer: `answer to ${question}`,
    sources: [],
    regenerate: false,
    ...overrides,
  };
}

function runChatMemorySuite(name: string, open: () => Promise<Backing>) {
  describe(`chat memory over ${name}`, () => {
    let backing: Backing;
    let memory: ChatMemory;
    before(async () => {
      backing = await open();
      memory = createChatMemory({
        openDb: () => Promise.resolve(backing.metadata),
        cache: backing.cache,
      });
    });
    after(() => backing.close());

    it('maps a bus user id and session id to one user and one session, created once', async () => {
      const label = `alice-${randomUUID().slice(0, 8)}`;
      const first = await memory.resolve({ userId: label, username: 'Alice', sessionId: 's1' });
      const again = await memory.resolve({ userId: label, sessionId: 's1' });
      const other = await memory.resolve({ userId: label, sessionId: 's2' });
      const noSession = await memory.resolve({ userId: label });
      assert.equal(first.displayName, 'Alice');
      assert.deepEqual(again, first);
      assert.equal(other.ownerId, first.ownerId);
      assert.notEqual(other.sessionId, first.sessionId);
      assert.notEqual(noSession.sessionId, first.sessionId);
      assert.equal((await memory.resolve({ userId: label })).sessionId, noSession.sessionId);
      // Addressed by uuid, the same user and session.
      const byUuid = await memory.resolve({ userId: first.ownerId, sessionId: first.sessionId });
      assert.deepEqual(byUuid, first);
    });

    it("never lets one user's turn land in another user's session", async () => {
      const owner = await memory.resolve({ userId: `owner-${randomUUID()}`, sessionId: 'x' });
      const intruder = await memory.resolve({
        userId: `intruder-${randomUUID()}`,
        sessionId: owner.sessionId,
      });
      assert.notEqual(intruder.ownerId, owner.ownerId);
      assert.notEqual(intruder.sessionId, owner.sessionId);
    });

    it('stores both messages once per request, with sources, and names the session', async () => {
      const scope = await memory.resolve({ userId: `u-${randomUUID()}`, sessionId: 'notes' });
      const sources = [
        {
          text: 'Seven years of warranty.',
          score: 0.8,
          source: 'orion.pdf',
          document_id: randomUUID(),
          collection: 'manuals',
          page: 2,
          heading: 'Warranty',
        },
      ];
      const first = turn('How long is the warranty of the Orion lamp I bought last spring?', {
        sources,
      });
      await memory.record(scope, first);
      await memory.record(scope, first); // a redelivery
      const { db } = backing.metadata;
      const messages = await listSessionMessages(db, scope.sessionId);
      assert.deepEqual(
        messages.map((message) => [message.role, message.content]),
        [
          ['user', first.question],
          ['assistant', first.answer],
        ],
      );
      assert.deepEqual(await memory.storedAnswer(scope, first.requestId), {
        content: first.answer,
        sources,
      });
      assert.equal(await memory.storedAnswer(scope, randomUUID()), undefined);
      // A first delivery trusts the warm history cache, and still finds an answer stored before.
      const firstDelivery = { firstDelivery: true };
      assert.deepEqual(await memory.storedAnswer(scope, first.requestId, firstDelivery), {
        content: first.answer,
        sources,
      });
      assert.equal(await memory.storedAnswer(scope, randomUUID(), firstDelivery), undefined);
      await backing.cache.clearHistory(historyKey(scope.sessionId));
      assert.equal(
        (await memory.storedAnswer(scope, first.requestId, firstDelivery))?.content,
        first.answer,
        'a cold cache falls back to the database',
      );
      await memory.history(scope);
      assert.equal(
        await backing.cache.getHistory(historyKey(scope.sessionId)).then((h) => h.length),
        2,
      );
      const named = await memory.resolve({ userId: scope.ownerId, sessionId: scope.sessionId });
      assert.equal(named.title, chatSessionTitle(first.question));
      assert.ok(named.title.length <= 61 && named.title.endsWith('…'), named.title);
      await memory.record(named, turn('A later question does not rename it'));
      const still = await memory.resolve({ userId: scope.ownerId, sessionId: scope.sessionId });
      assert.equal(still.title, named.title);
    });

    it('reads history from the cache, and from the database when the cache lost it', async () => {
      const scope = await memory.resolve({ userId: `u-${randomUUID()}`, sessionId: 'h' });
      await memory.record(scope, turn('one'));
      await memory.record(scope, turn('two'));
      const expected = [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'answer to one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'answer to two' },
      ];
      assert.deepEqual(await memory.history(scope), expected);
      await backing.cache.clearHistory(historyKey(scope.sessionId));
      assert.deepEqual(await memory.history(scope), expected);
      assert.equal((await backing.cache.getHistory(historyKey(scope.sessionId))).length, 4);
      // A cache that expired between turns is not left holding only the newest turn.
      await backing.cache.clearHistory(historyKey(scope.sessionId));
      await memory.record(scope, turn('three'));
      assert.equal((await memory.history(scope)).length, 6);
    });

    it('regenerating replaces the last answer and keeps the question once', async () => {
      const scope = await memory.resolve({ userId: `u-${randomUUID()}`, sessionId: 'r' });
      await memory.record(scope, turn('first'));
      await memory.record(scope, turn('second'));
      await memory.record(scope, turn('second', { answer: 'a better answer', regenerate: true }));
      const expected = [
        ['user', 'first'],
        ['assistant', 'answer to first'],
        ['user', 'second'],
        ['assistant', 'a better answer'],
      ];
      const stored = await listSessionMessages(backing.metadata.db, scope.sessionId);
      assert.deepEqual(
        stored.map((message) => [message.role, message.content]),
        expected,
      );
      const history = await memory.history(scope);
      assert.deepEqual(
        history.map((message) => [message.role, message.content]),
        expected,
      );
    });

    it("applies the owner's companion, never another user's", async () => {
      const { db } = backing.metadata;
      const owner = await createUser(db, {
        email: `${randomUUID()}@example.test`,
        displayName: 'O',
      });
      const collection = await createCollection(db, {
        ownerId: owner.id,
        name: 'recipes',
        embeddingModel: 'none',
        dimension: 1,
      });
      const chef = await createCompanion(db, owner.id, {
        name: 'Chef',
        avatar: null,
        systemPrompt: 'You are a chef.',
        defaultCollection: collection.id,
        voice: 'af_bella',
        isDefault: true,
      });
      assert.deepEqual(await memory.companion(owner.id, chef.id), {
        name: 'Chef',
        systemPrompt: 'You are a chef.',
        defaultCollection: 'recipes',
        voice: 'af_bella',
      });
      const stranger = await memory.resolve({ userId: `s-${randomUUID()}` });
      assert.equal(await memory.companion(stranger.ownerId, chef.id), undefined);
      const scope = await memory.resolve({
        userId: owner.id,
        sessionId: 'c',
        companionId: chef.id,
      });
      assert.equal(scope.companionId, chef.id);
      const theirs = await memory.resolve({
        userId: stranger.ownerId,
        sessionId: 'c',
        companionId: chef.id,
      });
      assert.equal(theirs.companionId, undefined);
    });

    it('tells greetings the name and latest session, and records logins of known users', async () => {
      const label = `g-${randomUUID()}`;
      assert.equal(await memory.greetingFacts({ userId: label }), undefined);
      await memory.recordLogin(label); // unknown: nothing to record, no error
      const scope = await memory.resolve({ userId: label, username: 'Gina', sessionId: 'g' });
      await memory.record(scope, turn('Plan a trip to Lisbon'));
      assert.deepEqual(await memory.greetingFacts({ userId: label }), {
        displayName: 'Gina',
        lastSessionTitle: 'Plan a trip to Lisbon',
      });
      await memory.recordLogin(label);
      const user = await backing.metadata.db
        .selectFrom('users')
        .select('last_login_at')
        .where('id', '=', scope.ownerId)
        .executeTakeFirstOrThrow();
      assert.ok(user.last_login_at instanceof Date);
    });
  });
}

runChatMemorySuite('PGlite and the in-process cache', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-memory-'));
  const metadata = await createPgliteMetadataDb({ dataDir });
  const cache = createMemorySessionCache();
  return {
    metadata,
    cache,
    close: async () => {
      await metadata.close();
      await cache.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

runChatMemorySuite('PostgreSQL and Valkey', async () => {
  const [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  const metadata = await createPostgresMetadataDb({ url: postgres.url });
  const { createValkeySessionCache } = await import('@homelab-ai/session-cache/valkey');
  const cache = createValkeySessionCache({ url: redis.url });
  return {
    metadata,
    cache,
    close: async () => {
      await metadata.close();
      await cache.close();
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
});
