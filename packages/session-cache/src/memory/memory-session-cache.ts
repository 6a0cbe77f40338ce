/**
 * The in-memory SessionCache: one process, nothing to run. Expired keys are dropped when read
 * (so an expiry is exact) and by a periodic sweep (so unread keys do not pile up). The total
 * size is bounded: past `maxBytes`, the least recently used keys are evicted, as a Valkey
 * server with `maxmemory-policy allkeys-lru` would.
 */
import { PlatformError, type PortHealth } from '@homelab-ai/contracts';
import type {
  AppendHistoryOptions,
  GetHistoryOptions,
  HistoryEntry,
  IncrementOptions,
  SessionCache,
  SetValueOptions,
} from '../port.js';
import {
  closedError,
  quote,
  validateAppend,
  validateGetHistory,
  validateIncrement,
  validateSetValue,
  assertValidKey,
} from '../validation.js';

export interface MemorySessionCacheSettings {
  /** Approximate bound on everything stored (default 64 MiB); LRU keys go first. */
  maxBytes?: number;
  /** How often expired keys are swept out (default 30 s). */
  sweepIntervalMs?: number;
}

export const DEFAULT_MEMORY_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

/** Bookkeeping per key and per entry, on top of the text (UTF-16: 2 bytes a character). */
const KEY_OVERHEAD_BYTES = 96;
const ENTRY_OVERHEAD_BYTES = 64;

type Slot =
  | { kind: 'history'; expiresAt: number; bytes: number; entries: HistoryEntry[] }
  | { kind: 'counter'; expiresAt: number; bytes: number; count: number }
  | { kind: 'value'; expiresAt: number; bytes: number; value: string };

const entryBytes = (entry: HistoryEntry): number =>
  ENTRY_OVERHEAD_BYTES + 2 * (entry.content.length + (entry.request_id?.length ?? 0));

function checkSetting(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    throw new PlatformError(
      'invalid_config',
      `memory session cache: ${name} must be a whole number of at least ${min}, got ${value}`,
    );
  return value;
}

class MemorySessionCache implements SessionCache {
  readonly adapter = 'memory';
  // Map order is recency order: a touched key is moved to the end, eviction takes the front.
  readonly #slots = new Map<string, Slot>();
  readonly #maxBytes: number;
  readonly #sweeper: NodeJS.Timeout;
  #bytes = 0;
  #closed = false;

  constructor(settings: MemorySessionCacheSettings) {
    this.#maxBytes = checkSetting(settings.maxBytes ?? DEFAULT_MEMORY_MAX_BYTES, 'maxBytes', 1024);
    const interval = checkSetting(
      settings.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
      'sweepIntervalMs',
      10,
    );
    this.#sweeper = setInterval(() => this.#sweep(), interval);
    // The sweep is housekeeping: it must not keep a finished process alive.
    this.#sweeper.unref();
  }

  appendHistory(
    sessionId: string,
    entries: readonly HistoryEntry[],
    options: AppendHistoryOptions,
  ): Promise<number> {
    return this.#run(() => {
      const valid = validateAppend(sessionId, entries, options);
      const key = `history:${sessionId}`;
      const previous = this.#read(key, 'history');
      const combined = [...(previous?.entries ?? []), ...valid].slice(-options.maxEntries);
      const bytes = combined.reduce((sum, entry) => sum + entryBytes(entry), KEY_OVERHEAD_BYTES);
      if (bytes > this.#maxBytes)
        throw new PlatformError(
          'payload_too_large',
          `history of session ${quote(sessionId)} would take ${bytes} bytes, more than this cache's maxBytes ${this.#maxBytes}`,
          { details: { sessionId } },
        );
      this.#write(key, {
        kind: 'history',
        expiresAt: Date.now() + options.ttlMs,
        bytes,
        entries: combined,
      });
      return combined.length;
    });
  }

  getHistory(sessionId: string, options?: GetHistoryOptions): Promise<HistoryEntry[]> {
    return this.#run(() => {
      const limit = validateGetHistory(sessionId, options);
      const entries = this.#read(`history:${sessionId}`, 'history')?.entries ?? [];
      const wanted = limit === undefined ? entries : entries.slice(-limit);
      // Copies, so a caller editing what it got cannot change the stored history.
      return wanted.map((entry) => ({ ...entry }));
    });
  }

  clearHistory(sessionId: string): Promise<void> {
    return this.#run(() => {
      assertValidKey(sessionId, 'session id');
      this.#remove(`history:${sessionId}`);
    });
  }

  increment(key: string, options: IncrementOptions): Promise<number> {
    return this.#run(() => {
      const by = validateIncrement(key, options);
      const slotKey = `counter:${key}`;
      const counter = this.#read(slotKey, 'counter');
      // The window is fixed: later increments keep the expiry the first one set.
      const expiresAt = counter?.expiresAt ?? Date.now() + options.windowMs;
      const count = (counter?.count ?? 0) + by;
      this.#write(slotKey, { kind: 'counter', expiresAt, bytes: KEY_OVERHEAD_BYTES, count });
      return count;
    });
  }

  setValue(key: string, value: string, options: SetValueOptions): Promise<boolean> {
    return this.#run(() => {
      validateSetValue(key, value, options);
      const slotKey = `value:${key}`;
      if (options.onlyIfAbsent === true && this.#read(slotKey, 'value') !== undefined) return false;
      const bytes = KEY_OVERHEAD_BYTES + 2 * value.length;
      if (bytes > this.#maxBytes)
        throw new PlatformError(
          'payload_too_large',
          `value for key ${quote(key)} would take ${bytes} bytes, more than this cache's maxBytes ${this.#maxBytes}`,
          { details: { key } },
        );
      this.#write(slotKey, { kind: 'value', expiresAt: Date.now() + options.ttlMs, bytes, value });
      return true;
    });
  }

  getValue(key: string): Promise<string | undefined> {
    return this.#run(() => {
      assertValidKey(key, 'key');
      return this.#read(`value:${key}`, 'value')?.value;
    });
  }

  deleteValue(key: string): Promise<void> {
    return this.#run(() => {
      assertValidKey(key, 'key');
      this.#remove(`value:${key}`);
    });
  }

  health(): Promise<PortHealth> {
    if (this.#closed) return Promise.resolve({ healthy: false, detail: 'closed' });
    const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    return Promise.resolve({
      healthy: true,
      detail: `in memory: ${this.#slots.size} keys, ~${megabytes(this.#bytes)} of ${megabytes(this.#maxBytes)} MiB`,
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#slots.clear();
    this.#bytes = 0;
    return Promise.resolve();
  }

  /** Every operation runs synchronously, which is what makes each one atomic. */
  #run<T>(operation: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(this.adapter));
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The live slot of this kind under the key (refreshing its recency), or undefined. */
  #read<Kind extends Slot['kind']>(
    key: string,
    kind: Kind,
  ): Extract<Slot, { kind: Kind }> | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= Date.now()) {
      this.#remove(key);
      return undefined;
    }
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot.kind === kind ? (slot as Extract<Slot, { kind: Kind }>) : undefined;
  }

  #write(key: string, slot: Slot): void {
    this.#remove(key);
    this.#slots.set(key, slot);
    this.#bytes += slot.bytes;
    for (const [oldest] of this.#slots) {
      if (this.#bytes <= this.#maxBytes || oldest === key) break;
      this.#remove(oldest);
    }
  }

  #remove(key: string): void {
    const slot = this.#slots.get(key);
    if (slot === undefined) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, slot] of this.#slots) if (slot.expiresAt <= now) this.#remove(key);
  }
}

/** An in-memory SessionCache for one process (the embedded default). */
export function createMemorySessionCache(settings: MemorySessionCacheSettings = {}): SessionCache {
  return new MemorySessionCache(settings);
}
