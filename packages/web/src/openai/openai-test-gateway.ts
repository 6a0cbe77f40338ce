/**
 * For the tests and the benchmark: a real chat path on one process — the embedded bus, the
 * chat handler on a ChatModel, and a gateway serving only the OpenAI-compatible routes. The
 * bearer check is a stand-in that accepts one fixed token (the real API tokens are accounts').
 */
import { ALL_STREAMS } from '@homelab-ai/contracts';
import { createMemoryBus, type Bus } from '@homelab-ai/bus';
import { startChatHandler, type ChatKnowledge, type RunningHandler } from '@homelab-ai/handlers';
import type { ChatModel } from '@homelab-ai/models';
import { createSilentLogger } from '@homelab-ai/observability';
import { Hono } from 'hono';
import { startHttpServer } from '../gateway/http-server.js';
import type { OpenAiModelEntry, OpenAiRoutesDeps, Principal } from './openai-deps.js';
import { addOpenAiRoutes } from './openai-routes.js';

export const TEST_TOKEN = 'hlai_test_token_for_the_openai_api';

/** A cookie the stand-in accepts too: the API must not (bearer tokens only). */
export const TEST_SESSION_COOKIE = 'hlai_session=signed-in-browser';

export const TEST_PRINCIPAL: Principal = {
  userId: 'alice',
  email: 'alice@example.test',
  displayName: 'Alice',
  role: 'user',
};

export interface TestGatewayOptions {
  /** The chat handler's model; without one no handler runs (turns are never picked up). */
  chatModel?: ChatModel;
  knowledge?: ChatKnowledge;
  models?: OpenAiModelEntry[];
  firstEventTimeoutMs?: number;
  turnTimeoutMs?: number;
  concurrency?: number;
}

export interface TestGateway {
  url: string;
  bus: Bus;
  /** What `GET /v1/models` lists; tests may change it. */
  models: OpenAiModelEntry[];
  close(): Promise<void>;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const bus = createMemoryBus();
  await bus.ensureStreams(ALL_STREAMS);
  const logger = createSilentLogger();
  let handler: RunningHandler | undefined;
  if (options.chatModel) {
    handler = await startChatHandler({
      bus,
      logger,
      chatModel: options.chatModel,
      knowledge: options.knowledge,
      settings: {
        ackWaitMs: 5_000,
        maxDeliver: 1,
        concurrency: options.concurrency ?? 8,
        maxTokens: 512,
      },
    });
  }
  const gateway: TestGateway = {
    url: '',
    bus,
    models: options.models ?? [],
    close: () => Promise.resolve(),
  };
  const deps: OpenAiRoutesDeps = {
    bus,
    logger,
    // Like the real authenticator, it would also take a session cookie.
    authenticate: (headers) =>
      Promise.resolve(
        headers.get('authorization') === `Bearer ${TEST_TOKEN}` ||
          headers.get('cookie') === TEST_SESSION_COOKIE
          ? TEST_PRINCIPAL
          : undefined,
      ),
    listModels: () => Promise.resolve(gateway.models),
    ...(options.firstEventTimeoutMs === undefined
      ? {}
      : { firstEventTimeoutMs: options.firstEventTimeoutMs }),
    ...(options.turnTimeoutMs === undefined ? {} : { turnTimeoutMs: options.turnTimeoutMs }),
  };
  const app = new Hono();
  addOpenAiRoutes(app, deps);
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  gateway.url = server.url;
  gateway.close = async () => {
    await server.close();
    await handler?.stop(1_000);
    await bus.close();
  };
  return gateway;
}
