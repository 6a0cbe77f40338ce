/**
 * Reranker on the embedded llama.cpp engine and a GGUF reranker (a cross-encoder with a
 * classification head, e.g. bge-reranker-v2-m3 or Qwen3-Reranker): each document is scored
 * together with the query, one after another; long documents are split into overlapping chunks
 * and keep their best chunk's score. A model without a classification head is rejected clearly.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { LlamaModel, LlamaRankingContext } from 'node-llama-cpp';
import type { RerankRequest, RerankScore, Reranker } from '../ports/reranker.js';
import { ggufHasClassificationHead, modelFileName } from './gguf-facts.js';
import { DEFAULT_IDLE_UNLOAD_MS, IdleModel } from './idle-model.js';
import { sharedCpuThreads, type LlamaGpu } from './llama-engine.js';

export interface LlamaCppRerankerSettings {
  modelPath: string;
  /** Tokens per query + document pair; default 1024, capped by the model. */
  contextSize?: number;
  /** CPU threads; default: half the machine's cores (see `sharedCpuThreads`). */
  threads?: number;
  /** Unload the model after this long without a request (0 keeps it loaded). */
  idleUnloadMs?: number;
  /** Tokens evaluated per step; default the context size (cross-encoders need a whole pair). */
  batchSize?: number;
  /** `false` forces CPU; `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
  gpu?: LlamaGpu;
}

const HOW_TO_GET_ONE =
  'run `homelab-ai models pull bge-reranker-v2-m3` or set RERANKER_MODEL_PATH to a reranker GGUF';

function cancelled(): PlatformError {
  return new PlatformError('cancelled', 'reranking cancelled');
}

class LlamaCppReranker implements Reranker {
  readonly adapter = 'llama-cpp';
  private readonly engine: IdleModel<LlamaRankingContext>;
  private isReranker: boolean | undefined;

  constructor(private readonly settings: LlamaCppRerankerSettings) {
    this.engine = new IdleModel({
      modelPath: settings.modelPath,
      gpu: settings.gpu ?? 'auto',
      idleUnloadMs: settings.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS,
      missingFileMessage: `reranker model ${settings.modelPath} does not exist: ${HOW_TO_GET_ONE}`,
      open: (model) => this.open(model),
      dispose: (context) => context.dispose(),
    });
  }

  get modelName(): string {
    return modelFileName(this.settings.modelPath);
  }

  private async open(model: LlamaModel): Promise<LlamaRankingContext> {
    if (!model.fileInsights.supportsRanking)
      throw new PlatformError(
        'model_rejected',
        `${this.settings.modelPath} is not a reranker model (llama.cpp finds no classification ` +
          `head in it, so it cannot score query/document pairs): ${HOW_TO_GET_ONE}`,
      );
    const contextSize = Math.min(this.settings.contextSize ?? 1024, model.trainContextSize);
    return model.createRankingContext({
      contextSize,
      batchSize: this.settings.batchSize ?? contextSize,
      threads: this.settings.threads ?? sharedCpuThreads(),
    });
  }

  async rerank({ query, documents, signal }: RerankRequest): Promise<RerankScore[]> {
    if (documents.length === 0) return [];
    if (signal?.aborted) throw cancelled();
    return this.engine.use(async (context) => {
      const scores: RerankScore[] = [];
      for (const [index, document] of documents.entries()) {
        if (signal?.aborted) throw cancelled();
        scores.push({ index, score: await this.score(context, query, document) });
      }
      // Ties keep input order, so equal scores come back the same way every time.
      return scores.sort((a, b) => b.score - a.score || a.index - b.index);
    });
  }

  private async score(context: LlamaRankingContext, query: string, document: string) {
    try {
      return await context.rank(query, document, { onOverflow: 'maxChunk' });
    } catch (error) {
      const message = (error as Error).message;
      if (/too long|exceed/i.test(message))
        throw new PlatformError(
          'invalid_input',
          `the query is too long for the reranker ${this.modelName} ` +
            `(context of ${context.contextSize} tokens): shorten it or raise its context size`,
          { cause: error },
        );
      throw new PlatformError(
        'model_error',
        `llama.cpp could not rerank with ${this.settings.modelPath}: ${message}`,
        { cause: error },
      );
    }
  }

  async health(): Promise<PortHealth> {
    if (!(await this.engine.fileExists()))
      return { healthy: false, detail: `GGUF file ${this.settings.modelPath} not found` };
    // The header says whether there is a classification head, without loading the weights.
    this.isReranker ??= await ggufHasClassificationHead(this.settings.modelPath);
    if (this.isReranker === false)
      return { healthy: false, detail: `${this.settings.modelPath} is not a reranker model` };
    return {
      healthy: true,
      detail: `${this.modelName} (${this.engine.loaded ? 'loaded' : 'loads on first use'})`,
    };
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** A Reranker running a GGUF cross-encoder in-process with llama.cpp. */
export function createLlamaCppReranker(settings: LlamaCppRerankerSettings): Reranker {
  return new LlamaCppReranker(settings);
}
