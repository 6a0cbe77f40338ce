/**
 * Settings every remote model adapter shares, and the HTTP client built from them.
 */
import { HttpClient } from './http-client.js';

export interface RemoteServiceSettings {
  /** Server base URL; OpenAI-style servers include the version prefix, e.g. `http://x:8000/v1`. */
  baseUrl: string;
  /** Model name sent to the server (and shown in health). */
  model?: string | undefined;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /** Time allowed for one call, retries included. */
  timeoutMs?: number | undefined;
  /** Extra attempts after a retryable failure (default 2). */
  retries?: number | undefined;
  /** First retry delay in ms (default 200), doubled each attempt, with jitter. */
  backoffBaseMs?: number | undefined;
  /** Time allowed for the health probe (default 2 000 ms). */
  healthTimeoutMs?: number | undefined;
}

/** The HTTP client for one adapter, named as its errors will name it. */
export function clientFor(settings: RemoteServiceSettings, serviceName: string): HttpClient {
  return new HttpClient({
    serviceName,
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    backoffBaseMs: settings.backoffBaseMs,
  });
}

/** The model ids an OpenAI-style `GET /models` lists. */
export function listedModels(body: unknown): string[] {
  const data = (body as { data?: { id?: unknown }[] } | null)?.data;
  if (!Array.isArray(data)) return [];
  return data.map((model) => model.id).filter((id): id is string => typeof id === 'string');
}
