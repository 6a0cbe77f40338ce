/**
 * Pipeline definitions: a name, a parameters schema and a DAG of typed steps. Definitions are
 * declarative (everything but `run` is plain data) so the embedded runner executes them
 * in-process and a compiler can later turn the same objects into Argo / Kubeflow workflows.
 */
import type { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import type { StoredObject, ObjectBody, PutObjectOptions } from '@homelab-ai/object-store';

/** What a step returns and what its dependents receive: a JSON object. */
export type StepOutputs = Record<string, unknown>;

/** Bytes a step keeps in the object store under `pipelines/<run_id>/<step>/<name>`. */
export interface StepArtifacts {
  /** Stores an artifact of this step; the returned key can be passed on in the outputs. */
  put(name: string, body: ObjectBody, options?: PutObjectOptions): Promise<StoredObject>;
  /** Reads an artifact of this run: of this step, or of `step` (usually a dependency). */
  get(name: string, options?: { step?: string }): Promise<Uint8Array>;
  /** Reads an object by its full key, e.g. one a (possibly cached) dependency returned. */
  getByKey(key: string): Promise<Uint8Array>;
  /** The object key of an artifact of this run. */
  keyOf(name: string, step?: string): string;
}

/** What a step's `run` receives. */
export interface StepContext<Parameters> {
  readonly runId: string;
  readonly pipeline: string;
  readonly step: string;
  /** 1 on the first try, 2 on the first retry… */
  readonly attempt: number;
  /** The validated run parameters. */
  readonly parameters: Parameters;
  /** Outputs of the steps this one depends on, by step name. */
  readonly dependencies: Readonly<Record<string, StepOutputs>>;
  /** The outputs of one dependency; throws if `step` is not among `dependsOn`. */
  output(step: string): StepOutputs;
  /** Aborted when the run is cancelled, the step times out or the runner closes. */
  readonly signal: AbortSignal;
  readonly artifacts: StepArtifacts;
  /** Reports progress in 0…1 (emitted as an event, not stored). */
  progress(fraction: number, message?: string): void;
}

export interface StepDefinition<Parameters> {
  readonly name: string;
  readonly dependsOn?: readonly string[];
  /** Extra attempts after a failure (default 0), with exponential backoff between them. */
  readonly retries?: number;
  /** Each attempt is aborted after this long (default: no limit). */
  readonly timeoutMs?: number;
  /** Reuse the outputs of an earlier success with identical inputs (default false). */
  readonly cache?: boolean;
  /**
   * Safe to run again from the start after a crash interrupted it (default false): a run whose
   * non-resumable step was running at a restart fails with "interrupted by a restart".
   */
  readonly resumable?: boolean;
  run(context: StepContext<Parameters>): Promise<StepOutputs>;
}

export interface PipelineDefinitionInput<Schema extends z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly parameters: Schema;
  readonly steps: ReadonlyArray<StepDefinition<z.output<Schema>>>;
}

/** A validated pipeline: steps in declaration order, DAG checked. */
export interface PipelineDefinition<Schema extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description: string;
  readonly parameters: Schema;
  readonly steps: ReadonlyArray<StepDefinition<z.output<Schema>>>;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Checks a pipeline definition (names, DAG, limits) and returns it frozen. */
export function definePipeline<Schema extends z.ZodType>(
  definition: PipelineDefinitionInput<Schema>,
): PipelineDefinition<Schema> {
  const where = `pipeline "${definition.name}"`;
  if (!NAME.test(definition.name)) {
    throw invalid(
      `${where}: a pipeline name must be lowercase letters, digits and "-" (at most 63), as Argo and Kubeflow require`,
    );
  }
  if (definition.steps.length === 0) throw invalid(`${where} has no steps; add at least one`);
  const names = new Set<string>();
  for (const step of definition.steps) {
    if (!NAME.test(step.name)) {
      throw invalid(
        `${where}: step name "${step.name}" must be lowercase letters, digits and "-" (at most 63)`,
      );
    }
    if (names.has(step.name)) throw invalid(`${where} declares step "${step.name}" twice`);
    names.add(step.name);
    checkStepLimits(where, step);
  }
  for (const step of definition.steps) {
    for (const dependency of step.dependsOn ?? []) {
      if (!names.has(dependency)) {
        throw invalid(
          `${where}: step "${step.name}" depends on unknown step "${dependency}" (steps: ${[...names].join(', ')})`,
        );
      }
    }
  }
  const cycle = findCycle(definition.steps);
  if (cycle !== undefined) {
    throw invalid(`${where} has a dependency cycle: ${cycle.join(' → ')}`);
  }
  return Object.freeze({
    ...definition,
    steps: Object.freeze(definition.steps.map((step) => Object.freeze({ ...step }))),
  });
}

function checkStepLimits(where: string, step: StepDefinition<unknown>): void {
  const { retries, timeoutMs } = step;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 100)) {
    throw invalid(`${where}: step "${step.name}" retries must be an integer 0…100, not ${retries}`);
  }
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw invalid(`${where}: step "${step.name}" timeoutMs must be a positive number of ms`);
  }
  if (new Set(step.dependsOn ?? []).size !== (step.dependsOn ?? []).length) {
    throw invalid(`${where}: step "${step.name}" lists a dependency twice`);
  }
}

/** A cycle as step names (first name repeated at the end), or undefined for a DAG. */
function findCycle(steps: ReadonlyArray<StepDefinition<unknown>>): string[] | undefined {
  const dependsOn = new Map(steps.map((step) => [step.name, step.dependsOn ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dependency of dependsOn.get(name) ?? []) {
      const cycle = visit(dependency);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const step of steps) {
    const cycle = visit(step.name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

function invalid(message: string): PlatformError {
  return new PlatformError('invalid_config', message);
}
