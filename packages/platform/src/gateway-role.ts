/**
 * The `gateway` role: the web app, the knowledge and OpenAI-compatible APIs and the chat socket,
 * all behind accounts. At start it makes sure an admin exists (HOMELAB_ADMIN_EMAIL /
 * HOMELAB_ADMIN_PASSWORD, or a password printed once) and stores HOMELAB_BOOTSTRAP_TOKEN.
 */
import { Hono } from 'hono';
import {
  encodeMessage,
  subjects,
  toPlatformError,
  unixSeconds,
  type LoginEvent,
} from '@homelab-ai/contracts';
import type { Logger } from '@homelab-ai/observability';
import { getCompanion, isUuid, listCompanions } from '@homelab-ai/metadata-db';
import {
  addOpsRoutes,
  addStaticRoutes,
  authenticateUpgrade,
  countRequests,
  createChatSocketHandler,
  createGatewayApp,
  ensureBootstrapAdmin,
  startHttpServer,
  type Authenticator,
  type RunningHttpServer,
} from '@homelab-ai/web';
import { chatModelChoices } from './chat-model-choices.js';
import type { Platform } from './platform.js';

/** Each missing or failing model service, with the command or variable that fixes it. */
async function modelWarnings(platform: Platform): Promise<string[]> {
  const { chatModel, models } = platform;
  const services = [
    chatModel,
    models.embedder,
    models.reranker,
    models.transcriber,
    models.synthesizer,
  ];
  const reports = await Promise.all(services.map((service) => service.health()));
  return reports.filter((report) => !report.healthy).map((report) => report.detail);
}

interface GatewayParts {
  app: Hono;
  authenticator: Authenticator;
}

/**
 * Starts serving at once: health, metrics and assets answer immediately, everything else
 * waits for the metadata database (PGlite takes seconds to open) and the first admin.
 */
export async function startGatewayRole(platform: Platform): Promise<RunningHttpServer> {
  const logger = platform.logger.child({ role: 'gateway' });
  let parts: Promise<GatewayParts> | undefined;
  const ready = () => {
    parts ??= buildGateway(platform, logger);
    parts.catch((error: unknown) => {
      logger.error({ err: error }, 'the gateway could not start; retrying on the next request');
      parts = undefined;
    });
    return parts;
  };
  void ready();
  const front = new Hono();
  for (const path of ['/healthz', '/metrics', '/static/*']) {
    front.use(path, countRequests(platform.metrics));
  }
  addOpsRoutes(front, () => platform.health(), platform.metrics);
  addStaticRoutes(front);
  front.all('*', async (context) => {
    try {
      return await (await ready()).app.fetch(context.req.raw, context.env);
    } catch (error) {
      return context.json(
        {
          error: {
            message: `the gateway is not ready: ${toPlatformError(error).message}`,
            type: 'unavailable',
          },
        },
        503,
      );
    }
  });
  const chatSocket = createChatSocketHandler({
    bus: platform.bus,
    logger,
    openDb: () => platform.stores.db.open(),
    authenticate: async (request) => authenticateUpgrade((await ready()).authenticator, request),
  });
  return startHttpServer(front, platform.config.http, { '/ws/chat': chatSocket });
}

async function buildGateway(platform: Platform, logger: Logger): Promise<GatewayParts> {
  const { config, bus, stores } = platform;
  const metadata = await stores.db.open();
  const bootstrap = await ensureBootstrapAdmin({ db: metadata.db, settings: config.auth, logger });
  if (bootstrap.created) logger.info({ email: bootstrap.email }, 'first admin account created');
  const listModels = chatModelChoices(config, platform.chatModel);
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

  return createGatewayApp({
    health: () => platform.health(),
    metrics: platform.metrics,
    auth: {
      db: metadata.db,
      cache: stores.cache,
      settings: config.auth,
      logger,
      onSignIn: publishLogin,
    },
    app: {
      openDb,
      knowledge: () => platform.knowledge.service(),
      listModels,
      warnings: () => modelWarnings(platform),
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
}
