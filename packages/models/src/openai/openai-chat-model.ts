/**
 * ChatModel over an OpenAI-compatible `/chat/completions` endpoint with SSE streaming: vLLM,
 * Ollama, llama.cpp server, KServe's OpenAI route, OpenAI itself.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { ChatGeneration, ChatModel } from '../chat/chat-model.js';
import { readSseData } from './sse.js';
import { streamingPost, type StreamingAnswer } from './streaming-post.js';

export interface OpenAiChatSettings {
  /** Base URL including the version prefix, e.g. `http://vllm:8000/v1`. */
  baseUrl: string;
  model?: string | undefined;
  apiKey?: string | undefined;
  timeoutMs?: number;
  /** Time allowed for the health probe. */
  healthTimeoutMs?: number;
}

interface CompletionChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  error?: { message?: string };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/**
 * fetch, sent again once when a kept-alive connection turns out to be closed by the server
 * before any answer (the server's idle timeout raced our reuse, e.g. after a busy event loop).
 * Nothing was processed then, so sending again is safe.
 */
async function fetchWithReconnect(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const staleConnection = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
    if (!staleConnection || init.signal?.aborted) throw error;
    return fetch(url, init);
  }
}

class OpenAiChatModel implements ChatModel {
  readonly adapter = 'openai';
  private resolvedModel: string | undefined;
  private readonly baseUrl: string;

  constructor(private readonly settings: OpenAiChatSettings) {
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
    this.resolvedModel = settings.model;
  }

  get modelName(): string {
    return this.resolvedModel ?? '(first model the server lists)';
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    return headers;
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const response = await fetchWithReconnect(`${this.baseUrl}/models`, {
      headers: this.headers(),
      signal: signal ?? null,
    });
    if (!response.ok)
      throw new PlatformError(
        'model_error',
        `LLM ${this.baseUrl}/models answered ${response.status}`,
      );
    const body = (await response.json()) as { data?: { id?: string }[] };
    return (body.data ?? [])
      .map((model) => model.id)
      .filter((id): id is string => typeof id === 'string');
  }

  private async model(signal: AbortSignal): Promise<string> {
    if (this.resolvedModel) return this.resolvedModel;
    const [first] = await this.listModels(signal);
    if (!first)
      throw new PlatformError(
        'model_rejected',
        `LLM at ${this.baseUrl} lists no models; set LLM_MODEL`,
      );
    this.resolvedModel = first;
    return first;
  }

  async *stream(generation: ChatGeneration): AsyncGenerator<string> {
    const timeout = AbortSignal.timeout(this.settings.timeoutMs ?? 120_000);
    const signal = generation.signal ? AbortSignal.any([generation.signal, timeout]) : timeout;
    const url = `${this.baseUrl}/chat/completions`;
    let response: StreamingAnswer;
    try {
      const body = {
        model: generation.model ?? (await this.model(signal)),
        messages: generation.messages,
        stream: true,
        ...(generation.maxTokens === undefined ? {} : { max_tokens: generation.maxTokens }),
        ...(generation.temperature === undefined ? {} : { temperature: generation.temperature }),
        ...(generation.stop?.length ? { stop: generation.stop } : {}),
      };
      response = await streamingPost(url, {
        headers: this.headers(),
        body: JSON.stringify(body),
        signal,
      });
    } catch (error) {
      throw this.failure(error, url, generation.signal, timeout);
    }
    if (response.status < 200 || response.status > 299) {
      const text = await response.text().catch(() => '');
      const detail = text.slice(0, 300) || response.statusText;
      const retryable = response.status === 429 || response.status >= 500;
      throw new PlatformError(
        retryable ? 'model_error' : 'model_rejected',
        `LLM ${url} answered ${response.status}: ${detail}`,
      );
    }
    let readThrough = false;
    try {
      for await (const data of readSseData(response.body)) {
        if (data === '[DONE]') {
          readThrough = true;
          return;
        }
        const chunk = JSON.parse(data) as CompletionChunk;
        if (chunk.error)
          throw new PlatformError(
            'model_error',
            `LLM ${url} streamed an error: ${chunk.error.message ?? 'unknown'}`,
          );
        const content = chunk.choices?.[0]?.delta?.content;
        if (content) yield content;
      }
      readThrough = true;
    } catch (error) {
      throw this.failure(error, url, generation.signal, timeout);
    } finally {
      response.release(readThrough);
    }
  }

  private failure(
    error: unknown,
    url: string,
    userSignal: AbortSignal | undefined,
    timeout?: AbortSignal,
  ): PlatformError {
    if (error instanceof PlatformError) return error;
    if (userSignal?.aborted)
      return new PlatformError('cancelled', 'generation cancelled', { cause: error });
    if ((error as Error).name === 'TimeoutError' || timeout?.aborted) {
      return new PlatformError(
        'timeout',
        `LLM ${url} did not finish within ${this.settings.timeoutMs ?? 120_000} ms`,
        { cause: error },
      );
    }
    if (error instanceof SyntaxError)
      return new PlatformError('model_error', `LLM ${url} sent malformed JSON: ${error.message}`, {
        cause: error,
      });
    return new PlatformError(
      'unavailable',
      `LLM ${url} unreachable: ${describeNetworkError(error)}`,
      { cause: error },
    );
  }

  async health() {
    try {
      const models = await this.listModels(
        AbortSignal.timeout(this.settings.healthTimeoutMs ?? 2_000),
      );
      const model = this.resolvedModel ?? models[0];
      if (this.settings.model && !models.includes(this.settings.model)) {
        return {
          healthy: false,
          detail: `${this.baseUrl} does not list model ${this.settings.model} (has: ${models.slice(0, 5).join(', ')})`,
        };
      }
      return {
        healthy: model !== undefined,
        detail: `${this.baseUrl} model ${model ?? '(none listed)'}`,
      };
    } catch (error) {
      return {
        healthy: false,
        detail: `${this.baseUrl} unreachable: ${describeNetworkError(error)}`,
      };
    }
  }

  close() {
    return Promise.resolve();
  }
}

export function createOpenAiChatModel(settings: OpenAiChatSettings): ChatModel {
  return new OpenAiChatModel(settings);
}
