/**
 * After a restart: every run the database still shows `pending` or `running` is either resumed
 * (succeeded steps keep their stored outputs and are not run again) or ended as failed with
 * the reason, so no run is silently lost.
 */
import {
  finishPipelineRun,
  getPipelineRun,
  listPipelineRuns,
  updatePipelineStep,
  type MetadataDb,
  type PipelineRunWithSteps,
} from '@homelab-ai/metadata-db';
import { ActiveRun } from './active-run.js';
import type { PipelineDefinition, StepOutputs } from './definition.js';
import type { PipelineEvent } from './run-view.js';

export interface RecoveryReport {
  /** Runs taken up again, by id. */
  resumed: string[];
  /** Runs ended as failed, with the reason recorded on each. */
  failed: Array<{ runId: string; error: string }>;
}

export const INTERRUPTED_BY_RESTART = 'interrupted by a restart';

/** How many unfinished runs one `recover()` takes up at most. */
const RECOVERY_BATCH = 1000;

type Decision = { resume: ActiveRun } | { fail: string; failStep?: string };

/**
 * Finds unfinished runs not in `active` and resumes each (via `adopt`) or ends it as failed
 * (emitting that change).
 */
export async function recoverRuns(
  metadata: MetadataDb,
  pipelines: ReadonlyMap<string, PipelineDefinition>,
  active: ReadonlyMap<string, ActiveRun>,
  adopt: (run: ActiveRun) => Promise<void>,
  emit: (event: PipelineEvent) => void,
): Promise<RecoveryReport> {
  const report: RecoveryReport = { resumed: [], failed: [] };
  const unfinished = await listPipelineRuns(metadata.db, {
    statuses: ['pending', 'running'],
    limit: RECOVERY_BATCH,
  });
  for (const row of unfinished.reverse()) {
    if (active.has(row.id)) continue;
    const stored = await getPipelineRun(metadata.db, row.id);
    if (stored === undefined) continue;
    const decision = await decide(metadata, stored, pipelines);
    if ('resume' in decision) {
      await adopt(decision.resume);
      report.resumed.push(row.id);
      continue;
    }
    if (decision.failStep !== undefined) {
      await updatePipelineStep(metadata.db, row.id, decision.failStep, {
        status: 'failed',
        error: INTERRUPTED_BY_RESTART,
        finishedAt: new Date(),
      });
    }
    await finishPipelineRun(metadata.db, row.id, {
      status: 'failed',
      error: decision.fail,
      skippedReason: `not run: ${INTERRUPTED_BY_RESTART}`,
    });
    report.failed.push({ runId: row.id, error: decision.fail });
    emit({
      runId: row.id,
      requestId: row.request_id ?? undefined,
      pipeline: row.pipeline,
      status: 'failed',
      error: decision.fail,
    });
  }
  return report;
}

async function decide(
  metadata: MetadataDb,
  { run, steps }: PipelineRunWithSteps,
  pipelines: ReadonlyMap<string, PipelineDefinition>,
): Promise<Decision> {
  const pipeline = pipelines.get(run.pipeline);
  if (pipeline === undefined) {
    return {
      fail: `${INTERRUPTED_BY_RESTART}: pipeline "${run.pipeline}" is not defined in this build (defined: ${[...pipelines.keys()].join(', ') || 'none'})`,
    };
  }
  const declared = pipeline.steps.map((step) => step.name).sort();
  const stored = steps.map((step) => step.name).sort();
  if (declared.join('\n') !== stored.join('\n')) {
    return {
      fail: `${INTERRUPTED_BY_RESTART}: the steps of pipeline "${run.pipeline}" changed since the run started (then: ${stored.join(', ')}; now: ${declared.join(', ')})`,
    };
  }
  const failed = steps.find((step) => step.status === 'failed');
  if (failed !== undefined) {
    return { fail: `step "${failed.name}" failed: ${failed.error ?? 'no reason recorded'}` };
  }
  const resumable = new Set(pipeline.steps.filter((step) => step.resumable).map((s) => s.name));
  const cut = steps.find((step) => step.status === 'running' && !resumable.has(step.name));
  if (cut !== undefined) {
    return {
      fail: `${INTERRUPTED_BY_RESTART}: step "${cut.name}" was running and is not resumable (mark it resumable: true if running it again is safe)`,
      failStep: cut.name,
    };
  }
  const parameters = pipeline.parameters.safeParse(run.parameters);
  if (!parameters.success) {
    return {
      fail: `${INTERRUPTED_BY_RESTART}: the stored parameters no longer match pipeline "${run.pipeline}" (${parameters.error.message})`,
    };
  }
  const outputs = new Map<string, StepOutputs>();
  const attempts = new Map<string, number>();
  for (const step of steps) {
    if (step.status === 'succeeded') {
      outputs.set(step.name, step.outputs);
    } else {
      // Started before the restart (running, or pending between retries): count on from there.
      if (step.started_at !== null) attempts.set(step.name, step.attempt);
      if (step.status !== 'pending') {
        await updatePipelineStep(metadata.db, run.id, step.name, { status: 'pending' });
      }
    }
  }
  return {
    resume: new ActiveRun({
      id: run.id,
      requestId: run.request_id ?? undefined,
      pipeline,
      parameters: parameters.data,
      status: run.status,
      outputs,
      attempts,
    }),
  };
}
