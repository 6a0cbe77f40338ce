/**
 * Builds the context one attempt of a step runs with: parameters, dependency outputs, the
 * abort signal, artifacts under `pipelines/<run_id>/<step>/<name>` and progress reporting.
 */
import { PlatformError } from '@homelab-ai/contracts';
import { readAllBytes, type ObjectStore } from '@homelab-ai/object-store';
import type { StepArtifacts, StepContext, StepOutputs } from './definition.js';

export interface StepContextInput<Parameters> {
  runId: string;
  pipeline: string;
  step: string;
  attempt: number;
  parameters: Parameters;
  dependencies: Readonly<Record<string, StepOutputs>>;
  signal: AbortSignal;
  objects: ObjectStore;
  progress: (fraction: number, message?: string) => void;
}

export function createStepContext<Parameters>(
  input: StepContextInput<Parameters>,
): StepContext<Parameters> {
  const dependencies = Object.freeze({ ...input.dependencies });
  return {
    runId: input.runId,
    pipeline: input.pipeline,
    step: input.step,
    attempt: input.attempt,
    parameters: input.parameters,
    dependencies,
    output: (step) => {
      const outputs = dependencies[step];
      if (outputs === undefined) {
        throw new PlatformError(
          'invalid_config',
          `pipeline "${input.pipeline}": step "${input.step}" read the outputs of "${step}", which is not in its dependsOn (${Object.keys(dependencies).join(', ') || 'none'})`,
        );
      }
      return outputs;
    },
    signal: input.signal,
    artifacts: createArtifacts(input),
    progress: (fraction, message) => {
      if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
        throw new PlatformError(
          'invalid_input',
          `step "${input.step}" reported progress ${fraction}; progress is a fraction 0…1`,
        );
      }
      input.progress(fraction, message);
    },
  };
}

function createArtifacts(input: StepContextInput<unknown>): StepArtifacts {
  const keyOf = (name: string, step = input.step): string => {
    checkArtifactName(name);
    return `pipelines/${input.runId}/${step}/${name}`;
  };
  const read = async (key: string): Promise<Uint8Array> => {
    const download = await input.objects.get(key);
    return readAllBytes(download.body);
  };
  return {
    keyOf,
    put: (name, body, options) => input.objects.put(keyOf(name), body, options),
    get: (name, options) => read(keyOf(name, options?.step)),
    getByKey: read,
  };
}

function checkArtifactName(name: string): void {
  const segments = name.split('/');
  if (
    name === '' ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw new PlatformError(
      'invalid_input',
      `artifact name "${name}" is not a relative path: use names like "chunks.json" or "pages/1.txt"`,
    );
  }
}
