/**
 * Reranker over a Cohere-style `POST /rerank` (Cohere, Infinity, Jina, vLLM, llama.cpp server):
 * `{model, query, documents, top_n}` in, `{results: [{index, relevance_score}]}` out.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import type { RerankRequest, RerankScore, Reranker } from '../ports/reranker.js';
import { scoresInOrder } from './rerank-scores.js';
import { clientFor, listedModels, type RemoteServiceSettings } from './settings.js';

export type CohereRerankerSettings = RemoteServiceSettings;

class CohereReranker implements Reranker {
  readonly adapter = 'cohere';
  private readonly client;

  constructor(private readonly settings: CohereRerankerSettings) {
    this.client = clientFor(settings, 'reranker (Cohere-style)');
  }

  get modelName(): string {
    return this.settings.model ?? '(the server default)';
  }

  async rerank(request: RerankRequest): Promise<RerankScore[]> {
    if (request.documents.length === 0) return [];
    const answer = await this.client.json<{ results?: unknown }>({
      path: '/rerank',
      json: {
        model: this.settings.model,
        query: request.query,
        documents: request.documents,
        top_n: request.documents.length,
      },
      signal: request.signal,
    });
    const url = this.client.urlFor('/rerank');
    const scores = scoresInOrder(
      this.client,
      url,
      answer.results,
      request.documents.length,
      'relevance_score',
    );
    return scores.map((score, index) => ({ index, score })).sort((a, b) => b.score - a.score);
  }

  async health(): Promise<PortHealth> {
    const probe = await this.client.probe('/models', this.settings.healthTimeoutMs);
    if (!probe.ok) return { healthy: false, detail: probe.detail };
    const models = listedModels(probe.body);
    return {
      healthy: true,
      detail: `${this.client.baseUrl} model ${this.settings.model ?? models[0] ?? '(default)'}`,
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A Reranker over a Cohere-compatible server; `baseUrl` usually ends in `/v1`. */
export function createCohereReranker(settings: CohereRerankerSettings): Reranker {
  return new CohereReranker(settings);
}
