/**
 * The SessionCache port: short-lived state shared by handlers and gateways — the recent chat
 * history of each session (bounded, expiring), fixed-window counters for rate limits, and small
 * expiring values. Adapters: `createMemorySessionCache` (one process) and
 * `createValkeySessionCache` (Valkey or Redis). Both pass the same contract suite.
 */
import type { PortHealth } from '@homelab-ai/contracts';

export type { PortHealth } from '@homelab-ai/contracts';

export type HistoryRole = 'system' | 'user' | 'assistant';

/** One turn of a conversation, as the chat handler keeps it. */
export interface HistoryEntry {
  role: HistoryRole;
  content: string;
  /** The bus request that produced this entry, when there is one. */
  request_id?: string;
  /** When it was said: whole milliseconds since the Unix epoch. */
  at: number;
}

export interface AppendHistoryOptions {
  /** Keep only the newest this many entries of the session (1…10,000). */
  maxEntries: number;
  /** The whole history expires this long after the last append (ms). */
  ttlMs: number;
}

export interface GetHistoryOptions {
  /** Only the newest this many entries (still oldest first). */
  limit?: number;
}

export interface IncrementOptions {
  /** Length of the fixed window: the first increment starts it, and it is not extended. */
  windowMs: number;
  /** Added to the counter; defaults to 1. */
  by?: number;
}

export interface SetValueOptions {
  /** The value expires this long after it is set (ms). */
  ttlMs: number;
  /** Store only when the key holds no value (for "first one wins", e.g. de-duplication). */
  onlyIfAbsent?: boolean;
}

export interface SessionCache {
  /** Which adapter this is: `memory` or `valkey`. */
  readonly adapter: string;
  /**
   * Appends entries to a session's history, keeps the newest `maxEntries` and restarts its
   * expiry, in one atomic step: concurrent appends never interleave or lose entries.
   * Returns the number of entries the history holds afterwards.
   */
  appendHistory(
    sessionId: string,
    entries: readonly HistoryEntry[],
    options: AppendHistoryOptions,
  ): Promise<number>;
  /** The session's history, oldest first; empty when there is none (or it expired). */
  getHistory(sessionId: string, options?: GetHistoryOptions): Promise<HistoryEntry[]>;
  /** Forgets a session's history; clearing a missing history is not an error. */
  clearHistory(sessionId: string): Promise<void>;
  /**
   * Adds to a fixed-window counter and returns its new value. The first increment of a window
   * sets its expiry; after `windowMs` the counter starts again from zero.
   */
  increment(key: string, options: IncrementOptions): Promise<number>;
  /** Stores a string value with an expiry. Returns false when `onlyIfAbsent` kept an old one. */
  setValue(key: string, value: string, options: SetValueOptions): Promise<boolean>;
  /** The value under the key, or undefined when there is none (or it expired). */
  getValue(key: string): Promise<string | undefined>;
  /** Removes a value; removing a missing value is not an error. */
  deleteValue(key: string): Promise<void>;
  health(): Promise<PortHealth>;
  /** Releases connections and timers; later calls fail with `unavailable`. */
  close(): Promise<void>;
}

/** Longest session id or key, in characters. */
export const MAX_KEY_LENGTH = 256;
/** Most entries one history may keep. */
export const MAX_HISTORY_ENTRIES = 10_000;
/** Longest content of one history entry, in characters (a long RAG prompt fits). */
export const MAX_ENTRY_CONTENT_LENGTH = 1_000_000;
/** Longest value `setValue` takes, in characters. */
export const MAX_VALUE_LENGTH = 1_000_000;
/** Longest TTL or window: 30 days. */
export const MAX_TTL_MS = 30 * 24 * 60 * 60 * 1000;
