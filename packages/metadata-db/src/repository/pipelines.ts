/**
 * Pipeline runs and their steps: what the embedded runner persists so a run can be shown,
 * cancelled, served from the step cache and resumed after a restart.
 */
import type { Kysely, Selectable } from 'kysely';
import { sql } from '../kysely-runtime.js';
import { PlatformError } from '@homelab-ai/contracts';
import { toDatabaseError } from '../database-errors.js';
import { isUuid } from './ids.js';
import {
  toJson,
  type Database,
  type JsonObject,
  type PipelineRunStatus,
  type PipelineRunsTable,
  type PipelineStepStatus,
  type PipelineStepsTable,
} from '../schema.js';
import { inTransaction } from './transaction.js';

export type PipelineRunRow = Selectable<PipelineRunsTable>;
export type PipelineStepRow = Selectable<PipelineStepsTable>;

/** A run with its steps (by name; the runner orders them as its definition declares). */
export interface PipelineRunWithSteps {
  run: PipelineRunRow;
  steps: PipelineStepRow[];
}

export interface CreatePipelineRunInput {
  pipeline: string;
  /** Validated parameters; any JSON object. */
  parameters: JsonObject;
  /** Unique across runs: a second create with the same id returns the first run. */
  requestId?: string;
  /** Every step of the pipeline; each gets a `pending` row. */
  steps: readonly string[];
}

export interface PipelineRunCreation {
  runId: string;
  /** False when a run with this request id existed already (nothing was inserted). */
  created: boolean;
}

/**
 * Creates a `pending` run and a `pending` row per step, all or nothing. With a request id
 * already used, returns that run instead; `conflict` if it ran a different pipeline.
 */
export async function createPipelineRun(
  db: Kysely<Database>,
  input: CreatePipelineRunInput,
): Promise<PipelineRunCreation> {
  try {
    return await inTransaction(db, async (trx) => {
      const inserted = await trx
        .insertInto('pipeline_runs')
        .values({
          pipeline: input.pipeline,
          request_id: input.requestId ?? null,
          parameters: toJson(input.parameters),
          started_at: new Date(),
        })
        .onConflict((conflict) => conflict.column('request_id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        return { runId: await existingRunFor(trx, input), created: false };
      }
      if (input.steps.length > 0) {
        await trx
          .insertInto('pipeline_steps')
          .values(input.steps.map((name) => ({ run_id: inserted.id, name })))
          .execute();
      }
      return { runId: inserted.id, created: true };
    });
  } catch (error) {
    throw toDatabaseError(error, `recording a run of pipeline "${input.pipeline}"`);
  }
}

async function existingRunFor(
  db: Kysely<Database>,
  input: CreatePipelineRunInput,
): Promise<string> {
  const existing = await db
    .selectFrom('pipeline_runs')
    .select(['id', 'pipeline'])
    .where('request_id', '=', input.requestId ?? null)
    .executeTakeFirstOrThrow();
  if (existing.pipeline !== input.pipeline) {
    throw new PlatformError(
      'conflict',
      `request ${input.requestId ?? ''} already started pipeline "${existing.pipeline}" (run ${existing.id}); use a new request id for "${input.pipeline}"`,
    );
  }
  return existing.id;
}

const UNFINISHED_RUN: readonly PipelineRunStatus[] = ['pending', 'running'];
const UNFINISHED_STEP: readonly PipelineStepStatus[] = ['pending', 'running'];

export interface PipelineRunStatusChange {
  status: PipelineRunStatus;
  error?: string | null;
}

/**
 * Moves an unfinished run to `status` (finished ones never change again; `finished_at` is set
 * for the final states). Returns false when the run was already finished or does not exist.
 */
export async function setPipelineRunStatus(
  db: Kysely<Database>,
  runId: string,
  change: PipelineRunStatusChange,
): Promise<boolean> {
  const final = !UNFINISHED_RUN.includes(change.status);
  try {
    const updated = await db
      .updateTable('pipeline_runs')
      .set({
        status: change.status,
        ...(change.error === undefined ? {} : { error: change.error }),
        ...(final ? { finished_at: new Date() } : {}),
      })
      .where('id', '=', runId)
      .where('status', 'in', UNFINISHED_RUN)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  } catch (error) {
    throw toDatabaseError(error, `setting pipeline run ${runId} to ${change.status}`);
  }
}

export interface PipelineStepChange {
  status: PipelineStepStatus;
  attempt?: number;
  inputs?: JsonObject;
  outputs?: JsonObject;
  error?: string | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

/** Writes the given fields of one step row. */
export async function updatePipelineStep(
  db: Kysely<Database>,
  runId: string,
  step: string,
  change: PipelineStepChange,
): Promise<void> {
  try {
    await db
      .updateTable('pipeline_steps')
      .set({
        status: change.status,
        ...(change.attempt === undefined ? {} : { attempt: change.attempt }),
        ...(change.inputs === undefined ? {} : { inputs: toJson(change.inputs) }),
        ...(change.outputs === undefined ? {} : { outputs: toJson(change.outputs) }),
        ...(change.error === undefined ? {} : { error: change.error }),
        ...(change.startedAt === undefined ? {} : { started_at: change.startedAt }),
        ...(change.finishedAt === undefined ? {} : { finished_at: change.finishedAt }),
      })
      .where('run_id', '=', runId)
      .where('name', '=', step)
      .execute();
  } catch (error) {
    throw toDatabaseError(error, `recording step "${step}" of pipeline run ${runId}`);
  }
}

export interface PipelineRunEnd {
  status: Extract<PipelineRunStatus, 'succeeded' | 'failed' | 'cancelled'>;
  error?: string | null;
  /** Why the steps still pending or running did not finish (kept as their error). */
  skippedReason: string;
}

/**
 * Ends an unfinished run, all or nothing: its pending and running steps become `skipped` with
 * the reason, the run takes `status`. Returns false when the run had already ended.
 */
export async function finishPipelineRun(
  db: Kysely<Database>,
  runId: string,
  end: PipelineRunEnd,
): Promise<boolean> {
  try {
    return await inTransaction(db, async (trx) => {
      const now = new Date();
      const updated = await trx
        .updateTable('pipeline_runs')
        .set({ status: end.status, error: end.error ?? null, finished_at: now })
        .where('id', '=', runId)
        .where('status', 'in', UNFINISHED_RUN)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await trx
        .updateTable('pipeline_steps')
        .set({ status: 'skipped', error: end.skippedReason, finished_at: now })
        .where('run_id', '=', runId)
        .where('status', 'in', UNFINISHED_STEP)
        .execute();
      return true;
    });
  } catch (error) {
    throw toDatabaseError(error, `ending pipeline run ${runId} as ${end.status}`);
  }
}

/** A run and its steps, or undefined when there is none (also for an id that is no uuid). */
export async function getPipelineRun(
  db: Kysely<Database>,
  runId: string,
): Promise<PipelineRunWithSteps | undefined> {
  if (!isUuid(runId)) return undefined;
  try {
    const run = await db
      .selectFrom('pipeline_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirst();
    if (run === undefined) return undefined;
    const steps = await db
      .selectFrom('pipeline_steps')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('name')
      .execute();
    return { run, steps };
  } catch (error) {
    throw toDatabaseError(error, `reading pipeline run ${runId}`);
  }
}

export interface ListPipelineRunsOptions {
  pipeline?: string;
  statuses?: readonly PipelineRunStatus[];
  /** Default 50. */
  limit?: number;
}

/** Runs, newest first. */
export async function listPipelineRuns(
  db: Kysely<Database>,
  options: ListPipelineRunsOptions = {},
): Promise<PipelineRunRow[]> {
  let query = db.selectFrom('pipeline_runs').selectAll();
  if (options.pipeline !== undefined) query = query.where('pipeline', '=', options.pipeline);
  if (options.statuses !== undefined && options.statuses.length > 0) {
    query = query.where('status', 'in', options.statuses);
  }
  try {
    return await query
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 50)
      .execute();
  } catch (error) {
    throw toDatabaseError(error, 'listing pipeline runs');
  }
}

export interface CachedStepLookup {
  pipeline: string;
  step: string;
  /** The hash the runner stored as `inputs.cacheKey`. */
  cacheKey: string;
}

export interface CachedStepOutputs {
  runId: string;
  outputs: JsonObject;
}

/** The outputs of the newest succeeded step with the same cache key, if any. */
export async function findCachedStepOutputs(
  db: Kysely<Database>,
  lookup: CachedStepLookup,
): Promise<CachedStepOutputs | undefined> {
  try {
    const row = await db
      .selectFrom('pipeline_steps')
      .innerJoin('pipeline_runs', 'pipeline_runs.id', 'pipeline_steps.run_id')
      .select(['pipeline_steps.run_id', 'pipeline_steps.outputs'])
      .where('pipeline_runs.pipeline', '=', lookup.pipeline)
      .where('pipeline_steps.name', '=', lookup.step)
      .where('pipeline_steps.status', '=', 'succeeded')
      .where(sql<string>`pipeline_steps.inputs->>'cacheKey'`, '=', lookup.cacheKey)
      .orderBy('pipeline_steps.finished_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : { runId: row.run_id, outputs: row.outputs };
  } catch (error) {
    throw toDatabaseError(error, `looking up cached outputs of step "${lookup.step}"`);
  }
}
