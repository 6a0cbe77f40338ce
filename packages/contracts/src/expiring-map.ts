/**
 * Values kept for a short while: each entry is forgotten `ttlMs` after it was set, and past
 * `maxEntries` the oldest go first. The one shape behind the platform's small caches (session
 * checks, search targets, query embeddings, turn scopes).
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value, unless it was never set, was deleted or has expired. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The promise kept under `key`, or `load()`'s, kept unless it fails (a failure is retried). */
export function keptPromise<K, T>(
  kept: ExpiringMap<K, Promise<T>>,
  key: K,
  load: () => Promise<T>,
): Promise<T> {
  const known = kept.get(key);
  if (known) return known;
  const value = load();
  kept.set(key, value);
  value.catch(() => {
    if (kept.get(key) === value) kept.delete(key);
  });
  return value;
}
