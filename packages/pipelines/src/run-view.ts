/**
 * What callers see of runs: the event emitted on every change, and the stored run with its
 * steps as `get` and `list` return it.
 */
import type {
  PipelineRunRow,
  PipelineRunStatus,
  PipelineStepRow,
  PipelineStepStatus,
} from '@homelab-ai/metadata-db';
import type { StepOutputs } from './definition.js';

export interface PipelineStepEvent {
  name: string;
  status: PipelineStepStatus;
  attempt: number;
  /** True when the outputs came from the step cache and the step did not run. */
  cached?: boolean;
}

/** One change of a run: its status, and the step (and progress) that changed, if any. */
export interface PipelineEvent {
  runId: string;
  requestId: string | undefined;
  pipeline: string;
  status: PipelineRunStatus;
  step?: PipelineStepEvent;
  progress?: { fraction: number; message?: string };
  error?: string;
}

export interface PipelineStepView {
  name: string;
  status: PipelineStepStatus;
  attempt: number;
  outputs: StepOutputs;
  error: string | null;
  /** The run whose outputs a cache hit reused; null when the step ran (or has not yet). */
  cachedFrom: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface PipelineRunSummary {
  id: string;
  pipeline: string;
  requestId: string | null;
  status: PipelineRunStatus;
  parameters: Record<string, unknown>;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface PipelineRunView extends PipelineRunSummary {
  steps: PipelineStepView[];
}

export function toRunSummary(run: PipelineRunRow): PipelineRunSummary {
  return {
    id: run.id,
    pipeline: run.pipeline,
    requestId: run.request_id,
    status: run.status,
    parameters: run.parameters,
    error: run.error,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
  };
}

/** A run with its steps, ordered as `stepOrder` declares (unknown names last, by name). */
export function toRunView(
  run: PipelineRunRow,
  steps: readonly PipelineStepRow[],
  stepOrder: readonly string[],
): PipelineRunView {
  const rank = (name: string): number => {
    const index = stepOrder.indexOf(name);
    return index < 0 ? stepOrder.length : index;
  };
  const ordered = [...steps].sort(
    (left, right) => rank(left.name) - rank(right.name) || left.name.localeCompare(right.name),
  );
  return { ...toRunSummary(run), steps: ordered.map(toStepView) };
}

function toStepView(step: PipelineStepRow): PipelineStepView {
  const cachedFrom = step.inputs['cachedFrom'];
  return {
    name: step.name,
    status: step.status,
    attempt: step.attempt,
    outputs: step.outputs,
    error: step.error,
    cachedFrom: typeof cachedFrom === 'string' ? cachedFrom : null,
    startedAt: step.started_at,
    finishedAt: step.finished_at,
  };
}
