/**
 * The heavy part of the gateway, imported on the first request that needs it: the metadata
 * database, the first admin, accounts, the Companions app, the APIs and the chat socket.
 */
import type { AuthConfig } from '@homelab-ai/config';
import {
  ExpiringMap,
  encodeMessage,
  keptPromise,
  subjects,
  unixSeconds,
  type LoginEvent,
} from '@homelab-ai/contracts';
import type { Logger } from '@homelab-ai/observability';
import { getCompanion, isUuid, listCompanions } from '@homelab-ai/metadata-db';
import {
  authenticateUpgrade,
  createChatSocketHandler,
  createGatewayApp,
  ensureBootstrapAdmin,
  type ServiceWarning,
  type SocketHandler,
} from '@homelab-ai/web';
import type { Hono } from 'hono';
import { chatModelChoices } from './chat-model-choices.js';
import { componentsHealth, modelServices, type Platform } from './platform.js';

export interface GatewayParts {
  app: Hono;
  chatSocket: SocketHandler;
}

/**
 * Each missing or failing model service, with the command or variable that fixes it; a service
 * that does not answer in time counts as failing (as on `/healthz`).
 */
async function modelWarnings(platform: Platform): Promise<ServiceWarning[]> {
  const reports = await componentsHealth(modelServices(platform.chatModel, platform.models));
  return Object.entries(reports)
    .filter(([, health]) => !health.healthy)
    .map(([service, health]) => ({ service, detail: health.detail }));
}

/** How long the chat page's model warnings are reused: each page load would probe five services. */
const WARNINGS_KEPT_MS = 5_000;

/** `load`, its result reused for `ms` (a failed load is not kept). */
function recentFor<T>(ms: number, load: () => Promise<T>): () => Promise<T> {
  const kept = new ExpiringMap<'result', Promise<T>>(ms, 1);
  return () => keptPromise(kept, 'result', load);
}

export async function buildGateway(
  platform: Platform,
  logger: Logger,
  auth: AuthConfig,
): Promise<GatewayParts> {
  const { config, bus, stores } = platform;
  const metadata = await stores.db.open();
  const bootstrap = await ensureBootstrapAdmin({ db: metadata.db, settings: auth, logger });
  if (bootstrap.created) logger.info({ email: bootstrap.email }, 'first admin account created');
  const listModels = chatModelChoices(platform.chatModel);
  const openDb = () => stores.db.open();

  const publishLogin = (user: { id: string; display_name: string }) => {
    const event: LoginEvent = {
      user_id: user.id,
      username: user.display_name,
      timestamp: unixSeconds(),
    };
    bus
      .publish(subjects.chatLogin(user.id), encodeMessage(event), { persist: true })
      .catch((error: unknown) => logger.warn({ err: error }, 'login event not published'));
  };

  const { app, authenticator } = createGatewayApp({
    health: () => platform.health(),
    metrics: platform.metrics,
    auth: {
      db: metadata.db,
      cache: stores.cache,
      settings: auth,
      logger,
      onSignIn: publishLogin,
    },
    app: {
      openDb,
      knowledge: () => platform.knowledge.service(),
      listModels,
      warnings: recentFor(WARNINGS_KEPT_MS, () => modelWarnings(platform)),
    },
    knowledge: {
      knowledge: () => platform.knowledge.service(),
      maxUploadBytes: config.ingestion.maxUploadBytes,
    },
    openAi: {
      bus,
      logger,
      listModels,
      // `companion` may be a companion's id or its name.
      resolveCompanion: async (principal, companion) => {
        const { db } = await openDb();
        if (isUuid(companion)) {
          return getCompanion(db, principal.userId, companion)
            .then((found) => found.id)
            .catch(() => undefined);
        }
        const all = await listCompanions(db, principal.userId);
        return all.find((item) => item.name.toLowerCase() === companion.toLowerCase())?.id;
      },
    },
  });
  const chatSocket = createChatSocketHandler({
    bus,
    logger,
    openDb,
    authenticate: (request) => authenticateUpgrade(authenticator, request),
  });
  return { app, chatSocket };
}
