/**
 * Embedder on the embedded llama.cpp engine and a GGUF embedding model (e.g. bge-small-en-v1.5):
 * loaded on first use, unloaded when idle, one text evaluated at a time. Vectors come back
 * L2-normalised, so cosine similarity is a dot product; texts longer than the context are
 * truncated, like TEI does.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import type { EmbedRequest, Embedder } from '../ports/embedder.js';
import { DEFAULT_IDLE_UNLOAD_MS, IdleModel } from './idle-model.js';
import { sharedCpuThreads, type LlamaGpu } from './llama-engine.js';
import { ggufEmbeddingLength, modelFileName } from './gguf-facts.js';

export interface LlamaCppEmbedderSettings {
  modelPath: string;
  /** Tokens per text at most (longer texts are truncated); default 2048, capped by the model. */
  contextSize?: number;
  /** CPU threads; default: half the machine's cores (see `sharedCpuThreads`). */
  threads?: number;
  /** Unload the model after this long without a request (0 keeps it loaded). */
  idleUnloadMs?: number;
  /** Tokens evaluated per step; default the context size (BERT-style models need a whole text). */
  batchSize?: number;
  /** `false` forces CPU; `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
  gpu?: LlamaGpu;
}

/** Room for the BOS/EOS (CLS/SEP) tokens llama.cpp adds around a text. */
const SPECIAL_TOKEN_ROOM = 3;

/** Scale to unit length (a zero vector stays zero). */
export function normaliseVector(vector: readonly number[]): number[] {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  return norm === 0 ? [...vector] : vector.map((value) => value / norm);
}

function cancelled(): PlatformError {
  return new PlatformError('cancelled', 'embedding cancelled');
}

class LlamaCppEmbedder implements Embedder {
  readonly adapter = 'llama-cpp';
  private readonly engine: IdleModel<LlamaEmbeddingContext>;
  private knownDimensions: number | undefined;
  private contextSize = 0;

  constructor(private readonly settings: LlamaCppEmbedderSettings) {
    this.engine = new IdleModel({
      modelPath: settings.modelPath,
      gpu: settings.gpu ?? 'auto',
      idleUnloadMs: settings.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS,
      missingFileMessage:
        `embedding model ${settings.modelPath} does not exist: run ` +
        '`homelab-ai models pull bge-small-en-v1.5` or set EMBEDDINGS_MODEL_PATH to a GGUF file',
      open: (model) => this.open(model),
      dispose: (context) => context.dispose(),
    });
  }

  get modelName(): string {
    return modelFileName(this.settings.modelPath);
  }

  get dimensions(): number | undefined {
    return this.knownDimensions;
  }

  private open(model: LlamaModel): Promise<LlamaEmbeddingContext> {
    this.contextSize = Math.min(this.settings.contextSize ?? 2048, model.trainContextSize);
    this.knownDimensions = model.embeddingVectorSize;
    return model.createEmbeddingContext({
      contextSize: this.contextSize,
      batchSize: this.settings.batchSize ?? this.contextSize,
      threads: this.settings.threads ?? sharedCpuThreads(),
    });
  }

  async embed({ texts, signal }: EmbedRequest): Promise<number[][]> {
    if (texts.length === 0) return [];
    const empty = texts.findIndex((text) => text.trim().length === 0);
    if (empty >= 0)
      throw new PlatformError('invalid_input', `text ${empty} is empty: nothing to embed`);
    if (signal?.aborted) throw cancelled();
    return this.engine.use(async (context, model) => {
      const vectors: number[][] = [];
      for (const text of texts) {
        if (signal?.aborted) throw cancelled();
        try {
          const { vector } = await context.getEmbeddingFor(this.fitted(text, context, model));
          this.knownDimensions = vector.length;
          vectors.push(normaliseVector(vector));
        } catch (error) {
          throw new PlatformError(
            'model_error',
            `llama.cpp could not embed with ${this.settings.modelPath}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }
      return vectors;
    });
  }

  /** The text, or its first tokens when it would not fit in the context. */
  private fitted(
    text: string,
    context: LlamaEmbeddingContext,
    model: LlamaModel,
  ): string | Token[] {
    if (context.calculateInputLength(text) < this.contextSize) return text;
    return model.tokenize(text).slice(0, this.contextSize - SPECIAL_TOKEN_ROOM);
  }

  async health(): Promise<PortHealth> {
    if (!(await this.engine.fileExists()))
      return { healthy: false, detail: `GGUF file ${this.settings.modelPath} not found` };
    // Reading the GGUF header is cheap and tells the vector length before the first call.
    this.knownDimensions ??= await ggufEmbeddingLength(this.settings.modelPath);
    const size = this.knownDimensions === undefined ? '' : `${this.knownDimensions} dimensions, `;
    return {
      healthy: true,
      detail: `${this.modelName} (${size}${this.engine.loaded ? 'loaded' : 'loads on first use'})`,
    };
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** An Embedder running a GGUF embedding model in-process with llama.cpp. */
export function createLlamaCppEmbedder(settings: LlamaCppEmbedderSettings): Embedder {
  return new LlamaCppEmbedder(settings);
}
