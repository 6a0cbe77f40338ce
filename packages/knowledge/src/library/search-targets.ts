/**
 * The collections searches aim at, remembered for a moment. A chat turn searches its collection
 * on every question, and looking it up (with its documents still indexing) is a database round
 * trip on the turn's path. Only a collection with nothing left to index is remembered, so a
 * "still being indexed" notice is never stale; this process's uploads and deletions forget at
 * once, and another replica's upload is seen within `ttlMs` (2 s).
 */
import { ExpiringMap } from '@homelab-ai/contracts';
import type { Collection, PendingDocuments } from '@homelab-ai/metadata-db';

export interface SearchTarget {
  collection: Collection;
  pending: PendingDocuments;
}

export interface SearchTargets {
  find(ownerId: string, name: string): Promise<SearchTarget | undefined>;
  /** Forgets everything remembered: a collection or its documents changed. */
  forget(): void;
}

const MAX_KEPT = 1_000;

export function createSearchTargets(
  lookUp: (ownerId: string, name: string) => Promise<SearchTarget | undefined>,
  ttlMs = 2_000,
): SearchTargets {
  const kept = new ExpiringMap<string, SearchTarget>(ttlMs, MAX_KEPT);
  return {
    async find(ownerId, name) {
      const key = `${ownerId}\n${name}`;
      const known = kept.get(key);
      if (known) return known;
      const target = await lookUp(ownerId, name);
      if (target && target.pending.count === 0) kept.set(key, target);
      return target;
    },
    forget() {
      kept.clear();
    },
  };
}
