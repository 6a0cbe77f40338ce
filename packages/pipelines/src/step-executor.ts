/**
 * Runs one step to its end: takes a pool slot per attempt, aborts an attempt at its timeout,
 * retries a failure after an exponential backoff, and checks that the step returned a JSON
 * object. It writes nothing itself; the runner records each transition through the hooks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformError, toPlatformError } from '@homelab-ai/contracts';
import type { ObjectStore } from '@homelab-ai/object-store';
import type { StepDefinition, StepOutputs } from './definition.js';
import type { ConcurrencyPool } from './concurrency-pool.js';
import { createStepContext } from './step-context.js';

export type StepResult =
  | { kind: 'succeeded'; outputs: StepOutputs; attempt: number }
  | { kind: 'failed'; error: PlatformError; attempt: number }
  /** Aborted by a cancel, another step's failure or the runner closing: nothing to record. */
  | { kind: 'stopped'; attempt: number };

export interface StepExecution {
  runId: string;
  pipeline: string;
  step: StepDefinition<unknown>;
  parameters: unknown;
  dependencies: Record<string, StepOutputs>;
  /** The attempt number to start with (above 1 when a resumed run retries a step). */
  firstAttempt: number;
  /** Aborts a running attempt (run cancelled or failed, runner closed). */
  signal: AbortSignal;
  /** Stops the step before its next attempt (also aborted when the runner starts closing). */
  startSignal: AbortSignal;
  pool: ConcurrencyPool;
  objects: ObjectStore;
  /** Delay before the first retry; doubled for each further one, at most 60 s. */
  backoffMs: number;
  onAttemptStart(attempt: number): Promise<void>;
  onAttemptFailed(attempt: number, error: PlatformError): Promise<void>;
  onProgress(attempt: number, fraction: number, message: string | undefined): void;
}

const MAX_BACKOFF_MS = 60_000;

/** Runs the attempts of a step until one succeeds, the retries run out or it is stopped. */
export async function executeStep(execution: StepExecution): Promise<StepResult> {
  const lastAttempt = Math.max(execution.firstAttempt, 1 + (execution.step.retries ?? 0));
  for (let attempt = execution.firstAttempt; ; attempt += 1) {
    let release: () => void;
    try {
      release = await execution.pool.acquire(execution.startSignal);
    } catch {
      return { kind: 'stopped', attempt };
    }
    let error: PlatformError;
    try {
      if (execution.startSignal.aborted) return { kind: 'stopped', attempt };
      await execution.onAttemptStart(attempt);
      if (execution.signal.aborted) return { kind: 'stopped', attempt };
      const outputs = await runAttempt(execution, attempt);
      return { kind: 'succeeded', outputs, attempt };
    } catch (thrown) {
      if (execution.signal.aborted) return { kind: 'stopped', attempt };
      error = toPlatformError(thrown);
    } finally {
      release();
    }
    if (attempt >= lastAttempt) return { kind: 'failed', error, attempt };
    await execution.onAttemptFailed(attempt, error);
    const delay = Math.min(
      execution.backoffMs * 2 ** (attempt - execution.firstAttempt),
      MAX_BACKOFF_MS,
    );
    try {
      await sleep(delay, undefined, { signal: execution.startSignal });
    } catch {
      return { kind: 'stopped', attempt };
    }
  }
}

async function runAttempt(execution: StepExecution, attempt: number): Promise<StepOutputs> {
  const { step, pipeline } = execution;
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort(execution.signal.reason);
  execution.signal.addEventListener('abort', forwardAbort, { once: true });
  const timer =
    step.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          controller.abort(
            new PlatformError(
              'timeout',
              `step "${step.name}" of pipeline "${pipeline}" timed out after ${step.timeoutMs} ms; raise its timeoutMs or make it faster`,
            ),
          );
        }, step.timeoutMs);
  try {
    const context = createStepContext({
      runId: execution.runId,
      pipeline,
      step: step.name,
      attempt,
      parameters: execution.parameters,
      dependencies: execution.dependencies,
      signal: controller.signal,
      objects: execution.objects,
      progress: (fraction, message) => execution.onProgress(attempt, fraction, message),
    });
    const work = Promise.resolve().then(() => step.run(context));
    // A step that ignores its signal is left behind: the run does not wait for it.
    const outputs = await untilAborted(work, controller.signal);
    return toJsonObject(outputs, step.name, pipeline);
  } finally {
    clearTimeout(timer);
    execution.signal.removeEventListener('abort', forwardAbort);
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(toPlatformError(signal.reason));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : toPlatformError(error));
      },
    );
  });
}

/** The outputs as they will be stored: a plain JSON object, or a clear error. */
function toJsonObject(outputs: unknown, step: string, pipeline: string): StepOutputs {
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(outputs ?? null)) as unknown;
  } catch (error) {
    throw new PlatformError(
      'internal',
      `step "${step}" of pipeline "${pipeline}" returned outputs that are not JSON (${String(error)}); return a plain object`,
      { cause: error },
    );
  }
  if (copy === null || typeof copy !== 'object' || Array.isArray(copy)) {
    throw new PlatformError(
      'internal',
      `step "${step}" of pipeline "${pipeline}" returned ${Array.isArray(copy) ? 'an array' : String(copy)}; a step must return a JSON object such as { count: 3 }`,
    );
  }
  return copy as StepOutputs;
}
