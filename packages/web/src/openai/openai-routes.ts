/**
 * The OpenAI-compatible API: `GET /v1/models` and `POST /v1/chat/completions`, with bearer
 * tokens. A completion is a chat turn on the bus, run exactly as the browser's socket runs one,
 * so RAG (`collection`), companions (`companion`) and memory (`session_id`) work the same.
 */
import { randomUUID } from 'node:crypto';
import {
  PlatformError,
  chatRequestSchema,
  describeIssues,
  unixSeconds,
  type ChatRequestInput,
} from '@homelab-ai/contracts';
import type { Context, Hono } from 'hono';
import { BusTurn } from './bus-turn.js';
import {
  parseCompletionRequest,
  toChatTurnText,
  type CompletionRequest,
} from './completion-request.js';
import { collectCompletion, completionFrames, sseResponse } from './completion-stream.js';
import type { OpenAiRoutesDeps, Principal } from './openai-deps.js';
import { openAiErrorResponse } from './openai-errors.js';

const DEFAULT_FIRST_EVENT_TIMEOUT_MS = 30_000;
const DEFAULT_TURN_TIMEOUT_MS = 10 * 60_000;

/**
 * Adds `/v1/models`, `/v1/chat/completions` and OpenAI-shaped 404s for the rest of `/v1/*`
 * (register any other `/v1` route before calling this).
 */
export function addOpenAiRoutes(app: Hono, deps: OpenAiRoutesDeps): void {
  // Bearer tokens only: a session cookie would let a page on another site spend the user's
  // turns (a cross-site POST carries cookies, never an Authorization header).
  const authenticated = async (context: Context): Promise<Principal> => {
    if (!/^Bearer\s+\S/i.test(context.req.header('authorization') ?? '')) {
      throw new PlatformError(
        'unauthorized',
        'Missing bearer token: send "Authorization: Bearer <API token>" (create one in the web app).',
      );
    }
    const principal = await deps.authenticate(context.req.raw.headers);
    if (principal) return principal;
    throw new PlatformError(
      'unauthorized',
      'Incorrect API key provided. Create an API token in the web app (Settings → API tokens).',
    );
  };

  app.get('/v1/models', async (context) => {
    try {
      await authenticated(context);
      const models = await deps.listModels();
      return context.json({
        object: 'list',
        data: models.map((model) => ({
          id: model.id,
          object: 'model',
          created: model.created,
          owned_by: model.owned_by,
        })),
      });
    } catch (error) {
      return openAiErrorResponse(context, error);
    }
  });

  app.post('/v1/chat/completions', async (context) => {
    // Read now: Node's adapter only aborts a signal that exists when the client goes away.
    const clientGone = context.req.raw.signal;
    try {
      const principal = await authenticated(context);
      const request = parseCompletionRequest(await jsonBody(context));
      const model = await chooseModel(deps, request.model);
      const companionId = await companionOf(deps, principal, request.companion);
      const chatRequest = toBusRequest(principal, request, model.busModel, companionId);
      const turn = await BusTurn.start(
        {
          bus: deps.bus,
          logger: deps.logger,
          firstEventTimeoutMs: deps.firstEventTimeoutMs ?? DEFAULT_FIRST_EVENT_TIMEOUT_MS,
          turnTimeoutMs: deps.turnTimeoutMs ?? DEFAULT_TURN_TIMEOUT_MS,
        },
        chatRequest,
      );
      clientGone.addEventListener('abort', () => void turn.cancel(), { once: true });
      const plan = {
        identity: {
          id: `chatcmpl-${chatRequest.request_id}`,
          created: unixSeconds(),
          model: model.shown,
        },
        prompt: `${chatRequest.system_prompt ?? ''}\n${chatRequest.message}`,
        maxTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
        includeUsage: request.stream_options?.include_usage === true,
      };
      if (!request.stream) return context.json(await collectCompletion(turn, plan));
      const events = turn.events();
      const first = await events.next();
      if (first.done) throw new PlatformError('internal', 'the chat turn ended without an event');
      if (first.value.kind === 'turn-failed') throw first.value.error;
      return sseResponse(turn, completionFrames(turn, first.value, events, plan));
    } catch (error) {
      return openAiErrorResponse(context, error);
    }
  });

  app.all('/v1/*', (context) =>
    openAiErrorResponse(
      context,
      new PlatformError(
        'not_found',
        `${context.req.method} ${context.req.path} is not part of this server's OpenAI-compatible API (it has GET /v1/models and POST /v1/chat/completions)`,
      ),
    ),
  );
}

async function jsonBody(context: Context): Promise<unknown> {
  try {
    return await context.req.json();
  } catch {
    throw new PlatformError('invalid_input', 'the request body must be JSON');
  }
}

/**
 * A listed model is used as asked. With one model (or none) any name is accepted, because many
 * clients hard-code one such as `gpt-4o-mini`; with several, an unknown name is a 404.
 */
async function chooseModel(deps: OpenAiRoutesDeps, requested: string) {
  const models = await deps.listModels();
  if (models.some((model) => model.id === requested)) {
    return { busModel: requested, shown: requested };
  }
  if (models.length <= 1) return { busModel: undefined, shown: models[0]?.id ?? requested };
  throw new PlatformError(
    'not_found',
    `The model '${requested}' does not exist here; GET /v1/models lists ${models.map((model) => model.id).join(', ')}`,
    { details: { param: 'model', openai_code: 'model_not_found' } },
  );
}

async function companionOf(
  deps: OpenAiRoutesDeps,
  principal: Principal,
  companion: string | null | undefined,
): Promise<string | undefined> {
  if (!companion) return undefined;
  if (!deps.resolveCompanion) return companion;
  const id = await deps.resolveCompanion(principal, companion);
  if (id) return id;
  throw new PlatformError('not_found', `You have no companion '${companion}'`, {
    details: { param: 'companion', openai_code: 'companion_not_found' },
  });
}

/**
 * The chat request, as the browser sends it. Without `session_id` each call is a fresh session
 * and the client's earlier turns ride in the system prompt (see completion-request.ts). The
 * handler always streams on the bus: the first chunk shows within the first-event timeout that
 * a handler took the turn, even when the client asked for one plain answer.
 */
function toBusRequest(
  principal: Principal,
  request: CompletionRequest,
  model: string | undefined,
  companionId: string | undefined,
): ChatRequestInput & { user_id: string; request_id: string; message: string } {
  const text = toChatTurnText(request);
  const chatRequest = {
    request_id: randomUUID(),
    user_id: principal.userId,
    username: principal.displayName,
    message: text.message,
    system_prompt: text.systemPrompt,
    session_id: request.session_id ?? randomUUID(),
    enable_rag: Boolean(request.collection),
    collection: request.collection ?? undefined,
    companion_id: companionId,
    model,
    enable_streaming: true,
  };
  const checked = chatRequestSchema.safeParse(chatRequest);
  if (!checked.success) {
    throw new PlatformError('invalid_input', describeIssues(checked.error.issues));
  }
  return chatRequest;
}
