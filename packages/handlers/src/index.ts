export * from './shared/handler-context.js';
export {
  startChatHandler,
  type ChatHandlerDependencies,
  type ChatHandlerSettings,
} from './chat/chat-handler.js';
export * from './chat/chat-ports.js';
export {
  buildChatPrompt,
  citeSource,
  approximateTokens,
  DEFAULT_SYSTEM_PROMPT,
  type ChatPromptInput,
} from './chat/chat-prompt.js';
export { CANCELLED_MESSAGE, INTERRUPTED_MESSAGE } from './chat/chat-publisher.js';
export { DEFAULT_COLLECTION } from './chat/chat-retrieval.js';
export { templateGreeting } from './chat/greeting-handler.js';
export { startVoiceAssistant, NO_TRANSCRIBER_MESSAGE } from './voice/voice-assistant.js';
export { startPipelineBridge } from './pipeline/pipeline-bridge.js';
export * from './pipeline/pipeline-engine.js';
