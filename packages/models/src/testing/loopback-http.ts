/**
 * The node:http base of the loopback model servers: records requests, checks the API key,
 * injects faults one request at a time (error status, hang, dropped connection) and notices
 * clients that hang up before the answer ends.
 */
import { EventEmitter, once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the next request meets instead of a normal answer. */
export type LoopbackFault =
  | { status: number; message?: string; retryAfter?: string }
  /** Never answer, until the client hangs up. */
  | { hang: true }
  /** Answer 200 with part of a JSON body, then cut the connection. */
  | { dropMidBody: true }
  /** Cut the connection without answering (a connection reset). */
  | { dropBeforeAnswer: true };

export interface LoopbackExchange {
  request: RecordedRequest;
  response: ServerResponse;
  /** True once the client hung up before the answer ended. */
  clientGone(): boolean;
}

export interface LoopbackHttpOptions {
  /** Requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string | undefined;
  /** The server's error body for a status and message, in its dialect. */
  errorBody: (status: number, message: string) => unknown;
  /** Answers one request (unknown routes answer 404 in the server's dialect). */
  route: (exchange: LoopbackExchange) => Promise<void> | void;
}

export interface LoopbackHttp {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  /** Consumed one per request, first first. */
  faults: LoopbackFault[];
  /** Connections the client closed before the answer ended. */
  closedEarly: number;
  /** Resolves when the next request has been read. */
  nextRequest(): Promise<RecordedRequest>;
  /** Resolves when a client next hangs up before its answer ended. */
  nextClosedEarly(): Promise<void>;
  close(): Promise<void>;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendBytes(response: ServerResponse, bytes: Uint8Array, contentType: string): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
  response.end(bytes);
}

async function record(request: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const url = new URL(request.url ?? '/', 'http://loopback');
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: request.headers,
    body: Buffer.concat(chunks),
  };
}

function applyFault(
  fault: LoopbackFault,
  exchange: LoopbackExchange,
  options: LoopbackHttpOptions,
) {
  const { response } = exchange;
  if ('status' in fault) {
    const headers: Record<string, string> = fault.retryAfter
      ? { 'retry-after': fault.retryAfter }
      : {};
    sendJson(
      response,
      fault.status,
      options.errorBody(fault.status, fault.message ?? 'loopback fault'),
      headers,
    );
  } else if ('dropMidBody' in fault) {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 4096 });
    response.write('{"data":[{"index":0,"embedding":[0.1,');
    setImmediate(() => response.socket?.destroy());
  } else if ('dropBeforeAnswer' in fault) {
    response.socket?.destroy();
  }
  // hang: leave the response open; the client's abort or timeout ends it
}

/** Starts a loopback server on a free 127.0.0.1 port. */
export async function startLoopbackHttp(options: LoopbackHttpOptions): Promise<LoopbackHttp> {
  const events = new EventEmitter();
  const server = createServer((incoming, response) => {
    let gone = false;
    response.on('close', () => {
      if (response.writableEnded) return;
      gone = true;
      state.closedEarly++;
      events.emit('closed-early');
    });
    const handle = async () => {
      const request = await record(incoming);
      state.requests.push(request);
      events.emit('request', request);
      const exchange: LoopbackExchange = { request, response, clientGone: () => gone };
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        sendJson(response, 401, options.errorBody(401, 'Invalid API key'));
        return;
      }
      const fault = state.faults.shift();
      if (fault) applyFault(fault, exchange, options);
      else await options.route(exchange);
    };
    handle().catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, options.errorBody(500, (error as Error).message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: LoopbackHttp = {
    origin: `http://127.0.0.1:${port}`,
    requests: [],
    faults: [],
    closedEarly: 0,
    nextRequest: async () => ((await once(events, 'request')) as [RecordedRequest])[0],
    nextClosedEarly: async () => {
      await once(events, 'closed-early');
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** The JSON body of a recorded request. */
export function jsonOf<T>(request: RecordedRequest): T {
  return JSON.parse(request.body.toString('utf8')) as T;
}
