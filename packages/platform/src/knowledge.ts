/**
 * The knowledge library and the pipeline engine as the platform holds them: light at start,
 * loaded on first use (an upload, a search, a pipeline trigger, or at start when a database with
 * possibly interrupted runs exists), so that `homelab-ai up` stays fast and small.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bus } from '@homelab-ai/bus';
import type { PlatformConfig } from '@homelab-ai/config';
import type { PipelineEngine, PipelineRunEvent } from '@homelab-ai/handlers';
import type { KnowledgeService } from '@homelab-ai/knowledge';
import type { Logger } from '@homelab-ai/observability';
import type { EmbeddedRunner } from '@homelab-ai/pipelines';
import type { KnowledgeParts } from './knowledge-parts.js';
import { localOwner } from './local-owner.js';
import type { ModelServices } from './model-services.js';
import type { Stores } from './stores.js';

/** The pipelines this build defines (their definitions load with the engine). */
const PIPELINES = ['document-ingestion'];

export interface LazyPipelineEngine extends PipelineEngine {
  runner(): Promise<EmbeddedRunner>;
  close(): Promise<void>;
}

export interface Knowledge {
  service(): Promise<KnowledgeService>;
  engine: LazyPipelineEngine;
  /** The owner of everything before accounts exist. */
  localOwner: () => Promise<string>;
}

export function createKnowledge(
  config: PlatformConfig,
  parts: { bus: Bus; stores: Stores; models: ModelServices; logger: Logger },
): Knowledge {
  const owner = localOwner(() => parts.stores.db.open());
  const listeners = new Set<(event: PipelineRunEvent) => void>();
  let loading: Promise<KnowledgeParts> | undefined;
  const load = () => {
    loading ??= import('./knowledge-parts.js').then(({ createKnowledgeParts }) => {
      const loaded = createKnowledgeParts(config, parts, owner);
      loaded.engine.onEvent((event) => {
        for (const listener of listeners) listener(event);
      });
      return loaded;
    });
    return loading;
  };
  return {
    service: async () => (await load()).service,
    localOwner: owner,
    engine: {
      engine: 'embedded',
      pipelines: () => [...PIPELINES],
      submit: async (pipeline, parameters, requestId) =>
        (await load()).engine.submit(pipeline, parameters, requestId),
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      runner: async () => (await load()).engine.runner(),
      close: async () => {
        const loaded = await loading?.catch(() => undefined);
        await loaded?.engine.close();
      },
    },
  };
}

/** Whether a database with possibly interrupted runs exists already (then recover at start). */
export function databaseExists(config: PlatformConfig): boolean {
  return config.stores.databaseUrl !== undefined || existsSync(join(config.dataDir, 'pglite'));
}
