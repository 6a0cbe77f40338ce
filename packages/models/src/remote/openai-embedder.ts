/**
 * Embedder over an OpenAI-compatible `POST /embeddings` (vLLM, Ollama, llama.cpp server,
 * Infinity, OpenAI itself): batches sent a few at a time, answers put back in input order.
 */
import { endianness } from 'node:os';
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { EmbedRequest, Embedder } from '../ports/embedder.js';
import { runBatches } from './batches.js';
import { clientFor, listedModels, type RemoteServiceSettings } from './settings.js';

export interface OpenAiEmbedderSettings extends RemoteServiceSettings {
  /** Texts per request (default 64). */
  batchSize?: number | undefined;
  /** Requests in flight at once (default 4). */
  concurrency?: number | undefined;
  /** Vector length, when known ahead of the first call. */
  dimensions?: number | undefined;
}

interface EmbeddingsAnswer {
  data?: { index?: number; embedding?: unknown }[];
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** An embedding as `encoding_format: base64` sends it: little-endian float32s. */
function fromBase64(value: string): number[] | undefined {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return undefined;
  if (LITTLE_ENDIAN) {
    // Copied into an aligned buffer and read as float32s at once.
    return Array.from(new Float32Array(new Uint8Array(bytes).buffer));
  }
  const floats = new Float32Array(bytes.length / 4);
  for (let index = 0; index < floats.length; index++) floats[index] = bytes.readFloatLE(index * 4);
  return Array.from(floats);
}

function toVector(value: unknown): number[] | undefined {
  if (typeof value === 'string') return fromBase64(value);
  return isVector(value) ? value : undefined;
}

class OpenAiEmbedder implements Embedder {
  readonly adapter = 'openai';
  private readonly client;
  private resolvedModel: string | undefined;
  private learnedDimensions: number | undefined;
  /** Base64 vectors are several times cheaper to send and read; servers without it get floats. */
  private base64 = true;

  constructor(private readonly settings: OpenAiEmbedderSettings) {
    this.client = clientFor(settings, 'embeddings (OpenAI-compatible)');
    this.resolvedModel = settings.model;
    this.learnedDimensions = settings.dimensions;
  }

  get modelName(): string {
    return this.resolvedModel ?? '(first model the server lists)';
  }

  get dimensions(): number | undefined {
    return this.learnedDimensions;
  }

  private async model(signal: AbortSignal | undefined): Promise<string> {
    if (this.resolvedModel) return this.resolvedModel;
    const [first] = listedModels(await this.client.json({ path: '/models', signal }));
    if (!first)
      throw new PlatformError(
        'model_rejected',
        `embeddings ${this.client.urlFor('/models')} lists no models; set EMBEDDINGS_MODEL`,
      );
    this.resolvedModel = first;
    return first;
  }

  async embed(request: EmbedRequest): Promise<number[][]> {
    if (request.texts.length === 0) return [];
    const model = await this.model(request.signal);
    return runBatches({
      items: request.texts,
      batchSize: this.settings.batchSize ?? 64,
      concurrency: this.settings.concurrency ?? 4,
      signal: request.signal,
      call: (batch, signal) => this.embedBatch(model, batch, signal),
    });
  }

  private async embedBatch(
    model: string,
    input: string[],
    signal: AbortSignal,
  ): Promise<number[][]> {
    const path = '/embeddings';
    let answer: EmbeddingsAnswer;
    try {
      answer = await this.client.json<EmbeddingsAnswer>({
        path,
        json: { model, input, ...(this.base64 ? { encoding_format: 'base64' } : {}) },
        signal,
      });
    } catch (error) {
      const refusedBase64 =
        this.base64 &&
        error instanceof PlatformError &&
        error.code === 'model_rejected' &&
        /encoding_format|base64/i.test(error.message);
      if (!refusedBase64) throw error;
      this.base64 = false;
      return this.embedBatch(model, input, signal);
    }
    const rows = [...(answer.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const vectors = rows.map((row) => toVector(row.embedding));
    if (
      vectors.length !== input.length ||
      !vectors.every((vector): vector is number[] => vector !== undefined)
    )
      throw this.client.malformed(
        this.client.urlFor(path),
        `answered ${vectors.length} embeddings for ${input.length} texts`,
      );
    this.learnedDimensions ??= vectors[0]?.length;
    return vectors;
  }

  async health(): Promise<PortHealth> {
    const probe = await this.client.probe('/models', this.settings.healthTimeoutMs);
    if (!probe.ok) return { healthy: false, detail: probe.detail };
    const models = listedModels(probe.body);
    if (this.settings.model && models.length > 0 && !models.includes(this.settings.model))
      return {
        healthy: false,
        detail: `${this.client.baseUrl} does not list model ${this.settings.model} (has: ${models.slice(0, 5).join(', ')})`,
      };
    return { healthy: true, detail: `${this.client.baseUrl} model ${this.modelName}` };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** An Embedder over an OpenAI-compatible server; `baseUrl` includes `/v1`. */
export function createOpenAiEmbedder(settings: OpenAiEmbedderSettings): Embedder {
  return new OpenAiEmbedder(settings);
}
