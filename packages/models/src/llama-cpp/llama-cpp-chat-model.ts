/**
 * ChatModel on the embedded llama.cpp engine (`node-llama-cpp`) and a GGUF file. The engine is
 * imported and the model loaded on first use, and unloaded after a while without requests, so
 * that starting the platform stays fast and light.
 */
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { PlatformError } from '@homelab-ai/contracts';
import type { ChatHistoryItem, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { AsyncQueue } from '../chat/async-queue.js';
import type { ChatGeneration, ChatMessage, ChatModel } from '../chat/chat-model.js';

export interface LlamaCppChatSettings {
  modelPath: string;
  contextSize?: number;
  /** Unload the model after this long without a request (0 keeps it loaded). */
  idleUnloadMs?: number;
  /** `false` forces CPU; `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
  gpu?: false | 'auto';
  /** CPU threads; default: the machine's cores. */
  threads?: number;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
}

function toHistory(messages: readonly ChatMessage[]): {
  history: ChatHistoryItem[];
  prompt: string;
} {
  const last = messages.at(-1);
  if (!last || last.role !== 'user') {
    throw new PlatformError('invalid_message', 'the conversation must end with a user message');
  }
  const history: ChatHistoryItem[] = messages
    .slice(0, -1)
    .map((message) =>
      message.role === 'assistant'
        ? { type: 'model', response: [message.content] }
        : { type: message.role, text: message.content },
    );
  return { history, prompt: last.content };
}

class LlamaCppChatModel implements ChatModel {
  readonly adapter = 'llama-cpp';
  private loading: Promise<Loaded> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: LlamaCppChatSettings) {}

  get modelName(): string {
    return this.settings.modelPath.split('/').at(-1) ?? this.settings.modelPath;
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      try {
        await access(this.settings.modelPath);
      } catch {
        throw new PlatformError(
          'model_not_configured',
          `LLM_MODEL_PATH ${this.settings.modelPath} does not exist`,
        );
      }
      try {
        const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
        // build: 'never' — use the prebuilt binary from npm; never download or compile at run time.
        const llama = await getLlama({
          gpu: this.settings.gpu ?? 'auto',
          build: 'never',
          logLevel: LlamaLogLevel.error,
          progressLogs: false,
        });
        const model = await llama.loadModel({ modelPath: this.settings.modelPath });
        const context = await model.createContext({
          contextSize: Math.min(this.settings.contextSize ?? 4096, model.trainContextSize),
          threads: this.settings.threads ?? availableParallelism(),
        });
        return { model, context };
      } catch (error) {
        throw new PlatformError(
          'model_rejected',
          `llama.cpp could not load ${this.settings.modelPath}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
    })();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.settings.idleUnloadMs ?? 15 * 60_000;
    if (idleMs > 0) {
      this.idleTimer = setTimeout(() => void this.unload(), idleMs);
      this.idleTimer.unref();
    }
  }

  private async unload(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    const loaded = await loading.catch(() => undefined);
    await loaded?.context.dispose();
    await loaded?.model.dispose();
  }

  stream(generation: ChatGeneration): AsyncIterable<string> {
    const output = new AsyncQueue<string>();
    // One context sequence: turns run one after another.
    const run = this.queue.then(async () => {
      const { LlamaChatSession } = await import('node-llama-cpp');
      const { context } = await this.load();
      this.touch();
      const { history, prompt } = toHistory(generation.messages);
      const sequence = context.getSequence();
      const session = new LlamaChatSession({
        contextSequence: sequence,
        autoDisposeSequence: false,
      });
      try {
        session.setChatHistory(history);
        await session.prompt(prompt, {
          ...(generation.maxTokens === undefined ? {} : { maxTokens: generation.maxTokens }),
          ...(generation.temperature === undefined ? {} : { temperature: generation.temperature }),
          ...(generation.stop?.length ? { customStopTriggers: [...generation.stop] } : {}),
          ...(generation.signal ? { signal: generation.signal } : {}),
          onTextChunk: (chunk: string) => output.push(chunk),
        });
        if (generation.signal?.aborted)
          throw new PlatformError('cancelled', 'generation cancelled');
        output.end();
      } finally {
        session.dispose({ disposeSequence: false });
        await sequence.dispose();
        this.touch();
      }
    });
    this.queue = run.catch(() => undefined);
    void run.catch((error: unknown) => {
      if (generation.signal?.aborted)
        output.end(new PlatformError('cancelled', 'generation cancelled', { cause: error }));
      else
        output.end(
          error instanceof PlatformError
            ? error
            : new PlatformError('model_error', `llama.cpp: ${(error as Error).message}`, {
                cause: error,
              }),
        );
    });
    return output;
  }

  async health() {
    try {
      await access(this.settings.modelPath);
    } catch {
      return { healthy: false, detail: `GGUF file ${this.settings.modelPath} not found` };
    }
    return {
      healthy: true,
      detail: `${this.modelName} (${this.loading ? 'loaded' : 'loads on first use'})`,
    };
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.unload();
  }
}

export function createLlamaCppChatModel(settings: LlamaCppChatSettings): ChatModel {
  return new LlamaCppChatModel(settings);
}
