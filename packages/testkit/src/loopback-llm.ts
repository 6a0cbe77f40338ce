/**
 * A loopback OpenAI-compatible LLM server for tests and benchmarks: `/v1/models` and
 * `/v1/chat/completions` (streamed SSE and plain), answering "echo: <last user message>" word
 * by word, with configurable delays and failures.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackLlmOptions {
  model?: string;
  /** Delay before the first token. */
  firstTokenDelayMs?: number;
  /** Delay between tokens. */
  tokenDelayMs?: number;
  /** Answer every completion with this HTTP status and an OpenAI-style error body. */
  failStatus?: number;
  apiKey?: string;
  /**
   * Starts a streamed answer's first token with `[[late-ms=N]] `: how much later than
   * `firstTokenDelayMs` the server wrote it, counted from the request's arrival (its own event
   * loop was busy, or its process waited for a core). For benchmarks that take the server's own
   * time to first token off each request's.
   */
  stampLateness?: boolean;
}

/** The stamp `stampLateness` puts before a first token. */
function latenessStamp(lateMs: number): string {
  return `[[late-ms=${lateMs.toFixed(2)}]] `;
}

/** Reads the stamp `stampLateness` puts on a first token: ms, or undefined when absent. */
export function readLatenessStamp(firstToken: string): number | undefined {
  const stamp = /^\[\[late-ms=(\d+(?:\.\d+)?)\]\] /.exec(firstToken);
  return stamp ? Number(stamp[1]) : undefined;
}

export interface LoopbackLlm {
  baseUrl: string;
  options: LoopbackLlmOptions;
  /** Completion requests received, newest last. */
  requests: {
    model?: string;
    messages: { role: string; content: string }[];
    stream: boolean;
    max_tokens?: number;
  }[];
  /** Connections aborted by the client before the answer ended. */
  aborted: number;
  close(): Promise<void>;
}

const sleep = (ms: number) =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export async function startLoopbackLlm(options: LoopbackLlmOptions = {}): Promise<LoopbackLlm> {
  const model = options.model ?? 'loopback-echo';
  const state: LoopbackLlm = {
    baseUrl: '',
    options,
    requests: [],
    aborted: 0,
    close: () => Promise.resolve(),
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const arrived = performance.now();
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { message: 'Invalid API key', type: 'invalid_request_error' } }),
      );
      return;
    }
    if (request.method === 'GET' && request.url === '/v1/models') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: model, object: 'model', owned_by: 'loopback' }],
        }),
      );
      return;
    }
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      response.writeHead(404).end();
      return;
    }
    const body = (await readJson(request)) as LoopbackLlm['requests'][number];
    state.requests.push(body);
    if (options.failStatus) {
      response.writeHead(options.failStatus, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { message: 'loopback failure', type: 'server_error' } }),
      );
      return;
    }
    const lastUser = [...body.messages].reverse().find((message) => message.role === 'user');
    const words = `echo: ${lastUser?.content ?? ''}`.split(/(?<= )/);
    const limited = body.max_tokens ? words.slice(0, body.max_tokens) : words;
    const id = `chatcmpl-${Date.now()}`;
    const created = Math.floor(Date.now() / 1000);
    let closed = false;
    response.on('close', () => {
      if (!response.writableEnded) {
        closed = true;
        state.aborted++;
      }
    });
    await sleep(options.firstTokenDelayMs ?? 0);
    const lateMs = Math.max(0, performance.now() - arrived - (options.firstTokenDelayMs ?? 0));
    if (!body.stream) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: limited.join('') },
              finish_reason: 'stop',
            },
          ],
          usage: {
            prompt_tokens: 1,
            completion_tokens: limited.length,
            total_tokens: limited.length + 1,
          },
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (delta: object, finish: string | null) =>
      response.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
      );
    send({ role: 'assistant', content: '' }, null);
    for (const [index, word] of limited.entries()) {
      if (closed) return;
      if (index > 0) await sleep(options.tokenDelayMs ?? 0);
      const stamp = index === 0 && options.stampLateness ? latenessStamp(lateMs) : '';
      send({ content: `${stamp}${word}` }, null);
    }
    send({}, 'stop');
    response.end('data: [DONE]\n\n');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}/v1`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
