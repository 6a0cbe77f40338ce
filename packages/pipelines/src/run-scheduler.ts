/**
 * Drives the runs this process executes: launches ready steps, serves cached ones, records
 * every transition in the metadata DB and emits it as an event, and ends a run when all its
 * steps succeeded, one failed, it was cancelled, or the runner closes (left for `recover()`).
 */
import { PlatformError, toPlatformError } from '@homelab-ai/contracts';
import { findCachedStepOutputs, type MetadataDb } from '@homelab-ai/metadata-db';
import type { ObjectStore } from '@homelab-ai/object-store';
import type { ActiveRun, RunStop } from './active-run.js';
import { stepCacheKey } from './cache-key.js';
import type { ConcurrencyPool } from './concurrency-pool.js';
import type { StepDefinition } from './definition.js';
import { RunRecorder, type RunChange } from './run-recorder.js';
import type { PipelineEvent } from './run-view.js';
import { executeStep, type StepResult } from './step-executor.js';

export interface RunSchedulerSettings {
  metadata: MetadataDb;
  objects: ObjectStore;
  pool: ConcurrencyPool;
  retryBackoffMs: number;
  emit: (event: PipelineEvent) => void;
}

type Step = StepDefinition<unknown>;

/** The runner closed: the run stays unfinished in the DB for `recover()` to resume. */
const INTERRUPTED: RunStop = {
  status: 'interrupted',
  error: 'the pipeline runner closed',
  skippedReason: 'the pipeline runner closed',
};

export class RunScheduler {
  readonly active = new Map<string, ActiveRun>();
  readonly #settings: RunSchedulerSettings;
  readonly #recorder: RunRecorder;
  readonly #closing = new AbortController();

  constructor(settings: RunSchedulerSettings) {
    this.#settings = settings;
    this.#recorder = new RunRecorder(settings.metadata, settings.emit);
  }

  get closing(): boolean {
    return this.#closing.signal.aborted;
  }

  /** Takes a run over and launches its ready steps. */
  adopt(run: ActiveRun): Promise<void> {
    this.active.set(run.id, run);
    return this.#serialize(run, async () => {
      this.#launchReady(run);
      if (run.allSucceeded()) await this.#finish(run, undefined);
    });
  }

  /** Cancels a run this process executes and waits until it has ended. */
  async cancel(run: ActiveRun): Promise<void> {
    await this.#serialize(run, () =>
      this.#stop(run, {
        status: 'cancelled',
        error: 'cancelled by request',
        skippedReason: 'cancelled',
      }),
    );
    await run.done;
  }

  /** Stops launching steps, waits up to `graceMs` for running ones, then aborts the rest. */
  async close(graceMs: number): Promise<void> {
    this.#closing.abort(new PlatformError('unavailable', 'the pipeline runner is closing'));
    const runs = [...this.active.values()];
    for (const run of runs) {
      void this.#serialize(run, async () => {
        if (run.inFlight === 0) await this.#stop(run, INTERRUPTED);
      });
    }
    const allDone = Promise.all(runs.map((run) => run.done));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), graceMs);
    });
    const outcome = await Promise.race([allDone, graceOver]);
    clearTimeout(timer);
    if (outcome === 'grace-over') {
      for (const run of runs) void this.#serialize(run, () => this.#stop(run, INTERRUPTED));
    }
    await allDone;
  }

  emit(run: ActiveRun, change: RunChange): void {
    this.#recorder.emit(run, change);
  }

  #serialize(run: ActiveRun, work: () => Promise<void>): Promise<void> {
    return run.serialize(work, (error) => this.#abandon(run, error));
  }

  #launchReady(run: ActiveRun): void {
    if (run.stop !== undefined || this.closing) return;
    for (const step of run.readySteps()) {
      run.states.set(step.name, 'launched');
      run.inFlight += 1;
      void this.#runStep(run, step);
    }
  }

  async #runStep(run: ActiveRun, step: Step): Promise<void> {
    let result: StepResult;
    const cacheKey = stepCacheKey({
      pipeline: run.pipeline.name,
      step: step.name,
      parameters: run.parameters,
      dependencies: run.dependencyOutputs(step),
    });
    let cachedFrom: string | undefined;
    try {
      const cached = step.cache === true ? await this.#cached(run, step, cacheKey) : undefined;
      cachedFrom = cached?.runId;
      result =
        cached !== undefined
          ? { kind: 'succeeded', outputs: cached.outputs, attempt: 1 }
          : await this.#execute(run, step, cacheKey);
    } catch (error) {
      result = { kind: 'failed', error: toPlatformError(error), attempt: 1 };
    }
    await this.#serialize(run, () => this.#settle(run, step, result, cacheKey, cachedFrom));
  }

  #cached(run: ActiveRun, step: Step, cacheKey: string) {
    return findCachedStepOutputs(this.#settings.metadata.db, {
      pipeline: run.pipeline.name,
      step: step.name,
      cacheKey,
    });
  }

  #execute(run: ActiveRun, step: Step, cacheKey: string): Promise<StepResult> {
    const previousAttempt = run.attempts.get(step.name);
    return executeStep({
      runId: run.id,
      pipeline: run.pipeline.name,
      step,
      parameters: run.parameters,
      dependencies: run.dependencyOutputs(step),
      firstAttempt: previousAttempt === undefined ? 1 : previousAttempt + 1,
      signal: run.signal,
      startSignal: AbortSignal.any([run.signal, this.#closing.signal]),
      pool: this.#settings.pool,
      objects: this.#settings.objects,
      backoffMs: this.#settings.retryBackoffMs,
      onAttemptStart: (attempt) =>
        this.#serialize(run, () =>
          this.#recorder.attemptStarted(run, step.name, attempt, cacheKey),
        ),
      onAttemptFailed: (attempt, error) =>
        this.#serialize(run, () => this.#recorder.attemptFailed(run, step.name, attempt, error)),
      onProgress: (attempt, fraction, message) =>
        void this.#serialize(run, () => {
          if (run.states.get(step.name) === 'launched' && run.stop === undefined) {
            this.#recorder.progress(run, step.name, attempt, fraction, message);
          }
          return Promise.resolve();
        }),
    });
  }

  async #settle(
    run: ActiveRun,
    step: Step,
    result: StepResult,
    cacheKey: string,
    cachedFrom: string | undefined,
  ): Promise<void> {
    run.inFlight -= 1;
    if (result.kind === 'succeeded') {
      await this.#recorder.stepSucceeded(run, step.name, {
        outputs: result.outputs,
        attempt: result.attempt,
        cacheKey,
        ...(cachedFrom === undefined ? {} : { cachedFrom }),
      });
    } else if (result.kind === 'failed' && run.stop === undefined) {
      await this.#recorder.stepFailed(run, step.name, result.attempt, result.error);
      const attempts = result.attempt === 1 ? '' : ` after ${result.attempt} attempts`;
      const error = `step "${step.name}" failed${attempts}: ${result.error.message}`;
      return this.#stop(run, { status: 'failed', error, skippedReason: `not run: ${error}` });
    }
    if (run.stop === undefined) {
      if (run.allSucceeded()) return this.#finish(run, undefined);
      // Closing: the steps still running get their grace period; nothing new starts.
      if (this.closing) return this.#stop(run, INTERRUPTED, false);
      this.#launchReady(run);
    } else if (run.inFlight === 0) {
      await this.#finish(run, run.stop);
    }
  }

  /**
   * Records why the run stops (a first reason wins), aborts its running steps unless
   * `abortRunning` is false, and ends the run once nothing is in flight.
   */
  async #stop(run: ActiveRun, stop: RunStop, abortRunning = true): Promise<void> {
    run.stop ??= stop;
    if (abortRunning) {
      const code = run.stop.status === 'cancelled' ? 'cancelled' : 'unavailable';
      run.controller.abort(new PlatformError(code, run.stop.error));
    }
    if (run.inFlight === 0) await this.#finish(run, run.stop);
  }

  async #finish(run: ActiveRun, stop: RunStop | undefined): Promise<void> {
    await this.#recorder.runFinished(run, stop);
    this.active.delete(run.id);
    run.markFinished();
  }

  /** A state change could not be recorded: the run stops here and stays for `recover()`. */
  #abandon(run: ActiveRun, error: unknown): Promise<void> {
    const message = `recording pipeline run ${run.id} in the metadata DB failed (${toPlatformError(error).message}); it stays unfinished there and recover() resumes it after a restart`;
    run.controller.abort(new PlatformError('unavailable', message, { cause: error }));
    this.emit(run, { status: 'failed', error: message });
    this.active.delete(run.id);
    run.markFinished();
    return Promise.resolve();
  }
}
