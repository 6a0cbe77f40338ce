/** The platform's ports, built from configuration, and their health. */
import { ALL_STREAMS, type ComponentHealth } from '@homelab-ai/contracts';
import type { Bus } from '@homelab-ai/bus';
import type { PlatformConfig } from '@homelab-ai/config';
import type { ChatModel } from '@homelab-ai/models';
import {
  createLogger,
  createMetrics,
  type Logger,
  type PlatformMetrics,
} from '@homelab-ai/observability';
import { summarizeHealth, type HealthReport } from '@homelab-ai/web/serving';
import { createBusFromConfig, createChatModelFromConfig } from './adapters.js';
import { createKnowledge, type Knowledge } from './knowledge.js';
import { createModelServicesFromConfig, type ModelServices } from './model-services.js';
import { createStores, type Stores } from './stores.js';

export interface Platform {
  config: PlatformConfig;
  logger: Logger;
  metrics: PlatformMetrics;
  bus: Bus;
  chatModel: ChatModel;
  models: ModelServices;
  stores: Stores;
  knowledge: Knowledge;
  health(): Promise<HealthReport>;
  close(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 2_000;

interface ReportsHealth {
  readonly adapter: string;
  health(): Promise<{ healthy: boolean; detail: string }>;
}

/** The model services, by the names `/healthz` reports them under. */
export function modelServices(
  chatModel: ReportsHealth,
  models: Record<'embedder' | 'reranker' | 'transcriber' | 'synthesizer', ReportsHealth>,
): Record<string, ReportsHealth> {
  return {
    llm: chatModel,
    embeddings: models.embedder,
    reranker: models.reranker,
    stt: models.transcriber,
    tts: models.synthesizer,
  };
}

/** Every port's health, checked at once, by name. */
export async function componentsHealth(
  ports: Record<string, ReportsHealth>,
): Promise<Record<string, ComponentHealth>> {
  const reports = await Promise.all(
    Object.entries(ports).map(async ([name, port]) => [name, await componentHealth(port)] as const),
  );
  return Object.fromEntries(reports);
}

/** One port's health; a check that hangs (a server gone quiet) counts as unhealthy. */
export async function componentHealth(port: ReportsHealth): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)),
      HEALTH_TIMEOUT_MS,
    );
  });
  try {
    const { healthy, detail } = await Promise.race([port.health(), timeout]);
    return { adapter: port.adapter, healthy, detail };
  } catch (error) {
    return { adapter: port.adapter, healthy: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function createPlatform(
  config: PlatformConfig,
  options: { name?: string; logger?: Logger } = {},
): Promise<Platform> {
  const name = options.name ?? 'homelab-ai';
  const logger = options.logger ?? createLogger({ level: config.logLevel, name });
  const metrics = createMetrics();
  const bus = await createBusFromConfig(config, logger, name);
  await bus.ensureStreams(ALL_STREAMS);
  const chatModel = await createChatModelFromConfig(config);
  const models = await createModelServicesFromConfig(config, metrics);
  const stores = await createStores(config, logger);
  const knowledge = createKnowledge(config, { bus, stores, models, logger });
  return {
    config,
    logger,
    metrics,
    bus,
    chatModel,
    models,
    stores,
    knowledge,
    health: async () => {
      const ports: Record<string, ReportsHealth> = {
        bus,
        db: stores.db,
        vectors: stores.vectors,
        cache: stores.cache,
        objects: stores.objects,
        ...modelServices(chatModel, models),
      };
      return summarizeHealth(await componentsHealth(ports));
    },
    close: async () => {
      await knowledge.engine.close();
      await bus.close();
      await chatModel.close();
      await Promise.all(
        Object.values(models).map((service: { close(): Promise<void> }) => service.close()),
      );
      await Promise.all([
        stores.db.close(),
        stores.vectors.close(),
        stores.cache.close(),
        stores.objects.close(),
      ]);
    },
  };
}
