/**
 * The `gateway` role: the web app, the knowledge and OpenAI-compatible APIs and the chat socket,
 * all behind accounts. At start it makes sure an admin exists (HOMELAB_ADMIN_EMAIL /
 * HOMELAB_ADMIN_PASSWORD, or a password printed once) and stores HOMELAB_BOOTSTRAP_TOKEN.
 */
import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { AuthConfig } from '@homelab-ai/config';
import { toPlatformError } from '@homelab-ai/contracts';
import {
  addOpsRoutes,
  addStaticRoutes,
  countRequests,
  startHttpServer,
  type RunningHttpServer,
  type SocketHandler,
} from '@homelab-ai/web/serving';
import type { GatewayParts } from './gateway-parts.js';
import { databaseExists } from './knowledge.js';
import type { Platform } from './platform.js';

/**
 * Starts serving at once: health, metrics and assets answer immediately; the first other
 * request opens the metadata database (PGlite takes seconds, in its worker thread) and makes
 * sure the first admin exists, and it and every later one wait for that.
 */
export async function startGatewayRole(platform: Platform): Promise<RunningHttpServer> {
  const logger = platform.logger.child({ role: 'gateway' });
  const auth = firstStartAuth(platform);
  let parts: Promise<GatewayParts> | undefined;
  const ready = () => {
    parts ??= import('./gateway-parts.js').then(({ buildGateway }) =>
      buildGateway(platform, logger, auth),
    );
    parts.catch((error: unknown) => {
      logger.error({ err: error }, 'the gateway could not start; retrying on the next request');
      parts = undefined;
    });
    return parts;
  };
  // A server database connects at start anyway: be ready for the first request.
  if (platform.config.stores.databaseUrl !== undefined) void ready().catch(() => undefined);
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
  // Frames that arrive while the gateway loads are kept and replayed to its handler.
  const chatSocket: SocketHandler = (socket, request) => {
    const early: Buffer[] = [];
    const keep = (data: Buffer) => early.push(data);
    socket.on('message', keep);
    ready().then(
      ({ chatSocket: handle }) => {
        socket.off('message', keep);
        handle(socket, request);
        for (const data of early) socket.emit('message', data);
      },
      () => socket.close(1011, 'the gateway is not ready'),
    );
  };
  return startHttpServer(front, platform.config.http, { '/ws/chat': chatSocket });
}

/**
 * On the first start with the embedded database, the admin's generated password is printed
 * now, although the database (and the account) is only made on first use.
 */
function firstStartAuth(platform: Platform): AuthConfig {
  const { config } = platform;
  const generate =
    !databaseExists(config) &&
    config.auth.adminPassword === undefined &&
    config.auth.mode !== 'none';
  if (!generate) return config.auth;
  const adminPassword = randomBytes(15).toString('base64url');
  process.stdout.write(
    [
      '',
      '================================================================',
      '  Homelab AI: first start. Sign in as the admin with',
      `    email:    ${config.auth.adminEmail}`,
      `    password: ${adminPassword}`,
      '  This password is shown only now. Change it under Account, or',
      '  set HOMELAB_ADMIN_PASSWORD before the first start.',
      '================================================================',
      '',
    ].join('\n'),
  );
  return { ...config.auth, adminPassword };
}
