/** Runs a Hono app on Node's HTTP server, with WebSocket upgrades routed by path. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { PlatformError } from '@homelab-ai/contracts';
import type { Hono } from 'hono';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';

export type SocketHandler = (socket: WebSocket, request: IncomingMessage) => void;

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  app: Hono,
  listen: { host: string; port: number },
  sockets: Record<string, SocketHandler> = {},
): Promise<RunningHttpServer> {
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, hostname: listen.host, port: listen.port }, () =>
      resolve(created as Server),
    );
    (created as Server).once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new PlatformError(
              'invalid_config',
              `PORT: cannot listen on ${listen.host}:${listen.port} (${error.code === 'EADDRINUSE' ? 'already in use' : 'permission denied'}); set PORT to another port`,
              { cause: error },
            )
          : error,
      ),
    );
  });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const handler = sockets[path];
    if (!handler) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    webSockets.handleUpgrade(request, socket, head, (webSocket) => handler(webSocket, request));
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = listen.host === '0.0.0.0' || listen.host === '::' ? '127.0.0.1' : listen.host;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const client of webSockets.clients) client.close(1001, 'server shutting down');
        webSockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
