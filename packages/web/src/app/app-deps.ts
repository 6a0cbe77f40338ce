/** What the Companions app needs from the platform: ports, never adapters. */
import type { Context } from 'hono';
import type { KnowledgeService } from '@homelab-ai/knowledge';
import type { MetadataDb } from '@homelab-ai/metadata-db';

/** The signed-in user a request acts for. */
export interface AppUser {
  userId: string;
  email: string;
  displayName: string;
  role: 'admin' | 'user';
}

export interface ChatModelChoice {
  id: string;
}

/** A model service that is missing or failing, and what its health says (how to fix it). */
export interface ServiceWarning {
  /** `llm`, `embeddings`, `reranker`, `stt` or `tts`. */
  service: string;
  detail: string;
}

export interface AppDeps {
  openDb(): Promise<MetadataDb>;
  knowledge(): Promise<KnowledgeService>;
  /** The signed-in user (routes are mounted behind the authentication middleware). */
  userOf(context: Context): AppUser;
  /** The CSRF token pages embed for their forms and fetches. */
  csrfTokenOf(context: Context): string;
  /** Chat models the user can pick; the first is the default. */
  listModels(): Promise<ChatModelChoice[]>;
  /** Problems worth a banner: missing or failing model services, with how to fix them. */
  warnings(): Promise<ServiceWarning[]>;
  /** Whether the page shows sign-out (not when a proxy or single-user mode signs people in). */
  canSignOut(context: Context): boolean;
}
