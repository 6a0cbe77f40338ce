/**
 * The loopback model servers in one import, for tests and benchmarks: each starts on a free
 * 127.0.0.1 port and answers like the real server it stands in for.
 */
export * from './loopback-http.js';
export * from './loopback-content.js';
export * from './loopback-tei.js';
export * from './loopback-openai-embeddings.js';
export * from './loopback-openai-audio.js';
export * from './loopback-xtts.js';
