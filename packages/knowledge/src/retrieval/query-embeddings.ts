/**
 * Recent query embeddings, shared by whoever asks for the same query: a chat turn starts
 * embedding its question while its history and collection are still being looked up, and the
 * search that follows takes the vector already on its way. Failures are not kept.
 */
import { ExpiringMap, PlatformError, keptPromise } from '@homelab-ai/contracts';
import type { Embedder } from '@homelab-ai/models';

export interface QueryEmbeddings {
  /** The query's vector: from a recent request for the same text, or embedded now. */
  embed(query: string): Promise<readonly number[]>;
}

export function createQueryEmbeddings(
  embedder: Embedder,
  { maxEntries = 256, ttlMs = 60_000 } = {},
): QueryEmbeddings {
  const recent = new ExpiringMap<string, Promise<readonly number[]>>(ttlMs, maxEntries);
  return {
    embed(query) {
      return keptPromise(recent, query, async () => {
        const [first] = await embedder.embed({ texts: [query] });
        if (!first) {
          throw new PlatformError('model_error', `${embedder.adapter}: no vector for the query`);
        }
        return first;
      });
    },
  };
}
