/**
 * ChatModel on the embedded llama.cpp engine (`node-llama-cpp`) and a GGUF file. The engine is
 * imported and the model loaded on first use, and unloaded after a while without requests, so
 * that starting the platform stays fast and light (see `idle-model.ts`).
 */
import { availableParallelism } from 'node:os';
import { PlatformError } from '@homelab-ai/contracts';
import type { ChatHistoryItem, LlamaContext } from 'node-llama-cpp';
import { AsyncQueue } from '../chat/async-queue.js';
import type { ChatGeneration, ChatMessage, ChatModel } from '../chat/chat-model.js';
import { DEFAULT_IDLE_UNLOAD_MS, IdleModel } from './idle-model.js';
import type { LlamaGpu } from './llama-engine.js';

export interface LlamaCppChatSettings {
  modelPath: string;
  contextSize?: number;
  /** Unload the model after this long without a request (0 keeps it loaded). */
  idleUnloadMs?: number;
  /** `false` forces CPU; `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
  gpu?: LlamaGpu;
  /** CPU threads; default: the machine's cores. */
  threads?: number;
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
  private readonly engine: IdleModel<LlamaContext>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly settings: LlamaCppChatSettings) {
    this.engine = new IdleModel({
      modelPath: settings.modelPath,
      gpu: settings.gpu ?? 'auto',
      idleUnloadMs: settings.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS,
      missingFileMessage: `LLM_MODEL_PATH ${settings.modelPath} does not exist`,
      open: (model) =>
        model.createContext({
          contextSize: Math.min(settings.contextSize ?? 4096, model.trainContextSize),
          threads: settings.threads ?? availableParallelism(),
        }),
      dispose: (context) => context.dispose(),
    });
  }

  get modelName(): string {
    return this.settings.modelPath.split('/').at(-1) ?? this.settings.modelPath;
  }

  stream(generation: ChatGeneration): AsyncIterable<string> {
    const output = new AsyncQueue<string>();
    // One context sequence: turns run one after another.
    const run = this.queue.then(() =>
      this.engine.use(async (context) => {
        const { LlamaChatSession } = await import('node-llama-cpp');
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
            ...(generation.temperature === undefined
              ? {}
              : { temperature: generation.temperature }),
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
        }
      }),
    );
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
    if (!(await this.engine.fileExists()))
      return { healthy: false, detail: `GGUF file ${this.settings.modelPath} not found` };
    return {
      healthy: true,
      detail: `${this.modelName} (${this.engine.loaded ? 'loaded' : 'loads on first use'})`,
    };
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

export function createLlamaCppChatModel(settings: LlamaCppChatSettings): ChatModel {
  return new LlamaCppChatModel(settings);
}
