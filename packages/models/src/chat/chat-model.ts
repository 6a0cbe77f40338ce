/**
 * The ChatModel port: a conversation in, streamed text out. Adapters: OpenAI-compatible HTTP
 * (vLLM, Ollama, llama.cpp server, KServe), embedded llama.cpp, and `none` when nothing is set.
 */
import type { PortHealth } from '@homelab-ai/contracts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatGeneration {
  messages: readonly ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  stop?: readonly string[];
  /** Which model answers, when the server offers several; the adapter's own when unset. */
  model?: string;
  /** Aborting stops generation and makes the stream throw a `cancelled` error. */
  signal?: AbortSignal;
}

export interface ChatModel {
  /** `openai`, `llama-cpp` or `none`. */
  readonly adapter: string;
  /** The model in use, as far as it is known. */
  readonly modelName: string;
  /** The models the server offers, when it can say (OpenAI-compatible `/models`). */
  listModels?(signal?: AbortSignal): Promise<string[]>;
  /** Streams text deltas; throws a PlatformError naming the service on failure. */
  stream(generation: ChatGeneration): AsyncIterable<string>;
  health(): Promise<PortHealth>;
  close(): Promise<void>;
}
