/**
 * Recent query embeddings, shared by whoever asks for the same query: a chat turn starts
 * embedding its question while its history and collection are still being looked up, and the
 * search that follows takes the vector already on its way. Failures are not kept.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { Embedder } from '@homelab-ai/models';

export interface QueryEmbeddings {
  /** The query's vector: from a recent request for the same text, or embedded now. */
  embed(query: string): Promise<readonly number[]>;
}

interface Recent {
  vector: Promise<readonly number[]>;
  expiresAt: number;
}

export function createQueryEmbeddings(
  embedder: Embedder,
  { maxEntries = 256, ttlMs = 60_000 } = {},
): QueryEmbeddings {
  const recent = new Map<string, Recent>();
  return {
    embed(query) {
      const now = Date.now();
      const kept = recent.get(query);
      if (kept && kept.expiresAt > now) return kept.vector;
      const vector = embedder.embed({ texts: [query] }).then(([first]) => {
        if (!first) {
          throw new PlatformError('model_error', `${embedder.adapter}: no vector for the query`);
        }
        return first;
      });
      const entry = { vector, expiresAt: now + ttlMs };
      recent.delete(query);
      recent.set(query, entry);
      vector.catch(() => {
        if (recent.get(query) === entry) recent.delete(query);
      });
      for (const oldest of recent.keys()) {
        if (recent.size <= maxEntries) break;
        recent.delete(oldest);
      }
      return vector;
    },
  };
}
