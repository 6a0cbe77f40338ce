/**
 * The in-memory state of one run this process is executing: which steps are waiting, running
 * or done, their outputs, and one queue through which every state change passes, so the
 * database writes and the events of a run happen in a single, well-defined order.
 */
import type { PipelineRunStatus } from '@homelab-ai/metadata-db';
import type { PipelineDefinition, StepDefinition, StepOutputs } from './definition.js';

export type StepState = 'pending' | 'launched' | 'succeeded' | 'failed';

/** Why a run stops before all steps succeed; `interrupted` leaves it to `recover()`. */
export interface RunStop {
  status: 'failed' | 'cancelled' | 'interrupted';
  error: string;
  /** Kept as the error of the steps that did not finish. */
  skippedReason: string;
}

export interface ActiveRunInit {
  id: string;
  requestId: string | undefined;
  pipeline: PipelineDefinition;
  parameters: unknown;
  status: PipelineRunStatus;
  /** Succeeded steps' outputs (a resumed run); every other step is pending. */
  outputs?: ReadonlyMap<string, StepOutputs>;
  /** The last attempt recorded per step (a resumed run continues counting). */
  attempts?: ReadonlyMap<string, number>;
}

export class ActiveRun {
  readonly id: string;
  readonly requestId: string | undefined;
  readonly pipeline: PipelineDefinition;
  readonly parameters: unknown;
  readonly controller = new AbortController();
  readonly outputs: Map<string, StepOutputs>;
  readonly attempts: Map<string, number>;
  readonly states = new Map<string, StepState>();
  status: PipelineRunStatus;
  /** Steps launched and not yet settled (waiting for a slot, running, or backing off). */
  inFlight = 0;
  stop: RunStop | undefined;
  finished = false;
  readonly done: Promise<void>;
  #resolveDone: () => void = () => undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(init: ActiveRunInit) {
    this.id = init.id;
    this.requestId = init.requestId;
    this.pipeline = init.pipeline;
    this.parameters = init.parameters;
    this.status = init.status;
    this.outputs = new Map(init.outputs);
    this.attempts = new Map(init.attempts);
    for (const step of init.pipeline.steps) {
      this.states.set(step.name, this.outputs.has(step.name) ? 'succeeded' : 'pending');
    }
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Queues a state change after every earlier one; skipped once the run has finished. A
   * failing change goes to `onError` (the queue itself never rejects).
   */
  serialize(work: () => Promise<void>, onError: (error: unknown) => Promise<void>): Promise<void> {
    const next = this.#queue.then(async () => {
      if (this.finished) return;
      try {
        await work();
      } catch (error) {
        await onError(error);
      }
    });
    this.#queue = next;
    return next;
  }

  /** Pending steps whose dependencies have all succeeded, in declaration order. */
  readySteps(): Array<StepDefinition<unknown>> {
    return this.pipeline.steps.filter(
      (step) =>
        this.states.get(step.name) === 'pending' &&
        (step.dependsOn ?? []).every((dependency) => this.states.get(dependency) === 'succeeded'),
    );
  }

  allSucceeded(): boolean {
    return [...this.states.values()].every((state) => state === 'succeeded');
  }

  /** The outputs of a step's dependencies, by name. */
  dependencyOutputs(step: StepDefinition<unknown>): Record<string, StepOutputs> {
    const outputs: Record<string, StepOutputs> = {};
    for (const dependency of step.dependsOn ?? []) {
      outputs[dependency] = this.outputs.get(dependency) ?? {};
    }
    return outputs;
  }

  markFinished(): void {
    this.finished = true;
    this.#resolveDone();
  }
}
