/**
 * The knowledge library and the pipeline engine as the platform holds them: light at start,
 * loaded on first use (an upload, a search, a pipeline trigger, or at start when a database with
 * possibly interrupted runs exists), so that `homelab-ai up` stays fast and small.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Bus } from '@homelab-ai/bus';
import type { PlatformConfig } from '@homelab-ai/config';
import type { KnowledgeService } from '@homelab-ai/knowledge';
import type { Logger } from '@homelab-ai/observability';
import type { KnowledgeParts } from './knowledge-parts.js';
import { pipelineOwner } from './pipeline-owner.js';
import type { ModelServices } from './model-services.js';
import { createEmbeddedPipelineEngine, type EmbeddedPipelineEngine } from './pipeline-engine.js';
import type { Stores } from './stores.js';

export interface Knowledge {
  service(): Promise<KnowledgeService>;
  engine: EmbeddedPipelineEngine;
  /** Who owns what is ingested over the bus (the first admin). */
  pipelineOwner: () => Promise<string>;
}

export function createKnowledge(
  config: PlatformConfig,
  parts: { bus: Bus; stores: Stores; models: ModelServices; logger: Logger },
): Knowledge {
  const owner = pipelineOwner(() => parts.stores.db.open(), config.auth);
  let loading: Promise<KnowledgeParts> | undefined;
  const load = () =>
    (loading ??= import('./knowledge-parts.js').then(({ createKnowledgeParts }) =>
      createKnowledgeParts(config, parts, owner),
    ));
  return {
    service: async () => (await load()).service,
    pipelineOwner: owner,
    engine: createEmbeddedPipelineEngine({
      openDb: () => parts.stores.db.open(),
      objects: parts.stores.objects,
      pipelineNames: ['document-ingestion'],
      loadPipelines: async () => [(await load()).ingestion],
      concurrency: config.pipelines.concurrency,
      logger: parts.logger.child({ component: 'pipelines' }),
    }),
  };
}

/** Whether a database with possibly interrupted runs exists already (then recover at start). */
export function databaseExists(config: PlatformConfig): boolean {
  return config.stores.databaseUrl !== undefined || existsSync(join(config.dataDir, 'pglite'));
}
