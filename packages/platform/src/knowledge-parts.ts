/**
 * The knowledge library and the pipelines behind it, from the platform's ports: the service the
 * gateway's API uses (uploads trigger `document-ingestion` over the bus) and the definition of
 * that pipeline, which the embedded pipeline engine runs. Loaded on first use (see knowledge.ts): parsers,
 * the pipeline runner and the SQL layer are not needed to start.
 */
import type { Bus } from '@homelab-ai/bus';
import type { PlatformConfig } from '@homelab-ai/config';
import { encodeMessage, subjects, type PipelineTrigger } from '@homelab-ai/contracts';
import {
  DEFAULT_INGESTION_SETTINGS,
  createDocumentIngestionPipeline,
  createKnowledgeService,
  type KnowledgeService,
} from '@homelab-ai/knowledge';
import type { Logger } from '@homelab-ai/observability';
import type { PipelineDefinition } from '@homelab-ai/pipelines';
import type { ModelServices } from './model-services.js';
import type { Stores } from './stores.js';

export interface KnowledgeParts {
  service: KnowledgeService;
  ingestion: PipelineDefinition;
}

export function createKnowledgeParts(
  config: PlatformConfig,
  parts: { bus: Bus; stores: Stores; models: ModelServices; logger: Logger },
  owner: () => Promise<string>,
): KnowledgeParts {
  const { bus, stores, models } = parts;
  const openDb = () => stores.db.open();
  const openVectors = () => stores.vectors.open();
  const deps = {
    openDb,
    openVectors,
    objects: stores.objects,
    embedder: models.embedder,
    reranker: models.reranker,
  };
  const service = createKnowledgeService({
    ...deps,
    maxUploadBytes: config.ingestion.maxUploadBytes,
    requestIngestion: async ({ requestId, parameters }) => {
      const trigger: PipelineTrigger = {
        request_id: requestId,
        pipeline: 'document-ingestion',
        parameters,
      };
      await bus.publish(subjects.pipelineTrigger(), encodeMessage(trigger));
    },
  });
  const ingestion = createDocumentIngestionPipeline({
    ...deps,
    defaultOwner: owner,
    settings: {
      ...DEFAULT_INGESTION_SETTINGS,
      maxDocumentBytes: config.ingestion.maxUploadBytes,
      allowPrivateUrls: config.ingestion.allowPrivateUrls,
      localRoots: config.ingestion.localRoots,
      bucket: config.stores.s3?.bucket ?? DEFAULT_INGESTION_SETTINGS.bucket,
      chunkTokens: config.ingestion.chunkTokens,
      chunkOverlapTokens: config.ingestion.chunkOverlapTokens,
    },
  });
  return { service, ingestion };
}
