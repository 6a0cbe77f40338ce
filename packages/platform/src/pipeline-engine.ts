/**
 * The embedded pipeline runner as the pipeline bridge's PipelineEngine: the runner and the
 * pipeline definitions load on first use (or at start when a database already exists, so that
 * runs a crash interrupted are resumed), its events mapped to the bus's status fields with step
 * counts.
 */
import type { PipelineEngine, PipelineRunEvent } from '@homelab-ai/handlers';
import type { MetadataDb } from '@homelab-ai/metadata-db';
import type { ObjectStore } from '@homelab-ai/object-store';
import type { Logger } from '@homelab-ai/observability';
import type { EmbeddedRunner, PipelineDefinition, PipelineEvent } from '@homelab-ai/pipelines';

export interface EmbeddedPipelineEngine extends PipelineEngine {
  runner(): Promise<EmbeddedRunner>;
  close(): Promise<void>;
}

export function createEmbeddedPipelineEngine(settings: {
  openDb: () => Promise<MetadataDb>;
  objects: ObjectStore;
  /** The pipelines this build defines, by name; their definitions load with the runner. */
  pipelineNames: readonly string[];
  loadPipelines: () => Promise<readonly PipelineDefinition[]>;
  concurrency: number;
  logger: Logger;
}): EmbeddedPipelineEngine {
  const listeners = new Set<(event: PipelineRunEvent) => void>();
  const stepsDone = new Map<string, number>();
  /** Steps per pipeline, known once the definitions have loaded. */
  const totals = new Map<string, number>();
  const toRunEvent = (event: PipelineEvent): PipelineRunEvent => {
    if (event.step?.status === 'succeeded') {
      stepsDone.set(event.runId, (stepsDone.get(event.runId) ?? 0) + 1);
    }
    const finished = ['succeeded', 'failed', 'cancelled'].includes(event.status);
    const done = stepsDone.get(event.runId) ?? 0;
    if (finished) stepsDone.delete(event.runId);
    return {
      runId: event.runId,
      requestId: event.requestId,
      pipeline: event.pipeline,
      status: event.status,
      step: event.step?.name,
      progress: event.progress?.fraction,
      message:
        event.progress?.message ??
        (event.step ? `${event.step.name} ${event.step.status}` : undefined),
      error: event.error,
      stepsDone: done,
      stepsTotal: totals.get(event.pipeline),
    };
  };
  let opening: Promise<EmbeddedRunner> | undefined;
  const runner = () => {
    opening ??= (async () => {
      const [db, pipelines, { createEmbeddedRunner }] = await Promise.all([
        settings.openDb(),
        settings.loadPipelines(),
        import('@homelab-ai/pipelines'),
      ]);
      for (const pipeline of pipelines) totals.set(pipeline.name, pipeline.steps.length);
      const created = createEmbeddedRunner({
        db,
        objects: settings.objects,
        pipelines,
        concurrency: settings.concurrency,
        onEvent: (event) => {
          const mapped = toRunEvent(event);
          for (const listener of listeners) listener(mapped);
        },
      });
      const report = await created.recover();
      settings.logger.info({ recovery: report }, 'pipeline runner ready');
      return created;
    })();
    opening.catch(() => (opening = undefined));
    return opening;
  };
  return {
    engine: 'embedded',
    pipelines: () => [...settings.pipelineNames],
    runner,
    async submit(pipeline, parameters, requestId) {
      return (await runner()).start(pipeline, parameters, { requestId });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      const current = opening;
      opening = undefined;
      const started = await current?.catch(() => undefined);
      await started?.close({ graceMs: 5_000 });
    },
  };
}
