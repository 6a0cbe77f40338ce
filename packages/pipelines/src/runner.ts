/**
 * The embedded pipeline runner: executes pipeline definitions in this process, steps of all
 * runs sharing one bounded pool, with state in the metadata DB (`pipeline_runs`,
 * `pipeline_steps`) and artifacts in the object store. One runner per metadata DB: `recover()`
 * takes over every unfinished run it finds.
 */
import { PlatformError, describeIssues } from '@homelab-ai/contracts';
import {
  createPipelineRun,
  finishPipelineRun,
  getPipelineRun,
  listPipelineRuns,
  type MetadataDb,
} from '@homelab-ai/metadata-db';
import type { ObjectStore } from '@homelab-ai/object-store';
import { ActiveRun } from './active-run.js';
import { ConcurrencyPool } from './concurrency-pool.js';
import type { PipelineDefinition } from './definition.js';
import { recoverRuns, type RecoveryReport } from './recovery.js';
import { RunScheduler } from './run-scheduler.js';
import {
  toRunSummary,
  toRunView,
  type PipelineEvent,
  type PipelineRunSummary,
  type PipelineRunView,
} from './run-view.js';

export interface EmbeddedRunnerSettings {
  db: MetadataDb;
  objects: ObjectStore;
  pipelines: readonly PipelineDefinition[];
  /** Steps executing at once, across all runs (default 2). */
  concurrency?: number;
  /** Called on every change of a run; a throwing listener does not disturb the run. */
  onEvent?: (event: PipelineEvent) => void;
  /** Delay before a step's first retry, doubled for each further one (default 1000 ms). */
  retryBackoffMs?: number;
}

export interface StartOptions {
  /** Makes the start idempotent: a second start with the same id returns the first run. */
  requestId?: string;
}

export interface ListRunsOptions {
  pipeline?: string;
  /** Default 50, at most 1000. */
  limit?: number;
}

export interface EmbeddedRunner {
  /** The pipelines this runner knows, by name. */
  readonly pipelines: readonly string[];
  /** Validates the parameters, records a pending run and starts it; resolves with its id. */
  start(pipeline: string, parameters: unknown, options?: StartOptions): Promise<string>;
  /** Aborts a run's steps and marks it cancelled; a finished run is returned unchanged. */
  cancel(runId: string): Promise<PipelineRunView>;
  /** A run with its steps; `not_found` when there is none. */
  get(runId: string): Promise<PipelineRunView>;
  /** Waits until a run has finished (or this runner stopped executing it), then gets it. */
  wait(runId: string): Promise<PipelineRunView>;
  /** Runs, newest first, without their steps. */
  list(options?: ListRunsOptions): Promise<PipelineRunSummary[]>;
  /** Resumes, or ends as failed, every unfinished run a previous process left behind. */
  recover(): Promise<RecoveryReport>;
  /**
   * Starts nothing new, gives running steps `graceMs` (default 10 s) to finish, then aborts
   * them; runs left unfinished stay so in the DB, for `recover()` after the next start.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Creates the embedded runner; call `recover()` once at start to take up interrupted runs. */
export function createEmbeddedRunner(settings: EmbeddedRunnerSettings): EmbeddedRunner {
  const pipelines = indexPipelines(settings.pipelines);
  const { db } = settings;
  const emit = (event: PipelineEvent): void => {
    try {
      settings.onEvent?.(event);
    } catch {
      // A listener's failure is its own; the run goes on.
    }
  };
  const scheduler = new RunScheduler({
    metadata: db,
    objects: settings.objects,
    pool: new ConcurrencyPool(settings.concurrency ?? 2),
    retryBackoffMs: settings.retryBackoffMs ?? 1000,
    emit,
  });
  let closed = false;
  let recovering: Promise<RecoveryReport> | undefined;

  const assertOpen = (what: string): void => {
    if (closed) {
      throw new PlatformError('unavailable', `the pipeline runner is closed; cannot ${what}`);
    }
  };

  const definitionOf = (name: string): PipelineDefinition => {
    const pipeline = pipelines.get(name);
    if (pipeline === undefined) {
      throw new PlatformError(
        'not_found',
        `no pipeline named "${name}"; available: ${[...pipelines.keys()].join(', ') || 'none'}`,
        { details: { available_pipelines: [...pipelines.keys()] } },
      );
    }
    return pipeline;
  };

  const get = async (runId: string): Promise<PipelineRunView> => {
    const stored = await getPipelineRun(db.db, runId);
    if (stored === undefined) {
      throw new PlatformError('not_found', `no pipeline run with id "${runId}"`);
    }
    const order = pipelines.get(stored.run.pipeline)?.steps.map((step) => step.name) ?? [];
    return toRunView(stored.run, stored.steps, order);
  };

  return {
    pipelines: [...pipelines.keys()],

    async start(name, parameters, options = {}) {
      assertOpen(`start pipeline "${name}"`);
      const pipeline = definitionOf(name);
      const parsed = pipeline.parameters.safeParse(parameters ?? {});
      if (!parsed.success) {
        throw new PlatformError(
          'invalid_input',
          `invalid parameters for pipeline "${name}": ${describeIssues(parsed.error.issues)}`,
          { details: { issues: parsed.error.issues } },
        );
      }
      const stored = toStoredParameters(parsed.data, name);
      const { runId, created } = await createPipelineRun(db.db, {
        pipeline: name,
        parameters: stored,
        ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
        steps: pipeline.steps.map((step) => step.name),
      });
      if (!created) return runId;
      const run = new ActiveRun({
        id: runId,
        requestId: options.requestId,
        pipeline,
        parameters: parsed.data,
        status: 'pending',
      });
      scheduler.emit(run, { status: 'pending' });
      await scheduler.adopt(run);
      return runId;
    },

    async cancel(runId) {
      const run = scheduler.active.get(runId);
      if (run !== undefined) {
        await scheduler.cancel(run);
        return get(runId);
      }
      const current = await get(runId);
      if (current.status !== 'pending' && current.status !== 'running') return current;
      // Left by a process that is gone (not yet recovered): end it in the DB directly.
      const ended = await finishPipelineRun(db.db, runId, {
        status: 'cancelled',
        error: 'cancelled by request',
        skippedReason: 'cancelled',
      });
      if (ended) {
        emit({
          runId,
          requestId: current.requestId ?? undefined,
          pipeline: current.pipeline,
          status: 'cancelled',
          error: 'cancelled by request',
        });
      }
      return get(runId);
    },

    get,

    async wait(runId) {
      await scheduler.active.get(runId)?.done;
      return get(runId);
    },

    async list(options = {}) {
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 1000);
      const rows = await listPipelineRuns(db.db, {
        limit,
        ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
      });
      return rows.map(toRunSummary);
    },

    recover() {
      assertOpen('recover runs');
      // Two recoveries at once would both adopt the same runs: the second joins the first.
      recovering ??= recoverRuns(
        db,
        pipelines,
        scheduler.active,
        (run) => scheduler.adopt(run),
        emit,
      ).finally(() => {
        recovering = undefined;
      });
      return recovering;
    },

    async close(options = {}) {
      if (closed) return;
      closed = true;
      await scheduler.close(options.graceMs ?? 10_000);
    },
  };
}

function indexPipelines(
  definitions: readonly PipelineDefinition[],
): ReadonlyMap<string, PipelineDefinition> {
  const byName = new Map<string, PipelineDefinition>();
  for (const definition of definitions) {
    if (byName.has(definition.name)) {
      throw new PlatformError(
        'invalid_config',
        `pipeline "${definition.name}" is registered twice with the pipeline runner`,
      );
    }
    byName.set(definition.name, definition);
  }
  return byName;
}

/** The parsed parameters as stored in `pipeline_runs.parameters`: a JSON object. */
function toStoredParameters(parameters: unknown, pipeline: string): Record<string, unknown> {
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new PlatformError(
      'invalid_config',
      `pipeline "${pipeline}": its parameters schema must describe an object (z.object({...}))`,
    );
  }
  return JSON.parse(JSON.stringify(parameters)) as Record<string, unknown>;
}
