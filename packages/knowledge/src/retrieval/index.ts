export * from './passage.js';
export * from './reciprocal-rank-fusion.js';
export * from './hybrid-retriever.js';
export * from './query-embeddings.js';
