/**
 * The Embedder port: texts in, one vector per text out, in batches. Adapters: OpenAI-compatible
 * `/v1/embeddings`, TEI `/embed`, embedded llama.cpp, `none`.
 */
import type { ModelService } from './model-service.js';

export interface EmbedRequest {
  texts: readonly string[];
  /** Aborting stops the call with a `cancelled` error. */
  signal?: AbortSignal;
}

export interface Embedder extends ModelService {
  /** Vector length, once known (after the first call or from configuration). */
  readonly dimensions: number | undefined;
  /** One vector per text, in input order. Splits large inputs into batches itself. */
  embed(request: EmbedRequest): Promise<number[][]>;
}
