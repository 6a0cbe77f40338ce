/**
 * Test harness for auth: a Hono app with the auth routes on a fresh PGlite database and an
 * in-memory session cache, a few guarded routes, and a cookie-keeping client.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { createPgliteMetadataDb, createUser, type User } from '@homelab-ai/metadata-db';
import { createMemorySessionCache } from '@homelab-ai/session-cache';
import { addAuthRoutes, type AuthRoutes } from '../auth-routes.js';
import { authSettings, type AuthSettings } from '../auth-settings.js';
import { hashPassword } from '../password-hash.js';
import { requireAdmin, requireUser } from '../require-user.js';
import type { MetadataDatabase } from '../auth-env.js';

export interface AuthHarness {
  app: Hono;
  db: MetadataDatabase;
  auth: AuthRoutes;
  settings: AuthSettings;
  addUser(email: string, password: string | null, role?: 'admin' | 'user'): Promise<User>;
  close(): Promise<void>;
}

export async function startAuthHarness(
  overrides: Partial<AuthSettings> = {},
): Promise<AuthHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-auth-'));
  const metadata = await createPgliteMetadataDb({ dataDir });
  const cache = createMemorySessionCache();
  const settings = authSettings(overrides);
  const app = new Hono();
  const auth = addAuthRoutes(app, { db: metadata.db, cache, settings });
  app.get('/private', requireUser(), (context) =>
    context.text(`hello ${context.var.principal.email}`),
  );
  app.get('/api/whoami', requireUser(), (context) => context.json(context.var.principal));
  app.post('/api/notes', requireUser(), (context) =>
    context.json({ by: context.var.principal.email, via: context.var.principal.via }, 201),
  );
  app.post('/admin/reindex', requireAdmin(), (context) => context.json({ ok: true }));
  return {
    app,
    db: metadata.db,
    auth,
    settings,
    addUser: async (email, password, role = 'user') =>
      createUser(metadata.db, {
        email,
        displayName: email.split('@')[0] ?? email,
        passwordHash: password === null ? null : await hashPassword(password),
        role,
      }),
    close: async () => {
      await cache.close();
      await metadata.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

type Send = (url: string, init: RequestInit) => Promise<Response>;

export interface BrowserRequest {
  method?: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  /** Origin header for state-changing requests; defaults to the site itself, null for none. */
  origin?: string | null;
}

/** A cookie-keeping client, like a browser tab (redirects are not followed). */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly send: Send,
    readonly base = 'http://localhost',
  ) {}

  /** On a Hono app in process. */
  static of(app: Hono, base = 'http://localhost'): TestBrowser {
    return new TestBrowser(async (url, init) => app.request(url, init), base);
  }

  /** Over real HTTP. */
  static over(base: string): TestBrowser {
    return new TestBrowser((url, init) => fetch(url, { ...init, redirect: 'manual' }), base);
  }

  async request(path: string, request: BrowserRequest = {}): Promise<Response> {
    const method = request.method ?? (request.form || request.json !== undefined ? 'POST' : 'GET');
    const headers = new Headers(request.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) {
      headers.set(
        'cookie',
        [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      );
    }
    if (method !== 'GET' && request.origin !== null && !headers.has('origin')) {
      headers.set('origin', request.origin ?? new URL(this.base).origin);
    }
    let body: string | undefined;
    if (request.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(request.form).toString();
    } else if (request.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(request.json);
    }
    const response = await this.send(new URL(path, this.base).href, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      const text = value.join('=');
      if (text === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, text);
    }
    return response;
  }

  /** Signs in with the JSON login; returns the session's CSRF token. */
  async login(email: string, password: string): Promise<string> {
    const response = await this.request('/login', { json: { email, password } });
    if (response.status !== 200)
      throw new Error(`login failed: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { csrf_token: string };
    return body.csrf_token;
  }
}
