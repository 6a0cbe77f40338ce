/**
 * A test client of a running gateway: signs in like a browser (cookie + CSRF token) or with
 * an API token, calls the JSON API, and opens the chat socket.
 */
import { once } from 'node:events';
import WebSocket from 'ws';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export interface SocketFrame {
  type: string;
  [key: string]: unknown;
}

export interface ChatSocket {
  frames: SocketFrame[];
  send(frame: Record<string, unknown>): void;
  /** The next frame (after those already seen) that `matches`. */
  next(matches: (frame: SocketFrame) => boolean, timeoutMs?: number): Promise<SocketFrame>;
  closed: Promise<{ code: number }>;
  close(): void;
}

export class GatewayClient {
  private constructor(
    readonly base: string,
    private readonly credentials: { cookie?: string; csrf?: string; token?: string },
  ) {}

  static withToken(base: string, token: string): GatewayClient {
    return new GatewayClient(base, { token });
  }

  /** Signs in with email and password, as the login form's JSON variant. */
  static async signIn(base: string, email: string, password: string): Promise<GatewayClient> {
    const response = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await response.json()) as { csrf_token?: string };
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!response.ok || !cookie || !body.csrf_token) {
      throw new Error(`sign-in of ${email} failed: ${response.status} ${JSON.stringify(body)}`);
    }
    return new GatewayClient(base, { cookie, csrf: body.csrf_token });
  }

  private headers(extra: Record<string, string> = {}): Headers {
    const headers = new Headers(extra);
    if (this.credentials.token) headers.set('authorization', `Bearer ${this.credentials.token}`);
    if (this.credentials.cookie) headers.set('cookie', this.credentials.cookie);
    if (this.credentials.csrf) headers.set('x-csrf-token', this.credentials.csrf);
    // What a browser sends with every POST, PATCH and DELETE of the page.
    if (this.credentials.cookie) headers.set('origin', new URL(this.base).origin);
    return headers;
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const isForm = body instanceof FormData;
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: this.headers(
        body === undefined || isForm ? {} : { 'content-type': 'application/json' },
      ),
      ...(body === undefined ? {} : { body: isForm ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // an HTML page or a file
    }
    return { status: response.status, body: parsed, text };
  }

  async socket(origin?: string): Promise<ChatSocket> {
    const headers: Record<string, string> = {};
    this.headers().forEach((value, name) => (headers[name] = value));
    if (origin) headers.origin = origin;
    const socket = new WebSocket(`${this.base.replace(/^http/, 'ws')}/ws/chat`, { headers });
    const frames: SocketFrame[] = [];
    let seen = 0;
    const waiters = new Set<() => void>();
    socket.on('message', (data: Buffer) => {
      frames.push(JSON.parse(data.toString('utf8')) as SocketFrame);
      for (const waiter of waiters) waiter();
    });
    const closed = once(socket, 'close').then(([code]) => ({ code: code as number }));
    await Promise.race([once(socket, 'open'), closed]);
    return {
      frames,
      closed,
      send: (frame) => socket.send(JSON.stringify(frame)),
      close: () => socket.close(),
      next: (matches, timeoutMs = 20_000) =>
        new Promise((resolve, reject) => {
          const check = () => {
            while (seen < frames.length) {
              const frame = frames[seen++] as SocketFrame;
              if (matches(frame)) {
                waiters.delete(check);
                clearTimeout(timer);
                resolve(frame);
                return;
              }
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(
              new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames)}`),
            );
          }, timeoutMs);
          waiters.add(check);
          check();
        }),
    };
  }
}
