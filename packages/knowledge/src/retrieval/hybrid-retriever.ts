/**
 * Hybrid retrieval: BM25 and vector search over one collection, fused by reciprocal rank,
 * optionally reranked. With no embedding model it runs lexical-only and says so.
 */
import type { Embedder, Reranker } from '@homelab-ai/models';
import type { ChunkFilter, ChunkHit, VectorStore } from '@homelab-ai/vector-store';
import { toPassage, type Passage } from './passage.js';
import { reciprocalRankFusion } from './reciprocal-rank-fusion.js';

export interface RetrieveRequest {
  /** The VectorStore collection to search. */
  collection: string;
  query: string;
  topK: number;
  owner?: string;
  documentIds?: readonly string[];
  /** Rerank the fused candidates through the Reranker port (when one is configured). */
  rerank?: boolean;
  signal?: AbortSignal;
  /** The query's vector when the caller already has it on its way (else it is embedded here). */
  queryVector?: Promise<readonly number[]>;
}

export interface RetrieveResult {
  passages: Passage[];
  mode: 'hybrid' | 'lexical';
  reranked: boolean;
  /** Set when something the caller asked for could not be done (no embedder, no reranker). */
  notices: string[];
}

export interface HybridRetrieverDeps {
  vectors: VectorStore;
  embedder: Embedder;
  reranker: Reranker;
  /** Candidates drawn from each half before fusion, as a multiple of topK (default 4). */
  candidateFactor?: number;
}

export interface HybridRetriever {
  retrieve(request: RetrieveRequest): Promise<RetrieveResult>;
}

const isConfigured = (service: { adapter: string }) => service.adapter !== 'none';

async function queryVector(
  embedder: Embedder,
  request: RetrieveRequest,
): Promise<readonly number[] | undefined> {
  if (request.queryVector) return request.queryVector;
  const [vector] = await embedder.embed({
    texts: [request.query],
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return vector;
}

export function createHybridRetriever(deps: HybridRetrieverDeps): HybridRetriever {
  const factor = deps.candidateFactor ?? 4;
  return {
    async retrieve(request) {
      const notices: string[] = [];
      const filter: ChunkFilter = {
        ...(request.owner === undefined ? {} : { owner: request.owner }),
        ...(request.documentIds === undefined ? {} : { documentId: request.documentIds }),
      };
      const candidates = Math.max(request.topK * factor, 20);
      const options = { topK: candidates, filter };
      const hybrid = isConfigured(deps.embedder);
      const [lexicalHits, vectorHits] = await Promise.all([
        deps.vectors.searchText(request.collection, request.query, options),
        hybrid
          ? queryVector(deps.embedder, request).then((vector) =>
              vector ? deps.vectors.search(request.collection, vector, options) : [],
            )
          : Promise.resolve<ChunkHit[]>([]),
      ]);
      if (!hybrid) notices.push('No embedding model is configured: lexical (BM25) search only.');
      const fused = reciprocalRankFusion<ChunkHit>([vectorHits, lexicalHits]);
      let passages = fused.map(({ item, score, ranks }) =>
        toPassage(item, score, [
          ...(ranks[0] === undefined ? [] : (['vector'] as const)),
          ...(ranks[1] === undefined ? [] : (['lexical'] as const)),
        ]),
      );
      let reranked = false;
      if (request.rerank && passages.length > 0) {
        if (isConfigured(deps.reranker)) {
          const pool = passages.slice(0, Math.max(request.topK * 2, 10));
          const scores = await deps.reranker.rerank({
            query: request.query,
            documents: pool.map((passage) => passage.text),
            ...(request.signal ? { signal: request.signal } : {}),
          });
          passages = scores.flatMap(({ index, score }) => {
            const passage = pool[index];
            return passage ? [{ ...passage, rerankScore: score, score }] : [];
          });
          reranked = true;
        } else {
          notices.push('No reranker is configured: results keep their hybrid order.');
        }
      }
      return {
        passages: passages.slice(0, request.topK),
        mode: hybrid ? 'hybrid' : 'lexical',
        reranked,
        notices,
      };
    },
  };
}
