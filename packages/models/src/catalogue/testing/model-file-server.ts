/**
 * Test helper: a loopback HTTP server that serves one file the way Hugging Face does. The
 * `/…/resolve/…` URL answers 302 with `X-Linked-Etag: "<sha256>"` and `X-Linked-Size`, pointing
 * at `/cdn/<file>`, which serves the bytes with Range support. It can drop the connection
 * mid-body, ignore Range, or declare a different checksum, and it records every request.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ModelFileServerOptions {
  content: Buffer;
  /** For the first `drops` body requests, destroy the socket after this many bytes. */
  dropAfterBytes?: number;
  drops?: number;
  /** Awaited after the bytes before a drop were flushed, before the socket is destroyed. */
  beforeDrop?: () => Promise<void>;
  /** Answer 200 with the whole file even when asked for a range. */
  ignoreRange?: boolean;
  /** sha256 declared in X-Linked-Etag (default: the content's); null declares none. */
  declaredSha256?: string | null;
}

export interface RecordedRequest {
  path: string;
  range: string | undefined;
  status: number;
}

export interface ModelFileServer {
  /** Base URL, e.g. http://127.0.0.1:1234 (use as HOMELAB_MODELS_MIRROR). */
  baseUrl: string;
  sha256: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startModelFileServer(
  options: ModelFileServerOptions,
): Promise<ModelFileServer> {
  const { content } = options;
  const sha256 = createHash('sha256').update(content).digest('hex');
  const declared = options.declaredSha256 === undefined ? sha256 : options.declaredSha256;
  const requests: RecordedRequest[] = [];
  let dropsLeft = options.dropAfterBytes === undefined ? 0 : (options.drops ?? 1);

  const serveBody = (request: IncomingMessage, response: ServerResponse): RecordedRequest => {
    const range = request.headers.range;
    const record: RecordedRequest = { path: request.url ?? '', range, status: 200 };
    let start = 0;
    const match = options.ignoreRange ? null : (range?.match(/^bytes=(\d+)-$/) ?? null);
    if (match) {
      start = Number(match[1]);
      if (start >= content.length) {
        record.status = 416;
        response.writeHead(416, { 'content-range': `bytes */${content.length}` }).end();
        return record;
      }
      record.status = 206;
      response.writeHead(206, {
        'content-range': `bytes ${start}-${content.length - 1}/${content.length}`,
        'content-length': String(content.length - start),
        'accept-ranges': 'bytes',
      });
    } else {
      response.writeHead(200, {
        'content-length': String(content.length),
        'accept-ranges': 'bytes',
      });
    }
    const body = content.subarray(start);
    if (dropsLeft > 0 && options.dropAfterBytes !== undefined) {
      dropsLeft--;
      response.write(body.subarray(0, options.dropAfterBytes), () => {
        void (options.beforeDrop?.() ?? Promise.resolve()).then(() => response.socket?.destroy());
      });
      return record;
    }
    response.end(body);
    return record;
  };

  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path.includes('/resolve/')) {
      const file = path.slice(path.lastIndexOf('/') + 1);
      const headers: Record<string, string> = {
        location: `/cdn/${file}`,
        'x-linked-size': String(content.length),
      };
      if (declared !== null) headers['x-linked-etag'] = `"${declared}"`;
      requests.push({ path, range: request.headers.range, status: 302 });
      response.writeHead(302, headers).end();
      return;
    }
    if (path.startsWith('/cdn/')) {
      requests.push(serveBody(request, response));
      return;
    }
    requests.push({ path, range: request.headers.range, status: 404 });
    response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sha256,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
