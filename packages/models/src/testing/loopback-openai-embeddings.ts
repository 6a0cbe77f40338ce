/**
 * A loopback OpenAI-compatible embeddings server, in the manner of Infinity or vLLM:
 * `GET /v1/models`, `POST /v1/embeddings` and the Cohere-style `POST /v1/rerank`, with OpenAI
 * error bodies. Answers instantly with hashed vectors and word-overlap scores.
 */
import type { LoopbackExchange, LoopbackHttp } from './loopback-http.js';
import { jsonOf, sendJson, startLoopbackHttp } from './loopback-http.js';
import { hashedVector, overlapScore } from './loopback-content.js';

export interface LoopbackOpenAiEmbeddingsOptions {
  /** Refuse `encoding_format: base64` with a 400, as some servers do. */
  floatOnly?: boolean;
  model?: string;
  dimensions?: number;
  apiKey?: string;
  /** List `data` in reverse order, as a server is free to (clients must sort by `index`). */
  reverseOrder?: boolean;
}

export interface LoopbackOpenAiEmbeddings extends LoopbackHttp {
  /** Base URL for the adapters, with `/v1`. */
  baseUrl: string;
}

export function openAiError(status: number, message: string) {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type, param: null, code: null } };
}

function route(options: LoopbackOpenAiEmbeddingsOptions & { model: string; dimensions: number }) {
  return ({ request, response }: LoopbackExchange) => {
    const key = `${request.method} ${request.path}`;
    if (key === 'GET /v1/models') {
      sendJson(response, 200, {
        object: 'list',
        data: [{ id: options.model, object: 'model', owned_by: 'loopback' }],
      });
    } else if (key === 'POST /v1/embeddings') {
      const body = jsonOf<{ model?: string; input?: string | string[]; encoding_format?: string }>(
        request,
      );
      const input = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
      if (body.model !== options.model)
        return sendJson(
          response,
          404,
          openAiError(404, `The model \`${body.model}\` does not exist.`),
        );
      if (input.length === 0) return sendJson(response, 400, openAiError(400, "'input' is empty"));
      if (options.floatOnly && body.encoding_format === 'base64')
        return sendJson(
          response,
          400,
          openAiError(400, "encoding_format 'base64' is not supported; use 'float'"),
        );
      const data = input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding:
          body.encoding_format === 'base64'
            ? Buffer.from(new Float32Array(hashedVector(text, options.dimensions)).buffer).toString(
                'base64',
              )
            : hashedVector(text, options.dimensions),
      }));
      if (options.reverseOrder) data.reverse();
      const tokens = input.join(' ').split(/\s+/).length;
      sendJson(response, 200, {
        object: 'list',
        data,
        model: options.model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    } else if (key === 'POST /v1/rerank') {
      const body = jsonOf<{ query?: string; documents?: string[]; top_n?: number }>(request);
      const documents = body.documents ?? [];
      const results = documents
        .map((document, index) => ({
          index,
          relevance_score: overlapScore(body.query ?? '', document),
          document: null,
        }))
        .sort((a, b) => b.relevance_score - a.relevance_score)
        .slice(0, body.top_n ?? documents.length);
      sendJson(response, 200, {
        object: 'rerank',
        id: `rerank-${request.body.length}`,
        model: options.model,
        results,
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    } else {
      sendJson(response, 404, openAiError(404, `no route ${key}`));
    }
  };
}

/** Starts a loopback OpenAI-compatible embeddings and rerank server on a free port. */
export async function startLoopbackOpenAiEmbeddings(
  options: LoopbackOpenAiEmbeddingsOptions = {},
): Promise<LoopbackOpenAiEmbeddings> {
  const http = await startLoopbackHttp({
    apiKey: options.apiKey,
    errorBody: openAiError,
    route: route({
      ...options,
      model: options.model ?? 'loopback-embed',
      dimensions: options.dimensions ?? 384,
    }),
  });
  return Object.assign(http, { baseUrl: `${http.origin}/v1` });
}
