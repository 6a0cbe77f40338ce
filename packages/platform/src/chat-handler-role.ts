/**
 * The `chat-handler` role: the chat handler with its ports from the platform — the model, the
 * memory (metadata DB + session cache), document search (knowledge service) and speech.
 *
 * It starts consuming once the metadata database is open: opening PGlite keeps the event loop
 * busy for seconds, and a turn running meanwhile would miss its heartbeats and be redelivered.
 * Messages wait on the bus until then; the role itself is up at once.
 */
import { startChatHandler, type ConsumerSettings, type HandlerContext } from '@homelab-ai/handlers';
import type { RunningHandler } from '@homelab-ai/handlers';
import { createChatKnowledge } from './chat-knowledge.js';
import { createChatMemory } from './chat-memory.js';
import type { Platform } from './platform.js';

const RETRY_OPEN_MS = 5_000;

export function startChatHandlerRole(
  platform: Platform,
  context: HandlerContext,
  consumerSettings: ConsumerSettings,
): Promise<RunningHandler> {
  const { config, stores } = platform;
  let stopped = false;
  let onStop!: () => void;
  const stopping = new Promise<'stopped'>((resolve) => (onStop = () => resolve('stopped')));
  const delay = (ms: number) =>
    new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), ms).unref());

  const start = async (): Promise<RunningHandler | undefined> => {
    for (;;) {
      try {
        if ((await Promise.race([stores.db.open(), stopping])) === 'stopped') return undefined;
        break;
      } catch (error) {
        context.logger.error({ err: error }, 'chat handler waits for the metadata database');
        if ((await Promise.race([delay(RETRY_OPEN_MS), stopping])) === 'stopped') return undefined;
      }
    }
    if (stopped) return undefined;
    return startChatHandler({
      ...context,
      chatModel: platform.chatModel,
      memory: createChatMemory({ openDb: () => stores.db.open(), cache: stores.cache }),
      knowledge: createChatKnowledge(() => platform.knowledge.service()),
      synthesizer: platform.models.synthesizer,
      settings: {
        ...consumerSettings,
        maxTokens: config.llm.maxTokens,
        contextTokens: config.llm.contextSize,
      },
    });
  };
  const running = start();
  running.catch((error: unknown) => {
    context.logger.error({ err: error }, 'the chat handler could not start');
  });

  return Promise.resolve({
    name: 'chat-handler',
    stop: async (graceMs) => {
      stopped = true;
      onStop();
      const handler = await running.catch(() => undefined);
      await handler?.stop(graceMs);
    },
  });
}
