/**
 * The Valkey SessionCache (also Redis ≥ 7), through iovalkey. A history is a list of JSON
 * entries; an append is one MULTI (RPUSH, LTRIM, PEXPIRE), so concurrent appends from several
 * replicas never interleave. A counter is INCRBY + `PEXPIRE … NX` in one MULTI: only the first
 * increment of a window sets the expiry. Timeouts on connecting and on every command, and one
 * retry per command, keep a down server from hanging a chat turn.
 */
import { Valkey } from 'iovalkey';
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
  assertValidKey,
  closedError,
  quote,
  validateAppend,
  validateGetHistory,
  validateIncrement,
  validateSetValue,
} from '../validation.js';
import { toCacheError, type ConnectionState } from './valkey-errors.js';
import {
  checkValkeySettings,
  type CheckedValkeySettings,
  type ValkeySessionCacheSettings,
} from './valkey-settings.js';

export type { ValkeySessionCacheSettings } from './valkey-settings.js';

type ExecResult = [error: Error | null, result: unknown][] | null;

/** The replies of a MULTI, or the first error inside it. */
function repliesOf(result: ExecResult): unknown[] {
  if (result === null) throw new Error('the transaction was aborted');
  return result.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** KEYS[1] history list; ARGV[1] max entries, ARGV[2] TTL in ms, ARGV[3..] JSON entries. */
const APPEND_HISTORY_SCRIPT = `
local length = redis.call('RPUSH', KEYS[1], unpack(ARGV, 3))
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[1]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return length`;

interface AppendScriptClient {
  homelabAppendHistory(
    key: string,
    maxEntries: number,
    ttlMs: number,
    ...entries: string[]
  ): Promise<number>;
}

class ValkeySessionCache implements SessionCache {
  readonly adapter = 'valkey';
  readonly #settings: CheckedValkeySettings;
  readonly #client: Valkey;
  #lastConnectionError: string | undefined;
  /** Reconnections scheduled since the last `ready`: 2 or more means an attempt failed. */
  #reconnections = 0;
  #closed = false;

  constructor(settings: CheckedValkeySettings) {
    this.#settings = settings;
    this.#client = new Valkey(settings.url, {
      connectTimeout: settings.connectTimeoutMs,
      // Counts from when a command is queued, so it also bounds the wait for a connection.
      commandTimeout: settings.commandTimeoutMs,
      // A command waits through at most one reconnection attempt, then fails: a chat turn
      // should hear "cache unavailable" quickly rather than queue up behind a dead server.
      maxRetriesPerRequest: 1,
      // Keep reconnecting in the background (backing off to 1 s) so the cache heals itself.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    });
    this.#client.defineCommand('homelabAppendHistory', {
      numberOfKeys: 1,
      lua: APPEND_HISTORY_SCRIPT,
    });
    // Without a listener iovalkey prints every reconnection failure; keep the latest for health.
    this.#client.on('error', (error: Error) => {
      this.#lastConnectionError = error.message;
    });
    this.#client.on('reconnecting', () => {
      this.#reconnections += 1;
    });
    this.#client.on('ready', () => {
      this.#lastConnectionError = undefined;
      this.#reconnections = 0;
    });
  }

  appendHistory(
    sessionId: string,
    entries: readonly HistoryEntry[],
    options: AppendHistoryOptions,
  ): Promise<number> {
    return this.#run(`appending to the history of session ${quote(sessionId)}`, async () => {
      const valid = validateAppend(sessionId, entries, options);
      const key = this.#key('history', sessionId);
      // One script call (EVALSHA): append, trim and expire atomically in a single round trip
      // and a single command timer, where MULTI would queue five commands.
      const length = await (this.#client as unknown as AppendScriptClient).homelabAppendHistory(
        key,
        options.maxEntries,
        options.ttlMs,
        ...valid.map((entry) => JSON.stringify(entry)),
      );
      return Math.min(Number(length), options.maxEntries);
    });
  }

  getHistory(sessionId: string, options?: GetHistoryOptions): Promise<HistoryEntry[]> {
    return this.#run(`reading the history of session ${quote(sessionId)}`, async () => {
      const limit = validateGetHistory(sessionId, options);
      const stored = await this.#client.lrange(
        this.#key('history', sessionId),
        limit === undefined ? 0 : -limit,
        -1,
      );
      return stored.map((text, index) => {
        try {
          return JSON.parse(text) as HistoryEntry;
        } catch (error) {
          throw new PlatformError(
            'internal',
            `history of session ${quote(sessionId)} on Valkey at ${this.#settings.displayUrl} holds an entry (#${index}) that is not JSON; clear the history`,
            { cause: error, details: { sessionId } },
          );
        }
      });
    });
  }

  clearHistory(sessionId: string): Promise<void> {
    return this.#run(`clearing the history of session ${quote(sessionId)}`, async () => {
      assertValidKey(sessionId, 'session id');
      await this.#client.del(this.#key('history', sessionId));
    });
  }

  increment(key: string, options: IncrementOptions): Promise<number> {
    return this.#run(`incrementing counter ${quote(key)}`, async () => {
      const by = validateIncrement(key, options);
      const counterKey = this.#key('counter', key);
      const [count] = repliesOf(
        await this.#client
          .multi()
          .incrby(counterKey, by)
          .pexpire(counterKey, options.windowMs, 'NX')
          .exec(),
      );
      return Number(count);
    });
  }

  setValue(key: string, value: string, options: SetValueOptions): Promise<boolean> {
    return this.#run(`setting value ${quote(key)}`, async () => {
      validateSetValue(key, value, options);
      const valueKey = this.#key('value', key);
      const reply =
        options.onlyIfAbsent === true
          ? await this.#client.set(valueKey, value, 'PX', options.ttlMs, 'NX')
          : await this.#client.set(valueKey, value, 'PX', options.ttlMs);
      return reply === 'OK';
    });
  }

  getValue(key: string): Promise<string | undefined> {
    return this.#run(`reading value ${quote(key)}`, async () => {
      assertValidKey(key, 'key');
      return (await this.#client.get(this.#key('value', key))) ?? undefined;
    });
  }

  deleteValue(key: string): Promise<void> {
    return this.#run(`deleting value ${quote(key)}`, async () => {
      assertValidKey(key, 'key');
      await this.#client.del(this.#key('value', key));
    });
  }

  async health(): Promise<PortHealth> {
    const where = `Valkey at ${this.#settings.displayUrl}`;
    if (this.#closed) return { healthy: false, detail: `${where}: closed` };
    // While reconnecting, a PING would only wait for the next attempt: answer now.
    if (this.#client.status === 'reconnecting' || this.#client.status === 'end')
      return {
        healthy: false,
        detail: `${where}: not connected (${this.#lastConnectionError ?? this.#client.status})`,
      };
    const started = performance.now();
    try {
      await this.#client.ping();
      return {
        healthy: true,
        detail: `${where}: PING in ${(performance.now() - started).toFixed(1)} ms`,
      };
    } catch (error) {
      return {
        healthy: false,
        detail: toCacheError(
          error,
          this.#settings.displayUrl,
          'sending PING',
          this.#connectionState(),
        ).message,
      };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#client.status !== 'ready') {
      this.#client.disconnect();
      return;
    }
    // QUIT lets replies in flight arrive first; a dead socket is simply dropped.
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #connectionState(): ConnectionState {
    return {
      connected: this.#client.status === 'ready',
      lastConnectionError: this.#lastConnectionError,
    };
  }

  #key(kind: 'history' | 'counter' | 'value', id: string): string {
    return `${this.#settings.keyPrefix}${kind}:${id}`;
  }

  async #run<T>(doing: string, operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError(this.adapter);
    // Once a reconnection attempt has failed, the server is known to be down: fail at once
    // instead of queueing each call behind the next attempt. Right after a drop, calls still
    // wait for the first attempt, which heals a blip.
    if (this.#client.status === 'reconnecting' && this.#reconnections >= 2)
      throw new PlatformError(
        'unavailable',
        `Valkey at ${this.#settings.displayUrl} is unavailable while ${doing}: not connected (${this.#lastConnectionError ?? 'connection lost'}); reconnecting in the background`,
        { details: { url: this.#settings.displayUrl } },
      );
    try {
      return await operation();
    } catch (error) {
      throw toCacheError(error, this.#settings.displayUrl, doing, this.#connectionState());
    }
  }
}

/** A SessionCache on Valkey or Redis ≥ 7 (`VALKEY_URL`); connects in the background. */
export function createValkeySessionCache(settings: ValkeySessionCacheSettings): SessionCache {
  return new ValkeySessionCache(checkValkeySettings(settings));
}
