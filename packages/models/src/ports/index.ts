export * from './model-service.js';
export * from './embedder.js';
export * from './reranker.js';
export * from './transcriber.js';
export * from './synthesizer.js';
