/**
 * The `chat-handler` role: the chat handler with its ports from the platform — the model, the
 * memory (metadata DB + session cache), document search (knowledge service) and speech. The
 * embedded database opens on the first turn (in its worker thread, so nothing stalls meanwhile).
 */
import { startChatHandler, type ConsumerSettings, type HandlerContext } from '@homelab-ai/handlers';
import type { RunningHandler } from '@homelab-ai/handlers';
import { createChatKnowledge } from './chat-knowledge.js';
import { createChatMemory } from './chat-memory.js';
import type { Platform } from './platform.js';

export function startChatHandlerRole(
  platform: Platform,
  context: HandlerContext,
  consumerSettings: ConsumerSettings,
): Promise<RunningHandler> {
  const { config, stores } = platform;
  return startChatHandler({
    ...context,
    chatModel: platform.chatModel,
    memory: createChatMemory({ openDb: () => stores.db.open(), cache: stores.cache }),
    knowledge: createChatKnowledge(() => platform.knowledge.service(), {
      owner: platform.knowledge.pipelineOwner,
      isBusClient: async (ownerId) => {
        const { findUserById } = await import('@homelab-ai/metadata-db');
        const user = await findUserById((await stores.db.open()).db, ownerId);
        return user?.email.endsWith('@bus.local') ?? false;
      },
    }),
    synthesizer: platform.models.synthesizer,
    settings: {
      ...consumerSettings,
      maxTokens: config.llm.maxTokens,
      contextTokens: config.llm.contextSize,
    },
  });
}
