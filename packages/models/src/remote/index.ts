/**
 * Remote model-service adapters over HTTP: embeddings (OpenAI-compatible, TEI), rerankers (TEI,
 * Cohere-style), speech-to-text and text-to-speech (OpenAI-compatible, XTTS), and the shared
 * HTTP client they use.
 */
export * from './http-client.js';
export type { RemoteServiceSettings } from './settings.js';
export * from './openai-embedder.js';
export * from './tei-embedder.js';
export * from './tei-reranker.js';
export * from './cohere-reranker.js';
export * from './openai-transcriber.js';
export * from './openai-synthesizer.js';
export * from './xtts-synthesizer.js';
export { splitSentences } from '../audio/sentences.js';
