export * from './chat/chat-model.js';
export * from './chat/unconfigured-chat-model.js';
export * from './openai/openai-chat-model.js';
export * from './llama-cpp/llama-cpp-chat-model.js';
