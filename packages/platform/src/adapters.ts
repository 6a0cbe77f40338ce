/**
 * The one place configuration picks adapters: an unset URL means the embedded default.
 */
import { createMemoryBus, createNatsBus, type Bus } from '@homelab-ai/bus';
import type { PlatformConfig } from '@homelab-ai/config';
import {
  createLlamaCppChatModel,
  createOpenAiChatModel,
  createUnconfiguredChatModel,
  type ChatModel,
} from '@homelab-ai/models';
import type { Logger } from '@homelab-ai/observability';

export async function createBusFromConfig(
  config: PlatformConfig,
  logger: Logger,
  name: string,
): Promise<Bus> {
  if (!config.bus.natsUrl) return createMemoryBus({ logger });
  return createNatsBus({
    url: config.bus.natsUrl,
    name,
    logger,
    ...(config.bus.natsToken ? { token: config.bus.natsToken } : {}),
  });
}

export function createChatModelFromConfig(config: PlatformConfig): ChatModel {
  const { llm } = config;
  if (llm.baseUrl) {
    return createOpenAiChatModel({
      baseUrl: llm.baseUrl,
      model: llm.model,
      apiKey: llm.apiKey,
      timeoutMs: llm.timeoutMs,
    });
  }
  if (llm.modelPath) {
    return createLlamaCppChatModel({
      modelPath: llm.modelPath,
      contextSize: llm.contextSize,
      ...(llm.threads === undefined ? {} : { threads: llm.threads }),
    });
  }
  return createUnconfiguredChatModel();
}
