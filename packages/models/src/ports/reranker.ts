/**
 * The Reranker port: a query and candidate documents in, a relevance score per document out.
 * Adapters: TEI `/rerank`, Cohere/Infinity/Jina-style `/rerank`, embedded llama.cpp, `none`.
 */
import type { ModelService } from './model-service.js';

export interface RerankRequest {
  query: string;
  documents: readonly string[];
  signal?: AbortSignal;
}

export interface RerankScore {
  /** Index into `documents`. */
  index: number;
  /** Higher is more relevant; comparable only within one call. */
  score: number;
}

export interface Reranker extends ModelService {
  /** One score per document, sorted by descending score. */
  rerank(request: RerankRequest): Promise<RerankScore[]>;
}
