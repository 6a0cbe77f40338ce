/**
 * Roles are the services of the diagram. `up` runs them all in one process; `serve <role>`
 * runs one per process against NATS, with `/healthz` and `/metrics` on PORT.
 */
import { Hono } from 'hono';
import {
  startChatHandler,
  startPipelineBridge,
  startVoiceAssistant,
  type RunningHandler,
} from '@homelab-ai/handlers';
import {
  addOpsRoutes,
  createChatSocketHandler,
  createGatewayApp,
  startHttpServer,
  type RunningHttpServer,
} from '@homelab-ai/web';
import { databaseExists } from './knowledge.js';
import type { Platform } from './platform.js';

export const ROLES = ['gateway', 'chat-handler', 'voice-assistant', 'pipeline-bridge'] as const;
export type Role = (typeof ROLES)[number];

export interface RunningRoles {
  url: string;
  roles: readonly Role[];
  /** Stops accepting work, lets turns in flight finish (up to the grace period), closes ports. */
  stop(): Promise<void>;
}

function startHandler(platform: Platform, role: Exclude<Role, 'gateway'>): Promise<RunningHandler> {
  const { bus, logger, metrics, config } = platform;
  const consumerSettings = {
    ackWaitMs: config.bus.ackWaitMs,
    maxDeliver: config.bus.maxDeliver,
    concurrency: config.chat.concurrency,
  };
  const context = { bus, metrics, logger: logger.child({ role }) };
  switch (role) {
    case 'chat-handler':
      return startChatHandler({
        ...context,
        chatModel: platform.chatModel,
        settings: { ...consumerSettings, maxTokens: config.llm.maxTokens },
      });
    case 'voice-assistant':
      return startVoiceAssistant({ ...context, settings: consumerSettings });
    case 'pipeline-bridge':
      if (databaseExists(config)) {
        // Runs a crash interrupted are resumed (or marked failed) without waiting for a trigger.
        platform.knowledge.engine.runner().catch((error: unknown) => {
          context.logger.error({ err: error }, 'the pipeline runner could not start');
        });
      }
      return startPipelineBridge({
        ...context,
        settings: consumerSettings,
        engine: platform.knowledge.engine,
      });
  }
}

async function startGatewayServer(
  platform: Platform,
  serveGateway: boolean,
): Promise<RunningHttpServer> {
  const { config } = platform;
  if (!serveGateway) {
    const ops = new Hono();
    addOpsRoutes(ops, () => platform.health(), platform.metrics);
    return startHttpServer(ops, config.http);
  }
  const app = createGatewayApp({
    knowledge: {
      knowledge: () => platform.knowledge.service(),
      ownerOf: () => platform.knowledge.localOwner(),
      maxUploadBytes: config.ingestion.maxUploadBytes,
    },
    health: () => platform.health(),
    metrics: platform.metrics,
    chatPage: async () => {
      const { chatModel, models } = platform;
      const services = [
        chatModel,
        models.embedder,
        models.reranker,
        models.transcriber,
        models.synthesizer,
      ];
      const reports = await Promise.all(services.map((service) => service.health()));
      return {
        modelName: `${chatModel.adapter}: ${chatModel.modelName}`,
        // Each missing or failing model service, with the command or variable that fixes it.
        warnings: reports.filter((report) => !report.healthy).map((report) => report.detail),
      };
    },
  });
  const chatSocket = createChatSocketHandler({
    bus: platform.bus,
    logger: platform.logger.child({ role: 'gateway' }),
    userId: 'local',
    username: 'local user',
  });
  return startHttpServer(app, config.http, { '/ws/chat': chatSocket });
}

export async function startRoles(
  platform: Platform,
  roles: readonly Role[],
): Promise<RunningRoles> {
  const handlers: RunningHandler[] = [];
  for (const role of roles)
    if (role !== 'gateway') handlers.push(await startHandler(platform, role));
  const server = await startGatewayServer(platform, roles.includes('gateway'));
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    roles,
    stop: () =>
      (stopping ??= (async () => {
        await server.close();
        await Promise.all(handlers.map((handler) => handler.stop(platform.config.shutdownGraceMs)));
        await platform.close();
      })()),
  };
}
