/**
 * Roles are the services of the diagram. `up` runs them all in one process; `serve <role>`
 * runs one per process against NATS, with `/healthz` and `/metrics` on PORT.
 */
import { Hono } from 'hono';
import {
  startPipelineBridge,
  startVoiceAssistant,
  type RunningHandler,
} from '@homelab-ai/handlers';
import { installTracing } from '@homelab-ai/observability';
import { addOpsRoutes, startHttpServer, type RunningHttpServer } from '@homelab-ai/web/serving';
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
      // Memory, document search and speech load with the role (see chat-handler-role.ts).
      return import('./chat-handler-role.js').then(({ startChatHandlerRole }) =>
        startChatHandlerRole(platform, context, consumerSettings),
      );
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
  if (serveGateway) {
    const { startGatewayRole } = await import('./gateway-role.js');
    return startGatewayRole(platform);
  }
  const ops = new Hono();
  addOpsRoutes(ops, () => platform.health(), platform.metrics);
  return startHttpServer(ops, platform.config.http);
}

export async function startRoles(
  platform: Platform,
  roles: readonly Role[],
): Promise<RunningRoles> {
  const handlers: RunningHandler[] = [];
  for (const role of roles)
    if (role !== 'gateway') handlers.push(await startHandler(platform, role));
  const server = await startGatewayServer(platform, roles.includes('gateway'));
  // Tracing's SDK loads once the platform answers (the first span would load it otherwise).
  setImmediate(() => void installTracing());
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
