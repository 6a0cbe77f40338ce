export * from './free-port.js';
export * from './wait.js';
export * from './nats-server.js';
export * from './loopback-llm.js';
export * from './gguf/tiny-llama.js';
export * from './gguf/gguf-writer.js';
export * from './browser.js';
