/**
 * A loopback HuggingFace text-embeddings-inference server: `GET /info`, `POST /embed` and
 * `POST /rerank` with TEI's shapes, its `{error, error_type}` bodies and its 413 for batches
 * above `max_client_batch_size`. Answers instantly with hashed vectors and overlap scores.
 */
import type { ServerResponse } from 'node:http';
import type { LoopbackExchange, LoopbackHttp } from './loopback-http.js';
import { jsonOf, sendJson, startLoopbackHttp } from './loopback-http.js';
import { hashedVector, overlapScore } from './loopback-content.js';

export interface LoopbackTeiOptions {
  modelId?: string;
  dimensions?: number;
  /** TEI's `--max-client-batch-size` (default 32). */
  maxClientBatchSize?: number;
  apiKey?: string;
}

export interface LoopbackTei extends LoopbackHttp {
  /** Base URL for the adapters, e.g. `http://127.0.0.1:1234`. */
  baseUrl: string;
}

/** TEI's `ErrorType` for each status it answers (router/src/http/server.rs). */
function errorType(status: number): string {
  const types: Record<number, string> = {
    400: 'Empty',
    413: 'Validation',
    422: 'Tokenizer',
    424: 'Backend',
    429: 'Overloaded',
    503: 'Unhealthy',
  };
  return types[status] ?? 'Backend';
}

function teiError(status: number, message: string) {
  return { error: message, error_type: errorType(status) };
}

function route(options: Required<Omit<LoopbackTeiOptions, 'apiKey'>>) {
  const tooBig = (response: ServerResponse, size: number) => {
    if (size <= options.maxClientBatchSize) return false;
    const message = `batch size ${size} > maximum allowed batch size ${options.maxClientBatchSize}`;
    sendJson(response, 413, teiError(413, message));
    return true;
  };
  return ({ request, response }: LoopbackExchange) => {
    const key = `${request.method} ${request.path}`;
    if (key === 'GET /info') {
      sendJson(response, 200, {
        model_id: options.modelId,
        model_sha: null,
        model_dtype: 'float32',
        model_type: { embedding: { pooling: 'cls' } },
        max_concurrent_requests: 512,
        max_input_length: 512,
        max_batch_tokens: 16384,
        max_client_batch_size: options.maxClientBatchSize,
        tokenization_workers: 1,
        version: 'loopback',
      });
    } else if (key === 'POST /embed') {
      const body = jsonOf<{ inputs?: string | string[] }>(request);
      const inputs = typeof body.inputs === 'string' ? [body.inputs] : (body.inputs ?? []);
      if (inputs.length === 0)
        return sendJson(response, 400, teiError(400, '`inputs` cannot be empty'));
      if (tooBig(response, inputs.length)) return;
      sendJson(
        response,
        200,
        inputs.map((text) => hashedVector(text, options.dimensions)),
      );
    } else if (key === 'POST /rerank') {
      const body = jsonOf<{ query?: string; texts?: string[] }>(request);
      const texts = body.texts ?? [];
      if (texts.length === 0)
        return sendJson(response, 400, teiError(400, '`texts` cannot be empty'));
      if (tooBig(response, texts.length)) return;
      const ranks = texts
        .map((text, index) => ({ index, score: overlapScore(body.query ?? '', text) }))
        .sort((a, b) => b.score - a.score);
      sendJson(response, 200, ranks);
    } else {
      sendJson(response, 404, teiError(404, `no route ${key}`));
    }
  };
}

/** Starts a loopback TEI server on a free port. */
export async function startLoopbackTei(options: LoopbackTeiOptions = {}): Promise<LoopbackTei> {
  const http = await startLoopbackHttp({
    apiKey: options.apiKey,
    errorBody: teiError,
    route: route({
      modelId: options.modelId ?? 'BAAI/bge-small-en-v1.5',
      dimensions: options.dimensions ?? 384,
      maxClientBatchSize: options.maxClientBatchSize ?? 32,
    }),
  });
  return Object.assign(http, { baseUrl: http.origin });
}
