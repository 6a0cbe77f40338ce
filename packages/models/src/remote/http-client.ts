/**
 * The HTTP caller shared by the remote model adapters: JSON and binary calls over global fetch,
 * a per-call timeout, caller abort, retries with exponential backoff and jitter for retryable
 * failures only, and PlatformErrors that name the service and the URL.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { PlatformError } from '@homelab-ai/contracts';
import { readErrorDetail } from './error-detail.js';

export interface HttpClientSettings {
  /** How messages name the service, e.g. `embeddings (TEI)`. */
  serviceName: string;
  /** Prefix of every path, e.g. `http://tei:8080` or `http://vllm:8000/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /** Time allowed for one call, retries and body included. Default 60 000 ms. */
  timeoutMs?: number | undefined;
  /** Extra attempts after a retryable failure. Default 2. */
  retries?: number | undefined;
  /** First backoff delay; doubles each attempt, with jitter. Default 200 ms. */
  backoffBaseMs?: number | undefined;
  /** Longest wait a server's Retry-After may impose. Default 10 000 ms. */
  maxRetryAfterMs?: number | undefined;
}

export interface HttpCall {
  method?: 'GET' | 'POST';
  /** Appended to the base URL, e.g. `/embed`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as multipart/form-data. */
  form?: FormData;
  accept?: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
  retries?: number;
}

export interface BinaryAnswer {
  bytes: Uint8Array;
  contentType: string;
}

export type ProbeResult = { ok: true; body: unknown } | { ok: false; detail: string };

/** Statuses worth another attempt: the server may answer differently a moment later. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const DEFAULT_TIMEOUT_MS = 60_000;

interface CallContext {
  url: string;
  callerSignal: AbortSignal | undefined;
  timeoutSignal: AbortSignal;
  timeoutMs: number;
  signal: AbortSignal;
}

type Attempt<T> =
  | { done: true; value: T }
  | { done: false; error: PlatformError; retryable: boolean; retryAfterMs?: number };

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class HttpClient {
  readonly baseUrl: string;

  constructor(readonly settings: HttpClientSettings) {
    this.baseUrl = settings.baseUrl.replace(/\/+$/, '');
  }

  get serviceName(): string {
    return this.settings.serviceName;
  }

  /** The full URL of a path, as messages show it. */
  urlFor(path: string, query?: Record<string, string>): string {
    const search = query ? `?${new URLSearchParams(query).toString()}` : '';
    return `${this.baseUrl}${path}${search}`;
  }

  /** Calls and parses the JSON answer. */
  json<T>(call: HttpCall): Promise<T> {
    return this.run(call, async (response) => (await response.json()) as T);
  }

  /** Calls and reads the whole binary answer. */
  bytes(call: HttpCall): Promise<BinaryAnswer> {
    return this.run(call, async (response) => ({
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? '',
    }));
  }

  /**
   * Calls and hands back the body as it arrives. Retries happen only until the headers arrive;
   * a failure while streaming is thrown from the iterator as a PlatformError.
   */
  async stream(call: HttpCall): Promise<AsyncGenerator<Uint8Array>> {
    const { body, context } = await this.run(call, (response, context) => {
      if (!response.body) throw this.malformed(context.url, 'answered without a body');
      return Promise.resolve({ body: response.body, context });
    });
    const failure = (error: unknown) => this.failure(error, context);
    return (async function* () {
      try {
        for await (const chunk of body) yield chunk as Uint8Array;
      } catch (error) {
        throw failure(error);
      }
    })();
  }

  /** A cheap health probe: never throws, one attempt, JSON or text body. */
  async probe(path: string, timeoutMs = 2_000): Promise<ProbeResult> {
    try {
      const body = await this.run({ path, timeoutMs, retries: 0 }, async (response) => {
        const text = await response.text();
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return text;
        }
      });
      return { ok: true, body };
    } catch (error) {
      return { ok: false, detail: (error as Error).message };
    }
  }

  /** A model_error naming this service and URL, for answers of the wrong shape. */
  malformed(url: string, what: string): PlatformError {
    return new PlatformError('model_error', `${this.serviceName} ${url} ${what}`, {
      details: { service: this.serviceName, url },
    });
  }

  private headers(call: HttpCall): Record<string, string> {
    const headers: Record<string, string> = {};
    if (call.json !== undefined) headers['content-type'] = 'application/json';
    if (call.accept) headers.accept = call.accept;
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    return headers;
  }

  private async run<T>(
    call: HttpCall,
    read: (response: Response, context: CallContext) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = call.timeoutMs ?? this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeoutSignal = AbortSignal.timeout(timeoutMs);
    const context: CallContext = {
      url: this.urlFor(call.path, call.query),
      callerSignal: call.signal,
      timeoutSignal,
      timeoutMs,
      signal: call.signal ? AbortSignal.any([call.signal, timeoutSignal]) : timeoutSignal,
    };
    const retries = call.retries ?? this.settings.retries ?? 2;
    const body = call.json !== undefined ? JSON.stringify(call.json) : call.form;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(call, body, context, read);
      if (outcome.done) return outcome.value;
      if (!outcome.retryable || attempt >= retries) {
        if (attempt === 0 || !outcome.retryable) throw outcome.error;
        throw new PlatformError(
          outcome.error.code,
          `${outcome.error.message} (after ${attempt + 1} attempts)`,
          { cause: outcome.error.cause, details: outcome.error.details ?? {} },
        );
      }
      try {
        await delay(this.backoffMs(attempt, outcome.retryAfterMs), undefined, {
          signal: context.signal,
        });
      } catch (error) {
        throw this.failure(error, context);
      }
    }
  }

  private async attempt<T>(
    call: HttpCall,
    body: string | FormData | undefined,
    context: CallContext,
    read: (response: Response, context: CallContext) => Promise<T>,
  ): Promise<Attempt<T>> {
    try {
      const response = await fetch(context.url, {
        method: call.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: this.headers(call),
        ...(body === undefined ? {} : { body }),
        signal: context.signal,
      });
      if (response.ok) return { done: true, value: await read(response, context) };
      const detail = await readErrorDetail(response);
      const retryable = RETRYABLE_STATUSES.has(response.status);
      const error = new PlatformError(
        retryable ? 'model_error' : 'model_rejected',
        `${this.serviceName} ${context.url} answered ${response.status}: ${detail}`,
        { details: { service: this.serviceName, url: context.url, status: response.status } },
      );
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return retryAfterMs === undefined
        ? { done: false, error, retryable }
        : { done: false, error, retryable, retryAfterMs };
    } catch (error) {
      const failure = this.failure(error, context);
      return { done: false, error: failure, retryable: failure.code === 'unavailable' };
    }
  }

  private backoffMs(attempt: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined)
      return Math.min(retryAfterMs, this.settings.maxRetryAfterMs ?? 10_000);
    const exponential = (this.settings.backoffBaseMs ?? 200) * 2 ** attempt;
    return exponential * (0.5 + Math.random() / 2);
  }

  private failure(error: unknown, context: CallContext): PlatformError {
    const { url } = context;
    const details = { service: this.serviceName, url };
    if (context.callerSignal?.aborted)
      return new PlatformError('cancelled', `${this.serviceName} ${url}: cancelled by the caller`, {
        cause: error,
        details,
      });
    if (context.timeoutSignal.aborted)
      return new PlatformError(
        'timeout',
        `${this.serviceName} ${url} did not answer within ${context.timeoutMs} ms; check the ` +
          'server load or raise its timeout',
        { cause: error, details },
      );
    if (error instanceof PlatformError) return error;
    if (error instanceof SyntaxError)
      return new PlatformError(
        'model_error',
        `${this.serviceName} ${url} sent malformed JSON: ${error.message}`,
        { cause: error, details },
      );
    return new PlatformError(
      'unavailable',
      `${this.serviceName} ${url} unreachable: ${networkReason(error)}; check that the server ` +
        'runs and the URL is right',
      { cause: error, details },
    );
  }
}

/** A client for one service. */
export function createHttpClient(settings: HttpClientSettings): HttpClient {
  return new HttpClient(settings);
}
