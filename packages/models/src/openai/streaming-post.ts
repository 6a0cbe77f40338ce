/**
 * A POST whose answer is read as it streams, on node:http(s) with kept-alive connections. The
 * chat model's stream runs once per chat turn; `fetch` costs about three times the CPU per
 * request here (its web streams and request objects), which under concurrency is time every
 * other turn waits for. Sent again once when a reused connection turns out to be closed by the
 * server before any answer (its idle timeout raced our reuse): nothing was processed then.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

export interface StreamingAnswer {
  status: number;
  statusText: string;
  /** The body as it arrives; leaving a loop over it early does not close the connection. */
  body: AsyncIterable<Uint8Array>;
  /** The whole body as text (for an error answer). */
  text(): Promise<string>;
  /**
   * Lets go of the answer: read to its end (the connection goes back to the pool) when it was
   * read through, else closed (the server sees the client leave and stops generating).
   */
  release(readThrough: boolean): void;
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

function send(
  url: URL,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<{ response: IncomingMessage; stopListening: () => void }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: 'POST',
      agent: url.protocol === 'https:' ? agents['https:'] : agents['http:'],
      headers: { ...init.headers, 'content-length': Buffer.byteLength(init.body) },
    });
    // The signal is followed here rather than handed to node:http, so that an abort after the
    // answer was let go touches nothing (the connection may serve another request by then).
    const abort = () => {
      request.destroy();
      reject(init.signal.reason as Error);
    };
    const stopListening = () => init.signal.removeEventListener('abort', abort);
    if (init.signal.aborted) return abort();
    init.signal.addEventListener('abort', abort, { once: true });
    request.on('response', (response) => resolve({ response, stopListening }));
    request.on('error', (error) => {
      stopListening();
      reject(Object.assign(error, { reusedSocket: request.reusedSocket }));
    });
    request.end(init.body);
  });
}

export async function streamingPost(
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<StreamingAnswer> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`${url}: only http and https are supported`);
  }
  let sent;
  try {
    sent = await send(target, init);
  } catch (error) {
    const { code, reusedSocket } = error as { code?: string; reusedSocket?: boolean };
    if (!reusedSocket || code !== 'ECONNRESET' || init.signal.aborted) throw error;
    sent = await send(target, init);
  }
  const { response, stopListening } = sent;
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    body: response.iterator({ destroyOnReturn: false }),
    release(readThrough) {
      stopListening();
      if (readThrough) response.resume();
      else response.destroy();
    },
    async text() {
      try {
        const parts: Buffer[] = [];
        for await (const part of response) parts.push(part as Buffer);
        return Buffer.concat(parts).toString('utf8');
      } finally {
        stopListening();
      }
    },
  };
}
