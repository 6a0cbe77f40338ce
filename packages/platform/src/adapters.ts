/**
 * The one place configuration picks adapters: an unset URL means the embedded default.
 */
import { createMemoryBus, createNatsBus, type Bus } from '@homelab-ai/bus';
import type { PlatformConfig } from '@homelab-ai/config';
import {
  createLlamaCppChatModel,
  createOpenAiChatModel,
  createUnconfiguredChatModel,
  findInstalledModel,
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

export async function createChatModelFromConfig(config: PlatformConfig): Promise<ChatModel> {
  const { llm } = config;
  if (llm.baseUrl) {
    return createOpenAiChatModel({
      baseUrl: llm.baseUrl,
      model: llm.model,
      apiKey: llm.apiKey,
      timeoutMs: llm.timeoutMs,
    });
  }
  // A model pulled with `homelab-ai models pull` is used without setting a variable.
  const modelPath = llm.modelPath ?? (await findInstalledModel(config.modelsDir, 'llm'));
  if (modelPath) {
    return createLlamaCppChatModel({
      modelPath,
      contextSize: llm.contextSize,
      ...(llm.threads === undefined ? {} : { threads: llm.threads }),
    });
  }
  return createUnconfiguredChatModel();
}
