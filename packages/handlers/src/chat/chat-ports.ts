/**
 * The ports the chat handler needs beyond the bus and the model: the conversation's memory
 * (owner, session, history, stored messages, companion) and the knowledge it searches. The
 * platform adapts them over the SessionCache, the metadata DB and the knowledge service.
 */
import type { RagSource } from '@homelab-ai/contracts';

/** Who speaks in a turn, as the bus request tells it. */
export interface TurnIdentity {
  /** The `user_id` of the subject or request: a user's uuid, or any name a bus client chose. */
  userId: string;
  username?: string | undefined;
  /** The request's `session_id`: one of the owner's session uuids, or a client's own id. */
  sessionId?: string | undefined;
  companionId?: string | undefined;
}

/** The owner and the session a turn belongs to. */
export interface TurnScope {
  ownerId: string;
  displayName: string;
  sessionId: string;
  /** The session's title ('' until the first message names it). */
  title: string;
  /** The companion the session was started with, if any. */
  companionId: string | undefined;
}

export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** A companion's persona as the handler applies it. */
export interface CompanionPersona {
  name: string;
  systemPrompt: string;
  /** Name of its default collection, searched when the request names none. */
  defaultCollection: string | undefined;
  voice: string | undefined;
}

/** An answer stored earlier for a request: re-published on redelivery, never generated again. */
export interface StoredAnswer {
  content: string;
  sources: RagSource[];
}

export interface TurnRecord {
  requestId: string;
  question: string;
  answer: string;
  sources: readonly RagSource[];
  /** Regenerate: the question is already stored; the previous answer is replaced. */
  regenerate: boolean;
}

export interface ChatMemory {
  /** Finds (or creates) the owner and the session of a turn. */
  resolve(identity: TurnIdentity): Promise<TurnScope>;
  /** The session's history, oldest first (cache first, the database when the cache is cold). */
  history(scope: TurnScope): Promise<HistoryMessage[]>;
  /**
   * The answer stored for this request id, if the turn was answered before. `firstDelivery`
   * allows a cheaper check for the common case: a session's recent history (cached) that lacks
   * the answer is trusted, since an answer stored for the request would be among its turns.
   */
  storedAnswer(
    scope: TurnScope,
    requestId: string,
    options?: { firstDelivery?: boolean },
  ): Promise<StoredAnswer | undefined>;
  /** Stores the question (unless regenerating) and the answer, once per request id. */
  record(scope: TurnScope, turn: TurnRecord): Promise<void>;
  /** One of the owner's companions; undefined when there is none with this id. */
  companion(ownerId: string, companionId: string): Promise<CompanionPersona | undefined>;
  /** For greetings: the user's display name and latest session title, if the user exists. */
  greetingFacts(identity: TurnIdentity): Promise<GreetingFacts | undefined>;
  /** Notes a login (users.last_login_at) when the user exists. */
  recordLogin(userId: string): Promise<void>;
}

export interface GreetingFacts {
  displayName: string;
  lastSessionTitle: string | undefined;
}

export interface KnowledgeQuery {
  query: string;
  topK: number;
  rerank: boolean;
}

export interface KnowledgePassage {
  text: string;
  score: number;
  source: string;
  collection: string;
  document_id?: string;
  page?: number;
  heading?: string;
}

export interface KnowledgeAnswer {
  passages: KnowledgePassage[];
  /** What could not be done (no embedder, unknown collection…), told to the user. */
  notices: string[];
}

export interface ChatKnowledge {
  /** Searches one of the owner's collections; failures come back as notices, not errors. */
  search(ownerId: string, collectionName: string, query: KnowledgeQuery): Promise<KnowledgeAnswer>;
  /** Starts the work a search of this query will need (its embedding) ahead of the search. */
  prefetch?(query: string): void;
}
