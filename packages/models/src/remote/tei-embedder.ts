/**
 * Embedder over HuggingFace text-embeddings-inference `POST /embed`: inputs truncated to the
 * model's length, split into batches no larger than TEI's `max_client_batch_size`.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import type { EmbedRequest, Embedder } from '../ports/embedder.js';
import { runBatches } from './batches.js';
import { clientFor, type RemoteServiceSettings } from './settings.js';
import { teiHealth } from './tei-info.js';

export interface TeiEmbedderSettings extends RemoteServiceSettings {
  /** Texts per request; TEI refuses more than its max_client_batch_size (default 32). */
  batchSize?: number | undefined;
  /** Requests in flight at once (default 4). */
  concurrency?: number | undefined;
  dimensions?: number | undefined;
}

function isMatrix(value: unknown): value is number[][] {
  return (
    Array.isArray(value) &&
    value.every((row) => Array.isArray(row) && row.every((item) => typeof item === 'number'))
  );
}

class TeiEmbedder implements Embedder {
  readonly adapter = 'tei';
  private readonly client;
  private learnedModel: string | undefined;
  private learnedDimensions: number | undefined;

  constructor(private readonly settings: TeiEmbedderSettings) {
    this.client = clientFor(settings, 'embeddings (TEI)');
    this.learnedModel = settings.model;
    this.learnedDimensions = settings.dimensions;
  }

  get modelName(): string {
    return this.learnedModel ?? '(the model TEI serves)';
  }

  get dimensions(): number | undefined {
    return this.learnedDimensions;
  }

  embed(request: EmbedRequest): Promise<number[][]> {
    return runBatches({
      items: request.texts,
      batchSize: this.settings.batchSize ?? 32,
      concurrency: this.settings.concurrency ?? 4,
      signal: request.signal,
      call: (inputs, signal) => this.embedBatch(inputs, signal),
    });
  }

  private async embedBatch(inputs: string[], signal: AbortSignal): Promise<number[][]> {
    const answer = await this.client.json<unknown>({
      path: '/embed',
      json: { inputs, truncate: true },
      signal,
    });
    if (!isMatrix(answer) || answer.length !== inputs.length)
      throw this.client.malformed(
        this.client.urlFor('/embed'),
        `answered ${Array.isArray(answer) ? answer.length : 'no'} embeddings for ${inputs.length} texts`,
      );
    this.learnedDimensions ??= answer[0]?.length;
    return answer;
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

/** An Embedder over a text-embeddings-inference server, e.g. `http://tei:8080`. */
export function createTeiEmbedder(settings: TeiEmbedderSettings): Embedder {
  return new TeiEmbedder(settings);
}
