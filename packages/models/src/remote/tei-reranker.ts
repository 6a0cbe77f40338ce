/**
 * Reranker over HuggingFace text-embeddings-inference `POST /rerank` (cross-encoder models such
 * as bge-reranker). Each pair is scored alone, so batches of texts can be merged.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import type { RerankRequest, RerankScore, Reranker } from '../ports/reranker.js';
import { runBatches } from './batches.js';
import { scoresInOrder } from './rerank-scores.js';
import { clientFor, type RemoteServiceSettings } from './settings.js';
import { teiHealth } from './tei-info.js';

export interface TeiRerankerSettings extends RemoteServiceSettings {
  /** Texts per request; TEI refuses more than its max_client_batch_size (default 32). */
  batchSize?: number | undefined;
  concurrency?: number | undefined;
}

class TeiReranker implements Reranker {
  readonly adapter = 'tei';
  private readonly client;
  private learnedModel: string | undefined;

  constructor(private readonly settings: TeiRerankerSettings) {
    this.client = clientFor(settings, 'reranker (TEI)');
    this.learnedModel = settings.model;
  }

  get modelName(): string {
    return this.learnedModel ?? '(the model TEI serves)';
  }

  async rerank(request: RerankRequest): Promise<RerankScore[]> {
    const scores = await runBatches({
      items: request.documents,
      batchSize: this.settings.batchSize ?? 32,
      concurrency: this.settings.concurrency ?? 4,
      signal: request.signal,
      call: async (texts, signal) => {
        const answer = await this.client.json<unknown>({
          path: '/rerank',
          json: { query: request.query, texts, truncate: true },
          signal,
        });
        return scoresInOrder(
          this.client,
          this.client.urlFor('/rerank'),
          answer,
          texts.length,
          'score',
        );
      },
    });
    return scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score);
  }

  async health(): Promise<PortHealth> {
    const health = await teiHealth(this.client, this.settings.healthTimeoutMs);
    if (health.modelId) this.learnedModel ??= health.modelId;
    return { healthy: health.healthy, detail: health.detail };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A Reranker over a text-embeddings-inference server, e.g. `http://tei-rerank:8080`. */
export function createTeiReranker(settings: TeiRerankerSettings): Reranker {
  return new TeiReranker(settings);
}
