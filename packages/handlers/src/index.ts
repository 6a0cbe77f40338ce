export * from './shared/handler-context.js';
export {
  startChatHandler,
  type ChatHandlerDependencies,
  type ChatHandlerSettings,
} from './chat/chat-handler.js';
export { buildChatPrompt, DEFAULT_SYSTEM_PROMPT } from './chat/chat-prompt.js';
export { startVoiceAssistant, NO_TRANSCRIBER_MESSAGE } from './voice/voice-assistant.js';
export { startPipelineBridge } from './pipeline/pipeline-bridge.js';
export * from './pipeline/pipeline-engine.js';
