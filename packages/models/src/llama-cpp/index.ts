/**
 * The embedded llama.cpp adapters: ChatModel, Embedder and Reranker on GGUF files, sharing one
 * engine (see `llama-engine.ts`, `idle-model.ts`).
 */
export * from './llama-cpp-chat-model.js';
export * from './llama-cpp-embedder.js';
export * from './llama-cpp-reranker.js';
export * from './embedding-throughput.js';
export type { LlamaGpu } from './llama-engine.js';
