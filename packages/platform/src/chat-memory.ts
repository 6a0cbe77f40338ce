/**
 * The chat handler's memory over the platform's stores: owners and sessions in the metadata DB
 * (bus user ids and session ids mapped to rows, created on first use), messages stored once per
 * request id, and each session's recent history in the SessionCache, refilled from the DB when
 * the cache is cold.
 */
import { ExpiringMap, type RagSource } from '@homelab-ai/contracts';
import type {
  ChatMemory,
  CompanionPersona,
  HistoryMessage,
  StoredAnswer,
  TurnIdentity,
  TurnScope,
} from '@homelab-ai/handlers';
import {
  deleteAnswersAfterLastQuestion,
  findBusUser,
  findOrCreateBusUser,
  findOrCreateExternalChatSession,
  findOwnedChatSession,
  findSessionMessageByRequestId,
  getCompanion,
  inTransaction,
  insertMessageOnce,
  isUuid,
  latestChatSessionTitle,
  recentSessionMessages,
  recordUserLogin,
  chatSessionTitle,
  recordChatExchanges,
  type ExchangeInput,
  type Message,
  type MessageSource,
  type MetadataDb,
} from '@homelab-ai/metadata-db';
import type { HistoryEntry, SessionCache } from '@homelab-ai/session-cache';
import { CoalescingWriter } from './coalescing-writer.js';

export interface ChatMemorySettings {
  /** Messages of a session kept in the cache and loaded from the DB (default 200). */
  historyEntries?: number;
  /** How long an idle session's history stays cached (default one day). */
  historyTtlMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const SCOPE_CACHE_MS = 30_000;
const SCOPE_CACHE_ENTRIES = 10_000;

/** The key of a session's history in the cache. */
export const historyKey = (sessionId: string) => `chat:${sessionId}`;

export const answerRequestId = (requestId: string) => `${requestId}:answer`;

function toMessageSource(source: RagSource): MessageSource {
  return {
    source: source.source,
    text: source.text,
    score: source.score,
    ...(source.document_id === undefined ? {} : { documentId: source.document_id }),
    ...(source.collection === undefined ? {} : { collection: source.collection }),
    ...(source.page === undefined ? {} : { page: source.page }),
    ...(source.heading === undefined ? {} : { heading: source.heading }),
  };
}

function toRagSource(source: MessageSource): RagSource {
  return {
    text: source.text ?? '',
    score: source.score ?? 0,
    source: source.source ?? source.filename ?? source.documentId ?? '',
    ...(source.documentId === undefined ? {} : { document_id: source.documentId }),
    ...(source.collection === undefined ? {} : { collection: source.collection }),
    ...(source.page === undefined ? {} : { page: source.page }),
    ...(source.heading === undefined ? {} : { heading: source.heading }),
  };
}

const isTurnMessage = <T extends { role: string }>(message: T): message is T & HistoryMessage =>
  message.role === 'user' || message.role === 'assistant';

function toEntry(message: Message): HistoryEntry {
  return {
    role: message.role === 'assistant' ? 'assistant' : 'user',
    content: message.content,
    ...(message.request_id === null ? {} : { request_id: message.request_id }),
    at: message.created_at.getTime(),
  };
}

export function createChatMemory(
  stores: { openDb: () => Promise<MetadataDb>; cache: SessionCache },
  settings: ChatMemorySettings = {},
): ChatMemory {
  const { cache } = stores;
  const entries = settings.historyEntries ?? 200;
  const cacheOptions = { maxEntries: entries, ttlMs: settings.historyTtlMs ?? DAY_MS };
  const database = async (): Promise<MetadataDb['db']> => (await stores.openDb()).db;

  async function ownedCompanionId(db: MetadataDb['db'], ownerId: string, id?: string) {
    if (!id || !isUuid(id)) return null;
    const companion = await getCompanion(db, ownerId, id).catch(() => undefined);
    return companion?.id ?? null;
  }

  // Turns that finish while another's record is being written are stored together, next.
  const exchanges = new CoalescingWriter<ExchangeInput, boolean>(
    async (inputs) => recordChatExchanges(await database(), inputs),
    (input) => input.answer.requestId,
  );

  // Owners and sessions hardly change: a turn need not look them up again for a while.
  const scopes = new ExpiringMap<string, TurnScope>(SCOPE_CACHE_MS, SCOPE_CACHE_ENTRIES);
  const scopeKey = (identity: TurnIdentity) =>
    [identity.userId, identity.sessionId ?? '', identity.companionId ?? ''].join('\n');

  async function lookUp(identity: TurnIdentity): Promise<TurnScope> {
    const db = await database();
    const user = await findOrCreateBusUser(
      db,
      identity.userId,
      identity.username ?? identity.userId,
    );
    const session =
      (identity.sessionId && (await findOwnedChatSession(db, user.id, identity.sessionId))) ||
      (await findOrCreateExternalChatSession(db, {
        ownerId: user.id,
        externalId: identity.sessionId ?? 'default',
        companionId: await ownedCompanionId(db, user.id, identity.companionId),
      }));
    return {
      ownerId: user.id,
      displayName: user.display_name,
      sessionId: session.id,
      title: session.title,
      companionId: session.companion_id ?? undefined,
    };
  }

  return {
    async resolve(identity) {
      const key = scopeKey(identity);
      const known = scopes.get(key);
      if (known) return known;
      const scope = await lookUp(identity);
      scopes.set(key, scope);
      return scope;
    },

    async history(scope) {
      const cached = await cache.getHistory(historyKey(scope.sessionId), { limit: entries });
      if (cached.length > 0) {
        return cached.filter(isTurnMessage).map(({ role, content }) => ({ role, content }));
      }
      const stored = await recentSessionMessages(await database(), scope.sessionId, entries);
      const turns = stored.filter(isTurnMessage);
      if (turns.length > 0) {
        await cache.appendHistory(historyKey(scope.sessionId), turns.map(toEntry), cacheOptions);
      }
      return turns.map(({ role, content }) => ({ role, content }));
    },

    async storedAnswer(scope, requestId, options): Promise<StoredAnswer | undefined> {
      if (options?.firstDelivery) {
        // A warm history holds the session's latest turns, appended as each is stored: without
        // this answer in it, the request is new, and the database is spared a round trip.
        const recent = await cache.getHistory(historyKey(scope.sessionId), { limit: entries });
        const answerId = answerRequestId(requestId);
        if (recent.length > 0 && !recent.some((entry) => entry.request_id === answerId)) {
          return undefined;
        }
      }
      const db = await database();
      const answer = await findSessionMessageByRequestId(
        db,
        scope.sessionId,
        answerRequestId(requestId),
      );
      return answer && { content: answer.content, sources: answer.sources.map(toRagSource) };
    },

    async record(scope, turn) {
      const db = await database();
      const answer = {
        content: turn.answer,
        requestId: answerRequestId(turn.requestId),
        sources: turn.sources.map(toMessageSource),
      };
      const stored = turn.regenerate
        ? inTransaction(db, async (trx) => {
            await deleteAnswersAfterLastQuestion(trx, scope.sessionId);
            const outcome = await insertMessageOnce(trx, {
              sessionId: scope.sessionId,
              role: 'assistant',
              ...answer,
            });
            return outcome.inserted;
          })
        : exchanges.write({
            sessionId: scope.sessionId,
            question: { content: turn.question, requestId: turn.requestId },
            answer,
            title: chatSessionTitle(turn.question),
          });
      const inserted = await stored.catch((error: unknown) => {
        // The session may have been deleted meanwhile: look it up afresh next time.
        scopes.clear();
        throw error;
      });
      scope.title ||= chatSessionTitle(turn.question);
      const key = historyKey(scope.sessionId);
      // Regenerating replaced an answer the cache holds: the next turn reloads from the DB.
      if (turn.regenerate) return cache.clearHistory(key);
      if (!inserted) return;
      const at = Date.now();
      const appended: HistoryEntry[] = [
        { role: 'user', content: turn.question, request_id: turn.requestId, at },
        {
          role: 'assistant',
          content: turn.answer,
          request_id: answerRequestId(turn.requestId),
          at,
        },
      ];
      const held = await cache.appendHistory(key, appended, cacheOptions);
      // The cache expired meanwhile and now holds only this turn: let the DB refill it whole.
      if (
        held === appended.length &&
        (await recentSessionMessages(db, scope.sessionId, 3)).length > 2
      ) {
        await cache.clearHistory(key);
      }
    },

    async companion(ownerId, companionId): Promise<CompanionPersona | undefined> {
      if (!isUuid(companionId)) return undefined;
      const companion = await getCompanion(await database(), ownerId, companionId).catch(
        () => undefined,
      );
      return (
        companion && {
          name: companion.name,
          systemPrompt: companion.system_prompt,
          defaultCollection: companion.default_collection_name ?? undefined,
          voice: companion.voice ?? undefined,
        }
      );
    },

    async greetingFacts(identity) {
      const db = await database();
      const user = await findBusUser(db, identity.userId);
      if (!user) return undefined;
      return {
        displayName: user.display_name,
        lastSessionTitle: await latestChatSessionTitle(db, user.id),
      };
    },

    async recordLogin(userId) {
      const db = await database();
      const user = await findBusUser(db, userId);
      if (user) await recordUserLogin(db, user.id);
    },
  };
}
