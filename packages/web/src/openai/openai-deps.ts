/**
 * What the OpenAI-compatible API needs from the gateway: the bus, who is calling, and which
 * models the platform offers. The real token check lives with accounts (`../auth`).
 */
import type { Bus } from '@homelab-ai/bus';
import type { Logger } from '@homelab-ai/observability';

/** The user a request acts for (compatible with the accounts' Principal). */
export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  role: 'admin' | 'user';
}

/** One entry of `GET /v1/models`. */
export interface OpenAiModelEntry {
  id: string;
  owned_by: string;
  /** Unix seconds. */
  created: number;
}

export interface OpenAiRoutesDeps {
  bus: Bus;
  logger: Logger;
  /**
   * The caller from the `Authorization: Bearer …` header, or undefined when not allowed. Only
   * called when that header is present; a request without it is refused before.
   */
  authenticate(headers: Headers): Promise<Principal | undefined>;
  /** The chat models the platform serves; empty when none is configured. */
  listModels(): Promise<OpenAiModelEntry[]>;
  /**
   * The companion id for what the client sent in `companion` (an id or a name), or undefined
   * when the user has no such companion (answered with 404). Without it the value is passed on.
   */
  resolveCompanion?(principal: Principal, companion: string): Promise<string | undefined>;
  /** No first event from a chat handler within this long → 503 (default 30 s). */
  firstEventTimeoutMs?: number;
  /** A whole turn may take this long (default 10 min). */
  turnTimeoutMs?: number;
}
