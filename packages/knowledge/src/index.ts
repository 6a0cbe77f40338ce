export {};
export * from './library/index.js';
export * from './retrieval/index.js';
export * from './ingestion/index.js';
export * from './parse/index.js';
export * from './chunk/index.js';
