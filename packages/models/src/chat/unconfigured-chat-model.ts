import { PlatformError } from '@homelab-ai/contracts';
import type { ChatModel } from './chat-model.js';

export const NO_MODEL_MESSAGE =
  'No language model is configured, so there is no answer. Set LLM_BASE_URL to an OpenAI-compatible ' +
  'server (vLLM, Ollama, llama.cpp server; e.g. LLM_BASE_URL=http://localhost:11434/v1 LLM_MODEL=llama3.2) ' +
  'or LLM_MODEL_PATH to a GGUF file for the embedded llama.cpp engine, then restart. Or run ' +
  '`npx homelab-ai models pull qwen2.5-1.5b-instruct-q4`: a pulled model is used at the next start.';

/** Stands in when no model is configured: says so and how to fix it, never invents an answer. */
export function createUnconfiguredChatModel(): ChatModel {
  return {
    adapter: 'none',
    modelName: 'none',
    // eslint-disable-next-line require-yield
    async *stream() {
      await Promise.resolve();
      throw new PlatformError('model_not_configured', NO_MODEL_MESSAGE);
    },
    health: () => Promise.resolve({ healthy: false, detail: NO_MODEL_MESSAGE }),
    close: () => Promise.resolve(),
  };
}
