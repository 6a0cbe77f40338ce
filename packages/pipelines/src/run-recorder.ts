/**
 * Records the transitions of a run this process executes: each one is written to the metadata
 * DB (`pipeline_runs`, `pipeline_steps`) and then emitted as a `PipelineEvent`. The scheduler
 * decides what happens; this module only writes it down. Callers hold the run's queue.
 */
import type { PlatformError } from '@homelab-ai/contracts';
import {
  finishPipelineRun,
  setPipelineRunStatus,
  updatePipelineStep,
  type MetadataDb,
} from '@homelab-ai/metadata-db';
import type { ActiveRun, RunStop } from './active-run.js';
import type { StepOutputs } from './definition.js';
import type { PipelineEvent } from './run-view.js';

export type RunChange = Omit<PipelineEvent, 'runId' | 'requestId' | 'pipeline'>;

export class RunRecorder {
  readonly #metadata: MetadataDb;
  readonly #emit: (event: PipelineEvent) => void;

  constructor(metadata: MetadataDb, emit: (event: PipelineEvent) => void) {
    this.#metadata = metadata;
    this.#emit = emit;
  }

  emit(run: ActiveRun, change: RunChange): void {
    this.#emit({ runId: run.id, requestId: run.requestId, pipeline: run.pipeline.name, ...change });
  }

  async attemptStarted(run: ActiveRun, step: string, attempt: number, cacheKey: string) {
    await this.#markRunning(run);
    run.attempts.set(step, attempt);
    await updatePipelineStep(this.#metadata.db, run.id, step, {
      status: 'running',
      attempt,
      inputs: { cacheKey },
      error: null,
      ...(attempt === 1 ? { startedAt: new Date() } : {}),
    });
    this.emit(run, { status: run.status, step: { name: step, status: 'running', attempt } });
  }

  /** An attempt failed and another follows: the step waits (`pending`) with the error. */
  async attemptFailed(run: ActiveRun, step: string, attempt: number, error: PlatformError) {
    await updatePipelineStep(this.#metadata.db, run.id, step, {
      status: 'pending',
      error: error.message,
    });
    this.emit(run, {
      status: run.status,
      step: { name: step, status: 'pending', attempt },
      error: error.message,
    });
  }

  progress(run: ActiveRun, step: string, attempt: number, fraction: number, message?: string) {
    this.emit(run, {
      status: run.status,
      step: { name: step, status: 'running', attempt },
      progress: message === undefined ? { fraction } : { fraction, message },
    });
  }

  async stepSucceeded(
    run: ActiveRun,
    step: string,
    outcome: { outputs: StepOutputs; attempt: number; cacheKey: string; cachedFrom?: string },
  ) {
    await this.#markRunning(run);
    const now = new Date();
    const { cachedFrom, cacheKey, attempt } = outcome;
    await updatePipelineStep(this.#metadata.db, run.id, step, {
      status: 'succeeded',
      attempt,
      inputs: cachedFrom === undefined ? { cacheKey } : { cacheKey, cachedFrom },
      outputs: outcome.outputs,
      error: null,
      finishedAt: now,
      ...(cachedFrom === undefined ? {} : { startedAt: now }),
    });
    run.outputs.set(step, outcome.outputs);
    run.states.set(step, 'succeeded');
    this.emit(run, {
      status: run.status,
      step: {
        name: step,
        status: 'succeeded',
        attempt,
        ...(cachedFrom === undefined ? {} : { cached: true }),
      },
    });
  }

  async stepFailed(run: ActiveRun, step: string, attempt: number, error: PlatformError) {
    await updatePipelineStep(this.#metadata.db, run.id, step, {
      status: 'failed',
      attempt,
      error: error.message,
      finishedAt: new Date(),
    });
    run.states.set(step, 'failed');
    this.emit(run, {
      status: run.status,
      step: { name: step, status: 'failed', attempt },
      error: error.message,
    });
  }

  /** Ends the run in the DB (its unfinished steps `skipped`); `interrupted` writes nothing. */
  async runFinished(run: ActiveRun, stop: RunStop | undefined): Promise<void> {
    if (stop?.status === 'interrupted') return;
    const status = stop?.status ?? 'succeeded';
    await finishPipelineRun(this.#metadata.db, run.id, {
      status,
      error: stop?.error ?? null,
      skippedReason: stop?.skippedReason ?? 'not run',
    });
    run.status = status;
    this.emit(run, stop === undefined ? { status } : { status, error: stop.error });
  }

  async #markRunning(run: ActiveRun): Promise<void> {
    if (run.status !== 'pending') return;
    await setPipelineRunStatus(this.#metadata.db, run.id, { status: 'running' });
    run.status = 'running';
  }
}
